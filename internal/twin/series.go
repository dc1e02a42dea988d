package twin

import (
	"math"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Extensions of the embedded series beyond their end. They are
// assumptions of the twin world, not data:
//   - ONI after July 2026: an AR(1) process x' = 0.95·x + 0.27·ε (ε standard
//     normal from the seed), whose stationary standard deviation (0.86 °C)
//     and month-to-month persistence match the 1979–2026 record.
//   - Fossil emissions: the GCB 2025 projection for 2025, then +0.5 %/yr.
//   - Land-use emissions: the last GCB value, then −1 %/yr (the GCB notes a
//     slow decline since the late 1990s).
//   - Cement carbonation: the last GCB value, then +1 %/yr.
const (
	oniARCoefficient = 0.95
	oniARInnovationC = 0.27
	fossilGrowthRate = 0.005
	lucDeclineRate   = 0.01
	cementGrowthRate = 0.01
)

var oniStart = grid.Month{Year: 1979, Month: time.January}

// oniSeries holds the monthly ONI the world uses, real where known.
type oniSeries struct {
	first  grid.Month
	values []float64
}

// newONISeries returns the ONI from January 1979 to the last month of
// toYear, extended past the real record by the seeded AR(1) process.
func newONISeries(seed uint64, toYear int) *oniSeries {
	last := grid.Month{Year: toYear, Month: time.December}
	n := last.Sub(oniStart) + 1
	s := &oniSeries{first: oniStart, values: make([]float64, max(n, len(oniAnomC)))}
	copy(s.values, oniAnomC[:])
	r := newRand(seed, "oni", 0, 0)
	for i := len(oniAnomC); i < len(s.values); i++ {
		s.values[i] = oniARCoefficient*s.values[i-1] + oniARInnovationC*r.NormFloat64()
	}
	return s
}

// at returns the ONI of month m lagged by lag months (°C); months before
// 1979 get 0.
func (s *oniSeries) at(m grid.Month, lag int) float64 {
	i := m.Sub(s.first) - lag
	if i < 0 || i >= len(s.values) {
		return 0
	}
	return s.values[i]
}

// gcbAt returns table[year] with the extension rule for later years.
func gcbAt(table []float64, year int, growth float64) float64 {
	i := year - gcbFirstYear
	if i < 0 {
		return table[0]
	}
	if i < len(table) {
		return table[i]
	}
	last := gcbFirstYear + len(table) - 1
	return table[len(table)-1] * math.Pow(1+growth, float64(year-last))
}

// fossilGtCPerYear is the twin's true global fossil emission excluding
// carbonation (the GCB E_FOS), GtC/yr.
func fossilGtCPerYear(year int) float64 {
	last := gcbFirstYear + len(gcbFossilGtC) - 1
	if year <= last {
		return gcbAt(gcbFossilGtC[:], year, 0)
	}
	// The 2025 projection includes carbonation; add the carbonation sink
	// back to get emissions excluding it, as the rest of the table.
	p := gcbFossil2025ProjectionGtC + cementCarbonationGtCPerYear(last+1)
	return p * math.Pow(1+fossilGrowthRate, float64(year-last-1))
}

// lucGtCPerYear is the twin's true land-use change emission (E_LUC), GtC/yr.
func lucGtCPerYear(year int) float64 { return gcbAt(gcbLUCGtC[:], year, -lucDeclineRate) }

// cementCarbonationGtCPerYear is the cement carbonation sink (S_CEMENT),
// GtC/yr.
func cementCarbonationGtCPerYear(year int) float64 {
	return gcbAt(gcbCementCarbonationGtC[:], year, cementGrowthRate)
}

// GCBOceanSinkGtCPerYear returns the published GCB 2025 ocean sink of year
// (1979–2024), the calibration target of the twin's ocean.
func GCBOceanSinkGtCPerYear(year int) (float64, bool) { return gcbLookup(gcbOceanSinkGtC[:], year) }

// GCBFossilGtCPerYear returns the published GCB 2025 fossil emissions
// excluding carbonation of year.
func GCBFossilGtCPerYear(year int) (float64, bool) { return gcbLookup(gcbFossilGtC[:], year) }

func gcbLookup(table []float64, year int) (float64, bool) {
	i := year - gcbFirstYear
	if i < 0 || i >= len(table) {
		return 0, false
	}
	return table[i], true
}

// januaryCO2PPM returns NOAA's January global mean of year.
func januaryCO2PPM(year int) float64 { return noaaJanuaryPPM[year-noaaFirstYear] }
