package twin

import (
	"math"
)

// statics are the time-invariant parts of the climate, per cell: annual
// means, seasonal amplitudes and the patterns that anomalies are scaled
// by. They are computed once from latitude, longitude, the land fraction
// and continentality, so every month only adds the seasonal phase and the
// anomalies.
type statics struct {
	sstAnnC, sstAmpC       []float32 // annual-mean SST and half its seasonal range
	tLandAnnC, tAmpC       []float32 // same for 2 m temperature over land
	pLandFactor            []float32 // precipitation multiplier: interior, deserts, rain forests
	monsoon                []float32 // monsoon rain weight (monsoonWeight)
	iceEdgeShift           []float32 // longitude dependence of the Arctic ice edge (degrees)
	pAnnMm                 []float32 // climatological annual precipitation (mm/yr)
	sstEnso, tEnso         []float32 // °C per °C of ONI
	pEnso                  []float32 // fractional precipitation change per °C of ONI
	windEnso               []float32 // m/s weaker trades per °C of ONI
	soi                    []float32 // hPa of sea-level pressure per °C of ONI (Southern Oscillation)
	eep                    []float32 // eastern equatorial Pacific upwelling weight 0..1
	windOceanMPerS         []float32 // annual-mean 10 m wind over the ocean part
	mslBaseHPa             []float32
	mldSummerM, mldWinterM []float32
	sssBase                []float32
	chlLog10               []float32 // annual-mean log10 chlorophyll
	soilCapacityMm         []float32 // bucket capacity
	ndviMax                []float32
	warmingFactor          []float32 // polar amplification of the warming trend
}

// Desert and rain-forest boxes: lat0, lat1, lon0, lon1 (degrees). The
// twin has no orography or ocean currents to make them, so the large dry
// and wet regions are drawn in by hand.
var (
	desertBoxes = [][4]float64{
		{15, 32, -15, 35},    // Sahara
		{14, 32, 35, 60},     // Arabia
		{24, 40, 55, 75},     // Iran, Afghanistan, Thar fringe
		{36, 48, 55, 112},    // central Asia, Gobi
		{-32, -19, 115, 145}, // Australian interior
		{-30, -5, -78, -69},  // Atacama, coastal Peru
		{-30, -17, 12, 25},   // Namib, Kalahari
		{24, 37, -117, -103}, // Sonora, Mojave
	}
	wetBoxes = [][4]float64{
		{-12, 5, -75, -48}, // Amazonia
		{-5, 5, 10, 30},    // Congo basin
		{-8, 8, 95, 150},   // Maritime Continent
	}
)

func newStatics(geo *geography, seed uint64) *statics {
	n := geo.g.Cells()
	s := &statics{}
	for _, p := range []*[]float32{&s.sstAnnC, &s.sstAmpC, &s.tLandAnnC, &s.tAmpC, &s.pLandFactor, &s.monsoon, &s.iceEdgeShift,
		&s.pAnnMm, &s.sstEnso, &s.tEnso, &s.pEnso, &s.windEnso, &s.soi, &s.eep, &s.windOceanMPerS, &s.mslBaseHPa,
		&s.mldSummerM, &s.mldWinterM, &s.sssBase, &s.chlLog10, &s.soilCapacityMm, &s.ndviMax, &s.warmingFactor} {
		*p = make([]float32, n)
	}
	soil := fixedField(geo, seed, "soil")
	for r, lat := range geo.latDeg {
		for c, lon := range geo.lonDeg {
			i := r*geo.g.NLon + c
			cont := float64(geo.cont[i])
			s.ocean(i, lat, lon, float64(geo.coast[i]))
			s.landTemperature(i, lat, lon, cont, float64(geo.land[i]))
			s.enso(i, lat, lon)
			s.pLandFactor[i] = float32(landPrecipFactor(lat, lon, cont, float64(geo.land[i])))
			if lat > 45 {
				// Warm Atlantic water keeps the Nordic Seas open; the Bering
				// and Okhotsk seas freeze further south.
				s.iceEdgeShift[i] = float32(6*gaussLon(lon, 10, 35) - 6*gaussLon(lon, 165, 25))
			}
			s.soilCapacityMm[i] = float32(150 + 50*soil[i])
			s.warmingFactor[i] = float32(1 + 1.5*clamp((lat-55)/20, 0, 1))
			s.monsoon[i] = float32(monsoonWeight(lat, lon, cont))
			var pAnn float64
			for k := 1; k <= 12; k++ {
				ps := precipSeasonOf(lat, k)
				pAnn += climPrecipMmPerDay(lat, cont, float64(s.monsoon[i]), float64(s.pLandFactor[i]), &ps) * 30.44
			}
			s.pAnnMm[i] = float32(pAnn)
			s.ndviMax[i] = float32(0.12 + 0.76*(1-math.Exp(-pAnn/900)))
		}
	}
	return s
}

// fixedField is a smooth random field of unit variance that does not change
// with time (soil texture, population): the noise basis with fixed
// coefficients.
func fixedField(geo *geography, seed uint64, name string) []float32 {
	b := newSmoothBasis(seed, name, geo.latDeg, geo.lonDeg)
	st := newNoiseState(b, 0, newRand(seed, "fixed/"+name, 0, 0))
	out := make([]float32, geo.g.Cells())
	var w [noiseTerms]float32
	for r := range geo.latDeg {
		st.rowWeights(r, &w)
		for c := range geo.lonDeg {
			out[r*geo.g.NLon+c] = st.at(&w, c)
		}
	}
	return out
}

// ocean fills the ocean statics of cell i.
func (s *statics) ocean(i int, lat, lon, coast float64) {
	a := math.Abs(lat)
	sst := -1.8 + 29.6/(1+math.Exp((a-41)/9))
	sst += 1.5 * gauss(lat, 0, 12) * gaussLon(lon, 150, 30)  // west Pacific warm pool
	sst -= 3.0 * gauss(lat, -1, 5) * gaussLon(lon, -105, 35) // cold tongue
	sst -= 3.0 * box(lat, lon, -25, -5, -85, -72, 3)         // Humboldt upwelling
	sst -= 3.0 * box(lat, lon, -32, -15, 5, 16, 3)           // Benguela
	sst -= 2.5 * box(lat, lon, 25, 40, -128, -115, 3)        // California Current
	sst -= 2.0 * box(lat, lon, 15, 30, -22, -12, 3)          // Canary
	sst += 3.0 * box(lat, lon, 35, 45, -75, -45, 4)          // Gulf Stream
	sst += 2.5 * box(lat, lon, 30, 42, 140, 165, 4)          // Kuroshio
	sst += 3.5 * box(lat, lon, 50, 72, -30, 20, 5)           // North Atlantic Drift
	s.sstAnnC[i] = float32(sst)
	s.sstAmpC[i] = float32(0.4 + 4.2*gauss(a, 40, 13) + 2*gauss(lat, 38, 8)*gaussLon(lon, 140, 25))
	s.windOceanMPerS[i] = float32(5.6 + 2.0*gauss(a, 15, 8) + 4.0*gauss(a, 50, 11) +
		2.0*gauss(lat, -52, 8) - 1.6*gauss(lat, 5, 5) - 1.5*clamp((a-65)/15, 0, 1))
	s.mslBaseHPa[i] = float32(1012.5 + 7*gauss(a, 32, 9) - 11*gauss(a, 60, 9)*(1+boolf(lat < 0)))
	s.mldSummerM[i] = float32(22 + 18*gauss(lat, 0, 10) + 15*clamp(a/60, 0, 1))
	deep := 15 + 150*gauss(a, 55, 11) + 300*box(lat, lon, 50, 68, -60, 0, 5) + 120*gauss(lat, -55, 7)
	s.mldWinterM[i] = float32(deep)
	sss := 34.6 + 1.4*gauss(a, 24, 9) - 0.8*gauss(lat, 6, 6) - 2.5*clamp((a-55)/20, 0, 1)
	sss += 0.6*box(lat, lon, -40, 65, -80, 15, 6) + 2.8*box(lat, lon, 31, 45, -5, 36, 2)
	sss -= 3.0*clamp((lat-70)/10, 0, 1) + 25*box(lat, lon, 54, 66, 10, 30, 1)
	s.sssBase[i] = float32(math.Max(5, sss))
	chl := -1.3 + 1.0*gauss(a, 52, 12) + 0.6*gauss(lat, 0, 4)*gaussLon(lon, -120, 50)
	chl += 1.4*clamp(coast*3, 0, 1) + 0.9*(box(lat, lon, -25, -5, -85, -72, 3)+box(lat, lon, -32, -15, 5, 16, 3))
	chl -= 0.4 * gauss(lat, -58, 8) // high-nutrient low-chlorophyll Southern Ocean
	s.chlLog10[i] = float32(chl)
}

// landTemperature fills the land temperature statics: colder poleward
// and, for the ice sheets and Tibet, upward; a larger seasonal cycle deep
// inside continents.
func (s *statics) landTemperature(i int, lat, lon, cont, land float64) {
	a := math.Abs(lat)
	t := 26 - 0.0079*lat*lat
	t -= 22 * clamp((-lat-63)/6, 0, 1)                               // Antarctic plateau
	t -= 12 * box(lat, lon, 60, 84, -73, -15, 3) * clamp(land, 0, 1) // Greenland ice sheet
	t -= 10 * box(lat, lon, 28, 38, 78, 100, 3)                      // Tibet
	for _, b := range desertBoxes {
		t += 2 * box(lat, lon, b[0], b[1], b[2], b[3], 3)
	}
	s.tLandAnnC[i] = float32(t)
	s.tAmpC[i] = float32(0.8 + (1+14*math.Pow(cont, 1.2))*math.Min(1, math.Pow(a/60, 1.3)))
}

// enso fills the teleconnection patterns of El Niño (per °C of ONI): warm
// central and eastern equatorial Pacific, warmer and drier Amazonia,
// Southeast Asia, Australia and southern Africa, wetter Peru coast, Horn of
// Africa and south-eastern South America (Ropelewski and Halpert 1987,
// in sign).
func (s *statics) enso(i int, lat, lon float64) {
	eq := gauss(lat, 0, 9)
	s.sstEnso[i] = float32(1.3*eq*gaussLon(lon, -135, 42) + 1.0*gauss(lat, -3, 7)*gaussLon(lon, -90, 15) -
		0.35*gauss(lat, 0, 16)*gaussLon(lon, 150, 18) + 0.2*gauss(lat, -5, 20)*gaussLon(lon, 75, 25))
	s.eep[i] = float32(gauss(lat, -1, 6) * gaussLon(lon, -115, 35))
	amaz := box(lat, lon, -15, 5, -75, -45, 4)
	sea := box(lat, lon, -10, 20, 95, 150, 4)
	aus := box(lat, lon, -38, -12, 130, 154, 4)
	saf := box(lat, lon, -32, -15, 15, 40, 4)
	s.tEnso[i] = float32(0.45*amaz + 0.35*sea + 0.2*aus + 0.25*saf + 0.1*gauss(lat, 0, 20))
	p := -0.18*amaz - 0.22*sea - 0.16*aus - 0.13*saf + 0.5*box(lat, lon, -10, 2, -82, -76, 2) +
		0.25*box(lat, lon, -5, 10, 35, 52, 3) + 0.2*box(lat, lon, -35, -25, -60, -48, 3) +
		0.7*eq*gaussLon(lon, -150, 35) - 0.25*gauss(lat, 0, 12)*gaussLon(lon, 140, 20)
	s.pEnso[i] = float32(p)
	s.windEnso[i] = float32(0.9 * gauss(lat, 0, 10) * gaussLon(lon, -150, 45))
	s.soi[i] = float32(-1.2*gauss(lat, -15, 15)*gaussLon(lon, -140, 40) + 1.0*gauss(lat, -12, 12)*gaussLon(lon, 130, 25))
}

// landPrecipFactor scales precipitation over the land part of a cell.
func landPrecipFactor(lat, lon, cont, land float64) float64 {
	f := 1.15 - 0.5*cont
	for _, b := range desertBoxes {
		f *= 1 - 0.85*box(lat, lon, b[0], b[1], b[2], b[3], 3)
	}
	for _, b := range wetBoxes {
		f *= 1 + 0.5*box(lat, lon, b[0], b[1], b[2], b[3], 3)
	}
	return land*f + (1 - land)
}

// precipSeason holds the parts of the climatological precipitation that
// depend only on the month (where the ITCZ is) and the latitude.
type precipSeason struct {
	itczOcean, itczLand float64 // ITCZ latitude over the ocean and over land
	summerNH            float64 // 0..1, the northern monsoon season
	storm, dry          float64 // storm-track rain; subtropical and polar drying factor
}

func precipSeasonOf(lat float64, k int) precipSeason {
	a := math.Abs(lat)
	winter := math.Max(0, -hemiSeason(lat, k, 7))
	return precipSeason{
		itczOcean: 5 + 7*math.Cos(2*math.Pi*(float64(k)-8)/12),
		itczLand:  4 + 13*math.Cos(2*math.Pi*(float64(k)-7.5)/12),
		summerNH:  math.Max(0, math.Cos(2*math.Pi*(float64(k)-7)/12)),
		storm:     0.3 + 3.0*gauss(a, 45, 11)*(1+0.35*winter) + 1.2*gauss(a, 62, 8),
		dry:       (1 - 0.65*gauss(a, 24, 7)) * (0.3 + 0.7*clamp((80-a)/25, 0, 1)),
	}
}

// monsoonWeight is where the South and East Asian summer monsoons rain.
func monsoonWeight(lat, lon, cont float64) float64 {
	return cont * (7*gauss(lat, 22, 7)*gaussLon(lon, 82, 22) + 4*gauss(lat, 30, 8)*gaussLon(lon, 115, 15))
}

// climPrecipMmPerDay is the climatological precipitation of a month: the
// seasonally migrating ITCZ (further over land, where monsoons reach
// farther), storm tracks strongest in winter, dry subtropics and poles,
// and the Asian summer monsoons.
func climPrecipMmPerDay(lat, cont, monsoon, landFactor float64, ps *precipSeason) float64 {
	itcz := (1-cont)*ps.itczOcean + cont*ps.itczLand
	p := (ps.storm + 8.5*gauss(lat, itcz, 8)) * ps.dry
	return (p + ps.summerNH*monsoon) * landFactor
}

// hemiSeason is +1 at the local summer peak and -1 at the winter peak for
// a northern-hemisphere peak month peakNH (the south is six months off).
func hemiSeason(lat float64, k int, peakNH float64) float64 {
	s := math.Cos(2 * math.Pi * (float64(k) - peakNH) / 12)
	if lat < 0 {
		return -s
	}
	return s
}

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
