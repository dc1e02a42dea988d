package twin

import (
	"fmt"
	"math"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Carbon Monitor's sectors, in the alphabetical order of its files.
var cmSectors = [...]string{"Domestic Aviation", "Ground Transport", "Industry", "International Aviation", "Power", "Residential"}

const (
	nSectors = len(cmSectors)
	// sectorIntlAviation is the bunker fuel kept global and ungridded.
	sectorIntlAviation = 3
	// mtCO2PerGtC is the GCB conversion (science.md section 1).
	mtCO2PerGtC = 3.664e3
)

// fossilRow is one emitter the twin simulates. The Carbon Monitor file
// adds the aggregates "EU27 & UK" (the European rows) and "WORLD" (all).
type fossilRow struct {
	name    string
	iso3    []string // nil for the rest of the EU and for ROW (filled in from the masks)
	eu      bool     // part of "EU27 & UK"
	heating float64  // amplitude of the winter peak of residential emissions
	// share of WORLD at the anchor years 1990, 2000, 2010, 2019, 2024
	// (national shares of GCB 2025 fossil emissions, rounded; the European
	// rows share the EU27 & UK share as euSplit says).
	shares [5]float64
	// sector shares, from Carbon Monitor's January–July 2024 export
	// (Liu et al. 2020, doi:10.1038/s41597-020-00708-7), in cmSectors order.
	sectors [nSectors]float64
}

var shareYears = [5]int{1990, 2000, 2010, 2019, 2024}

// euShares is the EU27 & UK share of WORLD at the anchor years, split
// between its rows by euSplit (their 2024 Carbon Monitor shares).
var (
	euShares = [5]float64{0.21, 0.17, 0.118, 0.091, 0.081}
	euSplit  = map[string]float64{"France": 0.10, "Germany": 0.20, "Italy": 0.10, "Spain": 0.085, "United Kingdom": 0.12, "rest of EU27 & UK": 0.395}
)

var fossilRows = []fossilRow{
	{name: "Brazil", iso3: []string{"BRA"}, heating: -0.03, shares: [5]float64{0.011, 0.014, 0.013, 0.0125, 0.011}, sectors: [nSectors]float64{0.0295, 0.4155, 0.3227, 0.0167, 0.1229, 0.0927}},
	{name: "China", iso3: []string{"CHN"}, heating: 0.5, shares: [5]float64{0.105, 0.14, 0.255, 0.29, 0.309}, sectors: [nSectors]float64{0.0065, 0.0822, 0.3626, 0.0021, 0.4736, 0.0731}},
	{name: "France", iso3: []string{"FRA"}, eu: true, heating: 0.6, sectors: [nSectors]float64{0.0061, 0.4060, 0.1978, 0.0700, 0.0483, 0.2719}},
	{name: "Germany", iso3: []string{"DEU"}, eu: true, heating: 0.6, sectors: [nSectors]float64{0.0022, 0.2594, 0.1911, 0.0458, 0.2801, 0.2213}},
	{name: "India", iso3: []string{"IND"}, heating: 0.1, shares: [5]float64{0.025, 0.04, 0.052, 0.072, 0.087}, sectors: [nSectors]float64{0.0022, 0.0933, 0.2698, 0.0044, 0.5603, 0.0699}},
	{name: "Italy", iso3: []string{"ITA"}, eu: true, heating: 0.55, sectors: [nSectors]float64{0.0065, 0.3148, 0.1812, 0.0522, 0.2006, 0.2447}},
	{name: "Japan", iso3: []string{"JPN"}, heating: 0.45, shares: [5]float64{0.05, 0.05, 0.036, 0.03, 0.028}, sectors: [nSectors]float64{0.0093, 0.1854, 0.2367, 0.0178, 0.4382, 0.1125}},
	{name: "Russia", iso3: []string{"RUS"}, heating: 0.6, shares: [5]float64{0.10, 0.06, 0.05, 0.047, 0.0455}, sectors: [nSectors]float64{0.0102, 0.1420, 0.1979, 0.0040, 0.5377, 0.1082}},
	{name: "Spain", iso3: []string{"ESP"}, eu: true, heating: 0.45, sectors: [nSectors]float64{0.0269, 0.3722, 0.2545, 0.1039, 0.0973, 0.1453}},
	{name: "United Kingdom", iso3: []string{"GBR"}, eu: true, heating: 0.6, sectors: [nSectors]float64{0.0057, 0.3408, 0.1739, 0.1027, 0.1265, 0.2504}},
	{name: "United States", iso3: []string{"USA"}, heating: 0.45, shares: [5]float64{0.235, 0.24, 0.17, 0.143, 0.138}, sectors: [nSectors]float64{0.0329, 0.3230, 0.2058, 0.0157, 0.3146, 0.1080}},
	{name: "rest of EU27 & UK", eu: true, heating: 0.6, sectors: [nSectors]float64{0.0052, 0.3094, 0.2172, 0.0653, 0.1995, 0.2034}},
	{name: "ROW", heating: 0.3, sectors: [nSectors]float64{0.0063, 0.2230, 0.3410, 0.0264, 0.3109, 0.0924}},
}

// euMembers are the EU27 member states and the United Kingdom: Carbon
// Monitor's "EU27 & UK".
var euMembers = []string{"AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN",
	"IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE", "GBR"}

// shareOf is row's share of WORLD in year, interpolated between anchors.
func (row *fossilRow) shareOf(year int) float64 {
	switch {
	case row.name == "ROW":
		s := 1.0
		for i := range fossilRows {
			if fossilRows[i].name != "ROW" {
				s -= fossilRows[i].shareOf(year)
			}
		}
		return s
	case row.eu:
		return interpAnchors(euShares, year) * euSplit[row.name]
	}
	return interpAnchors(row.shares, year)
}

func interpAnchors(v [5]float64, year int) float64 {
	if year <= shareYears[0] {
		return v[0]
	}
	for j := 1; j < len(shareYears); j++ {
		if year <= shareYears[j] {
			f := float64(year-shareYears[j-1]) / float64(shareYears[j]-shareYears[j-1])
			return v[j-1] + f*(v[j]-v[j-1])
		}
	}
	return v[len(v)-1]
}

// fossilWorld holds the daily national emissions of every simulated year
// and where each row emits on the grid.
type fossilWorld struct {
	geo      *geography
	first    time.Time             // 1 January of the first year
	daily    [][nSectors][]float64 // [row][sector][day] MtCO2/day
	patterns [][]float32           // [row][cell] g C m⁻² of land per GtC of the row
}

func newFossilWorld(geo *geography, masks LandMasks, opt Options) (*fossilWorld, error) {
	fw := &fossilWorld{geo: geo, first: time.Date(opt.FromYear, 1, 1, 0, 0, 0, 0, time.UTC)}
	ndays := int(time.Date(opt.ToYear+1, 1, 1, 0, 0, 0, 0, time.UTC).Sub(fw.first).Hours() / 24)
	fw.daily = make([][nSectors][]float64, len(fossilRows))
	for ri := range fossilRows {
		for s := range nSectors {
			fw.daily[ri][s] = make([]float64, ndays)
		}
		for y := opt.FromYear; y <= opt.ToYear; y++ {
			fw.simulateYear(ri, y, opt.Seed)
		}
	}
	var err error
	fw.patterns, err = fossilPatterns(geo, masks, opt.Seed)
	return fw, err
}

// simulateYear fills one row's daily emissions of year: sector shares
// times seasonal, weekly, holiday and COVID-19 profiles and AR(1) noise,
// scaled so the year's total is the row's share of the GCB fossil total.
func (fw *fossilWorld) simulateYear(ri, year int, seed uint64) {
	row := &fossilRows[ri]
	start := int(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Sub(fw.first).Hours() / 24)
	n := int(daysInYear(year))
	r := newRand(seed, "fossil/"+row.name, year, 0)
	cny := chineseNewYear(year)
	var total float64
	for s := range nSectors {
		noise := 0.0
		for d := range n {
			day := fw.first.AddDate(0, 0, start+d)
			noise = 0.7*noise + 0.714*0.03*r.NormFloat64()
			v := row.sectors[s] * sectorProfile(row, s, day, cny) * math.Exp(noise)
			fw.daily[ri][s][start+d] = v
			total += v
		}
	}
	target := row.shareOf(year) * fossilGtCPerYear(year) * mtCO2PerGtC
	for s := range nSectors {
		for d := range n {
			fw.daily[ri][s][start+d] *= target / total
		}
	}
}

// sectorProfile is the relative emission of sector s of row on day.
func sectorProfile(row *fossilRow, s int, day time.Time, cny time.Time) float64 {
	doy := float64(day.YearDay())
	winter := math.Cos(2 * math.Pi * (doy - 15) / 365)
	wd := day.Weekday()
	weekend := wd == time.Saturday || wd == time.Sunday
	f := 1.0
	switch cmSectors[s] {
	case "Residential":
		f = 1 + row.heating*winter
		if weekend {
			f *= 1.03
		}
	case "Power":
		f = 1 + 0.08*winter + 0.06*math.Cos(4*math.Pi*(doy-200)/365)
		if weekend {
			f *= 0.93
		}
	case "Industry":
		f = 1 - 0.03*winter
		if weekend {
			f *= 0.9
		}
	case "Ground Transport":
		f = 1 + 0.05*math.Cos(2*math.Pi*(doy-200)/365)
		if weekend {
			f *= 0.85
		}
	default: // aviation
		f = 1 + 0.1*math.Cos(2*math.Pi*(doy-210)/365)
		if weekend {
			f *= 0.97
		}
	}
	return f * holidayFactor(row, s, day, cny) * covidFactor(row, s, day)
}

// holidayFactor lowers activity over the Spring Festival in China and over
// Christmas and New Year elsewhere.
func holidayFactor(row *fossilRow, s int, day, cny time.Time) float64 {
	depth := map[string]float64{"Industry": 0.35, "Power": 0.15, "Ground Transport": 0.4}[cmSectors[s]]
	if row.name == "China" {
		d := day.Sub(cny).Hours() / 24
		return 1 - depth*gauss(d, 4, 7)
	}
	d := float64(day.YearDay())
	if day.Month() == time.December {
		d -= daysInYear(day.Year())
	}
	return 1 - 0.6*depth*gauss(d, 0, 5)
}

// covidFactor is the 2020 lockdown dip (China from late January, the rest
// from mid-March) and the slow return of aviation (Le Quéré et al. 2020,
// Nat. Clim. Change 10, 647, in rough size).
func covidFactor(row *fossilRow, s int, day time.Time) float64 {
	sector := cmSectors[s]
	aviation := sector == "Domestic Aviation" || sector == "International Aviation"
	switch day.Year() {
	case 2020:
	case 2021:
		if aviation {
			return 0.75
		}
		return 1
	case 2022:
		if aviation {
			return 0.9
		}
		return 1
	default:
		return 1
	}
	onset := time.Date(2020, 3, 15, 0, 0, 0, 0, time.UTC)
	if row.name == "China" {
		onset = time.Date(2020, 1, 25, 0, 0, 0, 0, time.UTC)
	}
	d := day.Sub(onset).Hours() / 24
	if d < 0 {
		return 1
	}
	peak := map[string]float64{"Ground Transport": 0.4, "Industry": 0.15, "Power": 0.08, "Domestic Aviation": 0.6,
		"International Aviation": 0.7, "Residential": -0.03}[sector]
	shape := math.Min(1, d/10) * math.Exp(-math.Max(0, d-45)/60)
	if aviation {
		shape = math.Max(shape, 0.45*math.Min(1, d/10))
	}
	return 1 - peak*shape
}

// chineseNewYear approximates the Spring Festival: the first new moon (at
// UTC+8) on or after 21 January, from the mean synodic month and a
// reference new moon (6 January 2000 18:14 UTC); close to a day.
func chineseNewYear(year int) time.Time {
	ref := time.Date(2000, 1, 6, 18, 14, 0, 0, time.UTC)
	const synodicDays = 29.530588853
	from := time.Date(year, 1, 21, 0, 0, 0, 0, time.UTC).Add(-8 * time.Hour)
	k := math.Ceil(from.Sub(ref).Hours() / 24 / synodicDays)
	moon := ref.Add(time.Duration(k * synodicDays * 24 * float64(time.Hour))).Add(8 * time.Hour)
	return time.Date(moon.Year(), moon.Month(), moon.Day(), 0, 0, 0, 0, time.UTC)
}

// monthGtC is the month's global fossil emissions (all rows and sectors)
// in GtC.
func (fw *fossilWorld) monthGtC(m grid.Month) float64 {
	d0, d1 := fw.dayRange(m)
	var s float64
	for ri := range fw.daily {
		for sec := range nSectors {
			for d := d0; d < d1; d++ {
				s += fw.daily[ri][sec][d]
			}
		}
	}
	return s / mtCO2PerGtC
}

// sectorGtC is the month's global emissions of one sector in GtC.
func (fw *fossilWorld) sectorGtC(m grid.Month, sector int) float64 {
	d0, d1 := fw.dayRange(m)
	var s float64
	for ri := range fw.daily {
		for d := d0; d < d1; d++ {
			s += fw.daily[ri][sector][d]
		}
	}
	return s / mtCO2PerGtC
}

func (fw *fossilWorld) dayRange(m grid.Month) (int, int) {
	d0 := int(m.Start().Sub(fw.first).Hours() / 24)
	return d0, d0 + m.Days()
}

// gridded returns the month's fossil emissions without international
// aviation on the grid, g C m⁻² of land.
func (fw *fossilWorld) gridded(m grid.Month) []float32 {
	out := make([]float32, fw.geo.g.Cells())
	d0, d1 := fw.dayRange(m)
	for ri := range fw.daily {
		var mt float64
		for sec := range nSectors {
			if sec == sectorIntlAviation {
				continue
			}
			for d := d0; d < d1; d++ {
				mt += fw.daily[ri][sec][d]
			}
		}
		gtc := mt / mtCO2PerGtC
		for i, p := range fw.patterns[ri] {
			if p != 0 {
				out[i] += float32(gtc * float64(p))
			}
		}
	}
	for i, lf := range fw.geo.land {
		if lf == 0 {
			out[i] = nan32
		}
	}
	return out
}

// fossilPatterns places each row's emissions on its countries' land,
// weighted by a population proxy: a smooth random field favouring the
// mid-latitudes and coasts, thin beyond 60° and nil in Antarctica. Values
// are g C per m² of land per GtC of the row.
func fossilPatterns(geo *geography, masks LandMasks, seed uint64) ([][]float32, error) {
	g := geo.g
	pop := fixedField(geo, seed, "population")
	for r, lat := range geo.latDeg {
		a := math.Abs(lat)
		for c := range geo.lonDeg {
			i := r*g.NLon + c
			f := math.Exp(1.5*float64(pop[i])) * (0.3 + gauss(a, 35, 18)) * (1 + 1.5*clamp(1-float64(geo.coast[i]), 0, 1))
			if a > 60 {
				f *= 0.1
			}
			if lat < -60 {
				f = 0
			}
			pop[i] = float32(f * geo.areaM2[r])
		}
	}
	rowOf := fossilRowIndex(masks.CountryIDs())
	weights := make([][]float64, len(fossilRows))
	for ri := range weights {
		weights[ri] = make([]float64, g.Cells())
	}
	for _, iso := range masks.CountryIDs() {
		w, err := masks.Weights(iso)
		if err != nil {
			return nil, fmt.Errorf("twin: fossil pattern: %w", err)
		}
		dst := weights[rowOf[iso]]
		for i, v := range w {
			if v > 0 {
				dst[i] += float64(v) * float64(pop[i])
			}
		}
	}
	return normalisePatterns(geo, weights)
}

func fossilRowIndex(countries []string) map[string]int {
	idx := map[string]int{}
	eu := map[string]bool{}
	for _, c := range euMembers {
		eu[c] = true
	}
	for _, c := range countries {
		idx[c] = len(fossilRows) - 1 // ROW
		if eu[c] {
			idx[c] = len(fossilRows) - 2 // rest of EU27 & UK
		}
	}
	for ri, row := range fossilRows {
		for _, c := range row.iso3 {
			idx[c] = ri
		}
	}
	return idx
}

func normalisePatterns(geo *geography, weights [][]float64) ([][]float32, error) {
	out := make([][]float32, len(weights))
	for ri, w := range weights {
		var total float64
		for _, v := range w {
			total += v
		}
		if total == 0 {
			return nil, fmt.Errorf("twin: fossil row %q has no land in the region masks", fossilRows[ri].name)
		}
		out[ri] = make([]float32, len(w))
		for i, v := range w {
			if v == 0 {
				continue
			}
			r := i / geo.g.NLon
			out[ri][i] = float32(v / total * 1e15 / (geo.areaM2[r] * float64(geo.land[i])))
		}
	}
	return out, nil
}
