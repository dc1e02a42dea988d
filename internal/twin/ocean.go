package twin

import "math"

const (
	// sinkPerExcessGtCPerPPM is the ocean sink per ppm of CO2 above
	// pre-industrial the truth is calibrated to at its start: the GCB 2025
	// ocean sink over the excess CO2 is 0.0245 in 2000 and 0.0238 in 2024.
	sinkPerExcessGtCPerPPM = 0.0241
	// riverOutgassing* split the 0.65 GtC/yr outgassing of river-borne
	// carbon (Regnier et al. 2022) by latitude band (Lacroix et al. 2020):
	// north of 30°N, the tropics, south of 30°S.
	riverOutgassingNorthGtC   = 0.14
	riverOutgassingTropicsGtC = 0.42
	riverOutgassingSouthGtC   = 0.09
)

// oceanCalib is the static ocean carbon state: the natural pCO2 pattern,
// its non-thermal seasonality, ventilation, river outgassing and model
// biases, with the offsets and disequilibrium scale the climatology run
// calibrates.
type oceanCalib struct {
	dpUatm    []float32 // natural pCO2 departure from air (before calibration)
	bNT       []float32 // amplitude of the non-thermal (biological) seasonal cycle
	vent      []float32 // ventilation: where anthropogenic uptake is strong
	riverMmol []float32 // river-carbon outgassing, mmol m⁻² day⁻¹
	u2Factor  []float32 // <U²>/<U>² of the month's wind
	bias      [nGOBM][]float32
	offset    [nOceanSets]float64 // µatm, makes the natural flux zero in the climatology
	kappa     float64             // µatm of disequilibrium per ppm of lag at unit ventilation
}

func newOceanCalib(geo *geography, st *statics, seed uint64) oceanCalib {
	n := geo.g.Cells()
	oc := oceanCalib{dpUatm: make([]float32, n), bNT: make([]float32, n), vent: make([]float32, n),
		riverMmol: make([]float32, n), u2Factor: make([]float32, n)}
	for r, lat := range geo.latDeg {
		a := math.Abs(lat)
		for c, lon := range geo.lonDeg {
			i := r*geo.g.NLon + c
			oc.dpUatm[i] = float32(naturalDeltaPCO2(lat, lon, float64(st.eep[i])))
			oc.bNT[i] = float32(0.20 * clamp((a-30)/20, 0, 1))
			oc.vent[i] = float32(1 + 0.8*gauss(lat, -48, 10) + 0.6*box(lat, lon, 40, 65, -60, 0, 5) - 0.3*gauss(a, 20, 10))
			// Winds are steadier in the trades (Weibull shape ≈ 3,
			// <U²>/<U>² ≈ 1.14) than in the storm tracks (shape ≈ 2, 1.27).
			oc.u2Factor[i] = float32(1.10 + 0.17*clamp((a-15)/35, 0, 1))
		}
	}
	for j := range oc.bias {
		f := fixedField(geo, seed, "gobm-bias/"+GOBMNames[j])
		for i := range f {
			f[i] *= float32(oceanSets[j+1].biasUatm)
		}
		oc.bias[j] = f
	}
	oc.riverMmol = riverPattern(geo)
	return oc
}

// naturalDeltaPCO2 is the pre-industrial pCO2 of the sea minus that of the
// air (µatm) before seasonality: outgassing where upwelling brings old
// carbon up (eastern equatorial Pacific, coastal upwelling, Antarctic
// zone), uptake where water cools and sinks (subpolar North Atlantic and
// Pacific, the Subantarctic zone), after Takahashi et al. (2009,
// Deep-Sea Res. II 56, 554) in pattern and rough size.
func naturalDeltaPCO2(lat, lon, eep float64) float64 {
	d := 55*eep + 12*gauss(lat, 0, 5)*(gaussLon(lon, -20, 25)+gaussLon(lon, 70, 30))
	d -= 30 * box(lat, lon, 45, 66, -60, 0, 5)
	d -= 18 * gauss(lat, 47, 7) * gaussLon(lon, -175, 30)
	d -= 22 * gauss(lat, -45, 6)
	d += 10 * gauss(lat, -66, 5)
	d += 35 * (box(lat, lon, -25, -5, -85, -72, 3) + box(lat, lon, -32, -15, 5, 16, 3) +
		box(lat, lon, 25, 40, -128, -115, 3) + box(lat, lon, 5, 25, 50, 70, 3))
	return d
}

// riverPattern spreads the river-carbon outgassing of each band over its
// ice-free coastal ocean.
func riverPattern(geo *geography) []float32 {
	n := geo.g.Cells()
	out := make([]float32, n)
	bands := []struct{ south, north, gtc float64 }{
		{30, 90, riverOutgassingNorthGtC}, {-30, 30, riverOutgassingTropicsGtC}, {-90, -30, riverOutgassingSouthGtC},
	}
	for _, b := range bands {
		var total float64
		for r, lat := range geo.latDeg {
			if lat < b.south || lat >= b.north || math.Abs(lat) > 65 {
				continue
			}
			for c := range geo.lonDeg {
				i := r*geo.g.NLon + c
				total += float64(geo.coast[i]) * geo.areaM2[r] * float64(1-geo.land[i])
			}
		}
		// GtC/yr → mmol m⁻² day⁻¹ per unit weight.
		scale := b.gtc * 1e15 / gramsCPerMol * 1e3 / 365.25 / total
		for r, lat := range geo.latDeg {
			if lat < b.south || lat >= b.north || math.Abs(lat) > 65 {
				continue
			}
			for c := range geo.lonDeg {
				i := r*geo.g.NLon + c
				out[i] = float32(float64(geo.coast[i]) * scale)
			}
		}
	}
	return out
}

// oceanCell computes the ocean state and carbon of the ocean part of cell
// i for the truth and every model.
func (w *World) oceanCell(mc *monthCtx, rc *rowCtx, i, c int, cc *cellClim, out *MonthFields, s *sums) {
	st, oc := w.st, &w.ocean
	var on oceanNoise
	if !mc.clim {
		on = w.oceanNoiseAt(rc, c)
	}
	sss := clamp(float64(st.sssBase[i])-0.12*cc.nP, 2, 42)
	mld := (float64(st.mldSummerM[i])+float64(st.mldWinterM[i])*rc.mldPhase)*math.Exp(0.15*on.mld) + 3*cc.windAnomMPerS
	out.SstC[i], out.Siconc[i] = float32(cc.sstC), float32(cc.ice)
	out.SalinityPSU[i], out.MldM[i] = float32(sss), float32(math.Max(5, mld))
	out.ChlMgPerM3[i] = float32(w.chlorophyll(mc, rc, i, cc, on.chl))

	pAtm := cc.mslHPa / 1013.25
	xco2 := mc.co2PPM
	if mc.clim {
		xco2 = januaryCO2PPM(w.opt.FromYear)
	}
	pAir := xco2 * (pAtm - waterVapourAtm(cc.sstC, sss))
	u2 := cc.windMPerS * cc.windMPerS * float64(oc.u2Factor[i])
	open := 1 - cc.ice
	exch := exchangeMmolPerM2DayPerUatm(u2, cc.sstC, sss, wanninkhofCmPerHour) * open
	seasonal := math.Exp(thermalPCO2PerC*(cc.sstC-float64(st.sstAnnC[i])-cc.sstTrendC)) * (1 - float64(oc.bNT[i])*rc.sOcean)
	weight := rc.areaM2 * (1 - cc.land)
	if mc.clim {
		oc.accumulate(s, i, exch, pAir, seasonal, weight*float64(mc.days))
		return
	}
	diseq := oc.kappa * mc.disequilibriumPPM * float64(oc.vent[i])
	sigma := 5 + 5*clamp((rc.absLat-30)/30, 0, 1)
	gtc := weight * 1e-15
	for p, op := range oceanSets {
		bias, noise := 0.0, on.pco2
		if p > 0 {
			bias = float64(oc.bias[p-1][i])
			noise = math.Sqrt(1-op.ownNoise*op.ownNoise)*on.pco2 + op.ownNoise*on.pco2Model[p-1]
		}
		pco2 := (pAir+float64(oc.dpUatm[i])+bias+oc.offset[p])*seasonal - diseq*op.kappaFactor -
			op.ensoUatm*mc.oni0*float64(st.eep[i]) + sigma*noise
		uptake := -gramsCPerM2Month(exch*op.kFactor*(pco2-pAir), mc.days)
		if p > 0 {
			out.FgCO2Model[p-1][i] = float32(uptake)
			s.gobm[p-1] += uptake * gtc
			continue
		}
		w.oceanTruth(mc, i, cc, exch, pco2, pAir, pAtm, xco2, uptake, out, s, gtc)
	}
}

// oceanTruth adds the river-carbon outgassing to the truth: its pCO2 is
// raised just enough to outgas riverMmol, so ships see it, while S_OCEAN
// (the anthropogenic-perturbation sink the GCB defines) does not count it.
func (w *World) oceanTruth(mc *monthCtx, i int, cc *cellClim, exch, pco2, pAir, pAtm, xco2, sink float64, out *MonthFields, s *sums, gtc float64) {
	// The outgassing scales with open water; the pCO2 that drives it is
	// that of the open water, so it stays bounded under partial ice.
	river := float64(w.ocean.riverMmol[i]) * (1 - cc.ice)
	if exchOpen := exch / math.Max(1-cc.ice, 1e-3); river == 0 || exchOpen < 1e-3 {
		river = 0
	} else {
		pco2 += river / exch
	}
	riverG := gramsCPerM2Month(river, mc.days)
	out.PCO2SeaUatm[i] = float32(pco2)
	out.FCO2SeaUatm[i] = float32(pco2 * fugacityFactor(cc.sstC, pAtm, xco2))
	out.PCO2AirUatm[i] = float32(pAir)
	out.OceanSink[i] = float32(sink)
	out.FgCO2[i] = float32(sink - riverG)
	s.oceanSink += sink * gtc
	s.fgco2 += (sink - riverG) * gtc
	s.river += riverG * gtc
}

// chlorophyll is low in the gyres, high in upwelling, coastal and
// subpolar water, with a spring bloom and a winter low; NaN under ice and
// in the polar night, where ocean-colour satellites see nothing.
func (w *World) chlorophyll(mc *monthCtx, rc *rowCtx, i int, cc *cellClim, noise float64) float64 {
	if cc.ice > 0.5 || rc.toaWPerM2 < 25 {
		return math.NaN()
	}
	hi := clamp((rc.absLat-35)/15, 0, 1)
	l := float64(w.st.chlLog10[i]) + 0.45*hi*rc.bloom - 0.25*rc.winterOcean*hi + 0.15*noise -
		0.3*mc.oni0*float64(w.st.eep[i])
	return math.Exp(l * math.Ln10)
}

// accumulate adds one cell-month of the climatology to the calibration
// sums: the natural flux of each set and what an offset or the
// disequilibrium would change it by.
func (oc *oceanCalib) accumulate(s *sums, i int, exch, pAir, seasonal, weight float64) {
	for p, op := range oceanSets {
		bias := 0.0
		if p > 0 {
			bias = float64(oc.bias[p-1][i])
		}
		k := exch * op.kFactor * weight
		s.natFlux[p] += k * ((pAir+float64(oc.dpUatm[i])+bias)*seasonal - pAir)
		s.natWeight[p] += k * seasonal
	}
	s.vent += exch * weight * float64(oc.vent[i])
}

// finishCalibration sets the offsets that make each set's natural flux
// vanish over the climatological year and the disequilibrium scale that
// gives the truth the target sink at the start. sum holds a climatological
// year of sums; diseqPPM and excessPPM are the first month's lag and CO2
// excess.
func (oc *oceanCalib) finishCalibration(year sums, diseqPPM, excessPPM float64) {
	for p := range oceanSets {
		oc.offset[p] = -year.natFlux[p] / year.natWeight[p]
	}
	// year.vent is Σ exch·vent·area·days in mmol per µatm.
	gtcPerUatm := year.vent * 1e-3 * gramsCPerMol * 1e-15
	oc.kappa = sinkPerExcessGtCPerPPM * excessPPM / (diseqPPM * gtcPerUatm)
}

// oceanNoise is the month's ocean weather at one cell.
type oceanNoise struct {
	mld, chl, pco2 float64
	pco2Model      [nGOBM]float64
}

func (w *World) oceanNoiseAt(rc *rowCtx, c int) oceanNoise {
	n := &w.noise
	on := oceanNoise{mld: float64(n.mld.at(&rc.noise.mld, c)), chl: float64(n.chl.at(&rc.noise.chl, c)), pco2: float64(n.pco2.at(&rc.noise.pco2, c))}
	for j := range on.pco2Model {
		on.pco2Model[j] = float64(n.pco2Model[j].at(&rc.noise.pco2Model[j], c))
	}
	return on
}
