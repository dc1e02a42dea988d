package ocean

import (
	"math"

	"github.com/carbonbudget/carbonbudget/internal/emulator"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// River-flux adjustment (science.md §4): GCB adds the pre-industrial
// outgassing of river-borne carbon, 0.65 ± 0.3 GtC/yr (Regnier et al.
// 2022), to the fCO2-product fluxes so that they estimate S_OCEAN as the
// GOBMs do (Hauck et al. 2020); the GOBMs have no river carbon and get
// nothing. The split by band is Lacroix et al. (2020) as GCB quotes it:
// north of 30°N 0.14, 30°S–30°N 0.42, south of 30°S 0.09 GtC/yr.
const (
	RiverAdjustmentGtCPerYear = 0.65
	riverNorthGtCPerYear      = 0.14
	riverTropicsGtCPerYear    = 0.42
	riverSouthGtCPerYear      = 0.09
	riverBandEdgeDeg          = 30
)

// riverField spreads month m's share of the river adjustment (the year's
// 0.65 GtC × days in m / days in the year) over the ocean, uniformly per
// m² of ocean within each of the three bands (by cell-centre latitude), in
// g C m⁻² month⁻¹ into the ocean. Its ocean-weighted sum is the month's
// share exactly; a uniform spread is a simplification (river outgassing is
// concentrated near coasts), chosen because no map of it is part of the
// inputs, and it keeps regional sums adding up to the global total.
func riverField(g grid.Grid, oceanFrac []float32, m grid.Month) (field []float32, gtc float64) {
	frac := m.YearShare()
	bandGtC := [3]float64{riverNorthGtCPerYear * frac, riverTropicsGtCPerYear * frac, riverSouthGtCPerYear * frac}
	var bandArea [3]float64
	band := func(row int) int {
		lat := g.LatCentre(row)
		switch {
		case lat > riverBandEdgeDeg:
			return 0
		case lat >= -riverBandEdgeDeg:
			return 1
		}
		return 2
	}
	for i, of := range oceanFrac {
		bandArea[band(i/g.NLon)] += g.RowAreaM2(i/g.NLon) * float64(of)
	}
	field = make([]float32, len(oceanFrac))
	for i, of := range oceanFrac {
		b := band(i / g.NLon)
		if !(of > 0) || bandArea[b] == 0 {
			field[i] = float32(math.NaN())
			continue
		}
		field[i] = float32(bandGtC[b] * emulator.GramsPerGt / bandArea[b])
	}
	for b, a := range bandArea {
		if a > 0 {
			gtc += bandGtC[b]
		}
	}
	return field, gtc
}

// memberWeights returns each member's weight in the ensemble mean. By
// default it is GCB's: S_OCEAN is the average of the GOBM ensemble mean and
// the fCO2-product ensemble mean (the GCB 2025 ocean-sink data page: "the
// average of 10 global ocean biogeochemistry models and 9 fCO2-products";
// GCB has weighted the two groups equally since GCB 2022, not checked
// against the paper here, and science.md only says "mean"). So the GOBMs
// share one half and the data products the other, when both kinds are
// present. With equal set (Options.EqualWeights), or when only one kind
// is present, every member weighs 1/n.
func memberWeights(kinds []string, equal bool) []float64 {
	n := map[string]int{}
	for _, k := range kinds {
		n[k]++
	}
	w := make([]float64, len(kinds))
	for i, k := range kinds {
		if equal || len(n) == 1 {
			w[i] = 1 / float64(len(kinds))
		} else {
			w[i] = 1 / float64(len(n)) / float64(n[k])
		}
	}
	return w
}
