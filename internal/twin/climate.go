package twin

import "math"

// Trends of the twin's climate relative to 2000 (°C per year): land warms
// faster than the ocean and the Arctic fastest (statics.warmingFactor),
// about as observed since 1980 (IPCC AR6 WG1 SPM: land ≈ 1.6×, ocean ≈
// 0.9× the global rate of ≈ 0.2 °C per decade).
const (
	landWarmingCPerYear  = 0.028
	oceanWarmingCPerYear = 0.016
	// seaIceRetreatDegPerYear moves the Arctic ice edge poleward (more in
	// September).
	seaIceRetreatDegPerYear = 0.05
)

// rowCtx holds what every cell of a row shares in a month.
type rowCtx struct {
	r                int
	lat, absLat      float64
	areaM2           float64
	sLand, sOcean    float64 // seasonal phase, +1 at the local summer peak
	sSoil            float64 // the land's phase a month later (soil temperature)
	winterLand       float64 // max(0, -sLand)
	winterOcean      float64
	mldPhase         float64 // 0..1, 1 at the end of winter (deepest mixed layer)
	bloom            float64 // 0..1, spring bloom at middle and high latitudes
	toaWPerM2        float64
	sigmaTC, sigmaSC float64 // weather amplitude of land air and sea-surface temperature
	mslSeasonHPa     float64 // continental winter highs and summer lows (times continentality²)
	iceEdgeDeg       float64 // latitude of the sea-ice edge before longitude terms
	precip           precipSeason
	noise            rowNoise
}

type rowNoise struct {
	t, p, sst, wind, msl, pco2, mld, chl, ndvi [noiseTerms]float32
	pco2Model                                  [nGOBM][noiseTerms]float32
}

func (w *World) rowContext(mc *monthCtx, r int, rc *rowCtx) {
	lat := w.geo.latDeg[r]
	a := math.Abs(lat)
	*rc = rowCtx{r: r, lat: lat, absLat: a, areaM2: w.geo.areaM2[r]}
	rc.sLand, rc.sOcean = hemiSeason(lat, mc.k, 7), hemiSeason(lat, mc.k, 8)
	rc.sSoil = rc.sOcean
	rc.winterLand, rc.winterOcean = math.Max(0, -rc.sLand), math.Max(0, -rc.sOcean)
	rc.mldPhase = math.Pow(math.Max(0, -hemiSeason(lat, mc.k, 9)), 1.5)
	rc.bloom = math.Max(0, hemiSeason(lat, mc.k, 5))
	rc.toaWPerM2 = float64(w.toa[r][mc.k-1])
	rc.sigmaTC = 0.25 + 1.3*(a/70)*(a/70)*(1+0.5*rc.winterLand)
	rc.sigmaSC = 0.25 + 0.35*gauss(a, 40, 15)
	rc.mslSeasonHPa = 14*rc.winterLand*gauss(lat, 50, 12) - 6*math.Max(0, rc.sLand)*gauss(lat, 30, 12)
	rc.iceEdgeDeg = iceEdgeDeg(lat, mc.k, mc.yearsSince2000)
	rc.precip = precipSeasonOf(lat, mc.k)
	if mc.clim {
		return
	}
	n := &w.noise
	for _, p := range []struct {
		s   *noiseState
		dst *[noiseTerms]float32
	}{{n.t, &rc.noise.t}, {n.p, &rc.noise.p}, {n.sst, &rc.noise.sst}, {n.wind, &rc.noise.wind},
		{n.msl, &rc.noise.msl}, {n.pco2, &rc.noise.pco2}, {n.mld, &rc.noise.mld}, {n.chl, &rc.noise.chl},
		{n.ndvi, &rc.noise.ndvi}} {
		p.s.rowWeights(r, p.dst)
	}
	for j := range n.pco2Model {
		n.pco2Model[j].rowWeights(r, &rc.noise.pco2Model[j])
	}
}

// iceEdgeDeg is the absolute latitude poleward of which the sea is
// ice-covered: 62° in March and 80° in September in the north (retreating
// with time), 59° in September and 71° in March in the south.
func iceEdgeDeg(lat float64, k int, yearsSince2000 float64) float64 {
	if lat >= 0 {
		c := math.Cos(2 * math.Pi * (float64(k) - 3) / 12)
		retreat := seaIceRetreatDegPerYear * yearsSince2000 * (1.5 - 0.5*c)
		return 71 - 9*c + retreat
	}
	return 65 - 6*math.Cos(2*math.Pi*(float64(k)-9)/12)
}

// cellClim is the weather of one cell in one month.
type cellClim struct {
	land           float64
	lon            float64
	sstC, ice      float64 // ocean part
	sstTrendC      float64 // the warming part of sstC
	tLandC, tAnomC float64 // land-part air temperature and its anomaly from climatology
	warmTrendC     float64 // the warming part of tLandC
	t2mC           float64
	precipMmPerDay float64
	ssrdWPerM2     float64
	windMPerS      float64
	windAnomMPerS  float64
	mslHPa         float64
	nP, nMLD, nChl float64
	nNDVI, nPCO2   float64
	nPCO2Model     [nGOBM]float64
}

// climate computes the weather of cell i (row rc, column c).
func (w *World) climate(mc *monthCtx, rc *rowCtx, i, c int) cellClim {
	st, geo := w.st, w.geo
	cc := cellClim{land: float64(geo.land[i]), lon: geo.lonDeg[c]}
	var nT, nSST, nW, nMSL float64
	if !mc.clim {
		nz := &w.noise
		cc.nP, nW, nMSL = float64(nz.p.at(&rc.noise.p, c)), float64(nz.wind.at(&rc.noise.wind, c)), float64(nz.msl.at(&rc.noise.msl, c))
		if cc.land > 0 {
			nT = float64(nz.t.at(&rc.noise.t, c))
		}
		if cc.land < 1 {
			nSST = float64(nz.sst.at(&rc.noise.sst, c))
		}
	}
	var extLandT, extOceanT, extP float64 = 0, 0, 1
	if mc.ext != nil {
		extLandT, extOceanT, extP = float64(mc.ext.landDTC[i]), float64(mc.ext.oceanDTC[i]), float64(mc.ext.precipFactor[i])
	}
	tOcean := 0.0
	if cc.land < 1 {
		cc.sstTrendC = oceanWarmingCPerYear * mc.yearsSince2000 * (1 - 0.5*boolf(rc.absLat > 60))
		raw := float64(st.sstAnnC[i]) + float64(st.sstAmpC[i])*rc.sOcean + cc.sstTrendC +
			float64(st.sstEnso[i])*mc.oni0 + rc.sigmaSC*nSST + extOceanT
		if rc.absLat > 45 {
			edge := rc.iceEdgeDeg + 1.2*nSST + float64(st.iceEdgeShift[i])
			cc.ice = clamp(0.5+(rc.absLat-edge)/5, 0, 1)
		}
		cc.sstC = (1-cc.ice)*math.Max(raw, -1.8) + cc.ice*-1.8
		tOcean = (1-cc.ice)*(cc.sstC-0.6) + cc.ice*(-1.8-26*rc.winterLand*clamp((rc.absLat-55)/15, 0, 1))
	}
	if cc.land > 0 {
		cc.warmTrendC = landWarmingCPerYear * mc.yearsSince2000 * float64(st.warmingFactor[i])
		cc.tAnomC = cc.warmTrendC + float64(st.tEnso[i])*mc.oniLandT + rc.sigmaTC*nT + extLandT
		cc.tLandC = float64(st.tLandAnnC[i]) + float64(st.tAmpC[i])*rc.sLand + cc.tAnomC
	}
	cc.t2mC = cc.land*cc.tLandC + (1-cc.land)*tOcean
	pClim := climPrecipMmPerDay(rc.lat, float64(geo.cont[i]), float64(st.monsoon[i]), float64(st.pLandFactor[i]), &rc.precip)
	enso := math.Max(0.05, 1+mc.oni2*float64(st.pEnso[i]))
	cc.precipMmPerDay = pClim * enso * math.Exp(0.12*cc.nP-0.0072) * extP
	cloud := clamp(0.2+0.6*(1-math.Exp(-cc.precipMmPerDay/3.5)), 0.05, 0.95)
	cc.ssrdWPerM2 = rc.toaWPerM2 * 0.76 * (1 - 0.62*cloud)
	w.windAndPressure(mc, rc, i, &cc, nW, nMSL)
	return cc
}

// windAndPressure sets the 10 m wind (trades, westerlies, winter storms,
// weaker over rough land, weaker Pacific trades in El Niño) and sea-level
// pressure (subtropical highs, subpolar lows, continental winter highs,
// the Southern Oscillation).
func (w *World) windAndPressure(mc *monthCtx, rc *rowCtx, i int, cc *cellClim, nW, nMSL float64) {
	st := w.st
	ocean := float64(st.windOceanMPerS[i]) * (1 + 0.18*rc.winterOcean*clamp((rc.absLat-20)/20, 0, 1))
	cc.windAnomMPerS = 0.7*nW - mc.oni0*float64(st.windEnso[i])
	cc.windMPerS = math.Max(0.3, cc.land*(0.55*ocean+0.6)+(1-cc.land)*ocean+cc.windAnomMPerS)
	cont := float64(w.geo.cont[i])
	cc.mslHPa = float64(st.mslBaseHPa[i]) + cont*cont*rc.mslSeasonHPa + mc.oni0*float64(st.soi[i]) +
		(2+4*rc.absLat/70)*nMSL
}
