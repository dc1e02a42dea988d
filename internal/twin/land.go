package twin

import (
	"math"
)

const (
	// carbonUseEfficiency is NPP/GPP (autotrophic respiration takes the
	// rest), about 0.5 across biomes (Waring et al. 1998, Tree Physiol.
	// 18, 129).
	carbonUseEfficiency = 0.5
	// fireRateFactor converts fuel (annual NPP, g C m⁻² yr⁻¹) times fire
	// weather into monthly fire emissions; set so that global fire carbon
	// is about 2 GtC/yr, as GFED4s (van der Werf et al. 2017).
	fireRateFactor = 0.03
	// fireClimCalibration scales the climatological fire the models carry
	// to the long-run mean of the truth's weather-driven fire (fire is
	// convex in dryness, so the fire of mean weather is lower than mean
	// fire).
	fireClimCalibration = 1.3
	// soilCapacity... see statics.soilCapacityMm.
	snowMeltMmPerCPerDay = 2.5
)

// landState is the land's memory and calibration: soil water and snow
// (bucket model), last month's soil moisture for the lagged greenness, the
// base respiration of every parameter set, the climatological fire and
// the land-use emission pattern.
type landState struct {
	waterMm, snowMm, swvlPrev []float32
	rh0                       [nLandSets][]float32 // g C m⁻² month⁻¹ at the reference temperature
	fuel                      []float32            // truth's climatological NPP, g C m⁻² yr⁻¹
	fireClim                  [12][]float32        // truth's fire model on climatology, g C m⁻² month⁻¹
	elucPerGtC                []float32            // g C m⁻² land per GtC of global E_LUC
	acc                       *landAccum           // climatology sums (calibration only)
}

type landAccum struct {
	npp, shape [nLandSets][]float32
	firePot    [12][]float32
}

func newLandState(geo *geography, st *statics, seed uint64) landState {
	n := geo.g.Cells()
	ls := landState{waterMm: make([]float32, n), snowMm: make([]float32, n), swvlPrev: make([]float32, n), fuel: make([]float32, n)}
	for i := range n {
		ls.waterMm[i] = 0.5 * st.soilCapacityMm[i]
		ls.swvlPrev[i] = 0.24
	}
	for p := range ls.rh0 {
		ls.rh0[p] = make([]float32, n)
	}
	for k := range ls.fireClim {
		ls.fireClim[k] = make([]float32, n)
	}
	ls.elucPerGtC = elucPattern(geo)
	return ls
}

// elucPattern spreads land-use emissions over the deforestation fronts
// (Amazon arc of deforestation, insular and mainland Southeast Asia, the
// Congo basin, Central America) and, more thinly, the rest of the tropics,
// normalised so that Σ pattern·area·land = 1 GtC.
func elucPattern(geo *geography) []float32 {
	w := make([]float32, geo.g.Cells())
	var total float64
	for r, lat := range geo.latDeg {
		for c, lon := range geo.lonDeg {
			i := r*geo.g.NLon + c
			lf := float64(geo.land[i])
			if lf == 0 {
				continue
			}
			v := 1.0*box(lat, lon, -13, -3, -65, -45, 3) + 0.9*box(lat, lon, -5, 7, 95, 120, 2) +
				0.5*box(lat, lon, -6, 5, 12, 30, 3) + 0.4*box(lat, lon, 10, 22, 95, 108, 2) +
				0.3*box(lat, lon, 8, 18, -92, -83, 2) + 0.12*gauss(lat, 0, 18)
			w[i] = float32(v)
			total += v * geo.areaM2[r] * lf
		}
	}
	for i := range w {
		w[i] = float32(float64(w[i]) / total * 1e15)
	}
	return w
}

// bucket advances soil water and snow of cell i by one month and returns
// the top-layer soil moisture (m³ m⁻³): snow below -1 °C, degree-day melt,
// Priestley-Taylor evaporation limited by soil water, runoff above
// capacity (Manabe 1969 bucket).
func (ls *landState) bucket(i int, capMm, tC, precipMm, ssrdWPerM2 float64, days int) float64 {
	water, snow := float64(ls.waterMm[i]), float64(ls.snowMm[i])
	rain := precipMm
	if tC < -1 {
		snow += precipMm
		rain = 0
	}
	melt := math.Min(snow, snowMeltMmPerCPerDay*math.Max(0, tC)*float64(days))
	snow -= melt
	var pet float64
	if tC > 0 {
		rnMmPerDay := 0.55 * ssrdWPerM2 * 86400 / 2.45e6
		es := 4098 * 0.6108 * math.Exp(17.27*tC/(tC+237.3)) / ((tC + 237.3) * (tC + 237.3))
		pet = 1.26 * es / (es + 0.0665) * rnMmPerDay * float64(days)
	}
	et := pet * math.Min(1, water/(0.75*capMm))
	water = clamp(water+rain+melt-et, 0, capMm)
	ls.waterMm[i], ls.snowMm[i] = float32(water), float32(snow)
	return 0.04 + 0.40*water/capMm
}

// landCell computes soil water, greenness and the carbon fluxes of the
// land part of cell i for the truth and every model.
func (w *World) landCell(mc *monthCtx, rc *rowCtx, i, c int, cc *cellClim, out *MonthFields, s *sums) {
	st, ls := w.st, &w.land
	t := cc.tLandC
	swvl := ls.bucket(i, float64(st.soilCapacityMm[i]), t, cc.precipMmPerDay*float64(mc.days), cc.ssrdWPerM2, mc.days)
	snowFrac := clamp(float64(ls.snowMm[i])/30, 0, 1)
	pheno := clamp(t/12, 0, 1) * math.Pow(clamp((float64(ls.swvlPrev[i])-0.06)/0.18, 0, 1), 0.6)
	ls.swvlPrev[i] = float32(swvl)
	ndviMax := float64(st.ndviMax[i])
	ndvi := (0.06+(ndviMax-0.06)*pheno)*(1-snowFrac) - 0.03*snowFrac
	obs := ndvi
	if !mc.clim {
		obs = ndvi*(1+0.3*landSets[0].beta*math.Log(mc.co2PPM/370)) + 0.02*float64(w.noise.ndvi.at(&rc.noise.ndvi, c))
	}
	out.Swvl1[i], out.NDVI[i] = float32(swvl), float32(clamp(obs, -0.2, 1))
	fapar := clamp(1.15*(ndvi-0.07), 0, 0.95)
	parMJ := 0.48 * cc.ssrdWPerM2 * 86400 * float64(mc.days) * 1e-6
	fT := clamp((t+2)/20, 0, 1) * math.Exp(-sq(math.Max(0, t-30)/9))
	dry := clamp(1-(swvl-0.05)/0.22, 0, 1)
	// Fire needs fuel, dryness and warmth, and is rare where it rains
	// much in every season (rain forests) whatever the month.
	firePot := dry * dry * clamp((t-3)/20, 0, 1.6) * math.Exp(-float64(st.pAnnMm[i])/1200)
	gW := 0.25 + 0.75*clamp((swvl-0.04)/0.2, 0, 1)
	// Soil temperature, which drives decomposition, has a damped and
	// delayed seasonal cycle but takes the air's anomalies.
	tSoil := float64(st.tLandAnnC[i]) + 0.1*float64(st.tAmpC[i])*rc.sSoil + cc.tAnomC
	var fl landFlux
	// Powers as exp(x·ln b): the same values as math.Pow, and this loop
	// runs for every land cell, month and parameter set.
	wet := clamp((swvl-0.05)/0.16, 0, 1)
	lnWet := math.Log(wet)
	for p, lp := range landSets {
		fW := 0.0
		if wet > 0 {
			fW = math.Exp(lp.waterExp * lnWet)
		}
		fl.gpp[p] = lp.lueGCPerMJ * fapar * parMJ * fT * fW * mc.gppCO2[p]
		tAcc := float64(st.tLandAnnC[i]) + lp.acclimation*cc.warmTrendC
		fl.shape[p] = math.Exp((tSoil-tAcc)/10*math.Log(lp.q10)) * gW
	}
	if mc.clim {
		ls.accumulate(mc.k, i, &fl, firePot)
		return
	}
	w.landCarbon(mc, i, cc, &fl, firePot, dry, out, s, rc.areaM2*cc.land*1e-15)
}

// landFlux holds the per-set productivity and respiration shape of a cell.
type landFlux struct {
	gpp, shape [nLandSets]float64
}

func (ls *landState) accumulate(k, i int, fl *landFlux, firePot float64) {
	if ls.acc == nil {
		return
	}
	for p := range landSets {
		ls.acc.npp[p][i] += float32(carbonUseEfficiency * fl.gpp[p])
		ls.acc.shape[p][i] += float32(fl.shape[p])
	}
	ls.acc.firePot[k-1][i] = float32(firePot)
}

// landCarbon turns productivity into the net fluxes of the truth and the
// models. The truth burns with the month's weather and its extremes and
// loses trees in extreme drought; the models burn their climatological
// fire, blind to extreme fire years, as TRENDY S2 runs are.
func (w *World) landCarbon(mc *monthCtx, i int, cc *cellClim, fl *landFlux, firePot, dry float64, out *MonthFields, s *sums, gtcPerGPerM2 float64) {
	ls := &w.land
	fuel := float64(ls.fuel[i])
	fireBoost := 1.0
	if mc.ext != nil {
		fireBoost = float64(mc.ext.fireFactor[i])
	}
	fire := fireRateFactor * fuel * firePot * math.Exp(0.1*math.Max(0, cc.tAnomC)) * fireBoost * mc.respCO2[0]
	var mortality float64
	if float64(w.st.ndviMax[i]) > 0.6 && dry > 0.6 && cc.tAnomC > 0.8 {
		mortality = 0.05 * fuel / 12 * (dry - 0.6) / 0.4 * math.Min(1, (cc.tAnomC-0.8)/2)
	}
	for p := range landSets {
		rh := float64(ls.rh0[p][i]) * fl.shape[p] * mc.respCO2[p]
		nbp := carbonUseEfficiency*fl.gpp[p] - rh
		if p == 0 {
			nbp -= fire + mortality
			out.NBP[i], out.GPP[i], out.Fire[i] = float32(nbp), float32(fl.gpp[0]), float32(fire)
			s.nbp += nbp * gtcPerGPerM2
			s.gpp += fl.gpp[0] * gtcPerGPerM2
			s.fire += fire * gtcPerGPerM2
			continue
		}
		nbp -= float64(ls.fireClim[mc.k-1][i]) * landSets[p].fireFactor * mc.respCO2[p]
		out.NBPModel[p-1][i] = float32(nbp)
		s.dgvm[p-1] += nbp * gtcPerGPerM2
	}
	out.ELUC[i] = float32(mc.lucGtC * float64(ls.elucPerGtC[i]))
	out.Fossil[i] = mc.fossil[i]
}

// finishCalibration sets the models' climatological fire and every set's
// base respiration so that, in the climatology at pre-industrial CO2,
// each cell's annual NPP equals its respiration plus fire.
func (ls *landState) finishCalibration() {
	for i := range ls.fuel {
		ls.fuel[i] = ls.acc.npp[0][i]
		var fireYear float64
		for k := range 12 {
			f := fireRateFactor * float64(ls.fuel[i]) * float64(ls.acc.firePot[k][i]) * fireClimCalibration
			ls.fireClim[k][i] = float32(f)
			fireYear += f
		}
		for p, lp := range landSets {
			if sh := float64(ls.acc.shape[p][i]); sh > 0 {
				ls.rh0[p][i] = float32(math.Max(0, float64(ls.acc.npp[p][i])-fireYear*lp.fireFactor) / sh)
			}
		}
	}
	ls.acc = nil
}

func sq(x float64) float64 { return x * x }
