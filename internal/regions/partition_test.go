package regions

import (
	"math"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestCountriesPartitionTheLand: in every cell of every grid the country
// weights add up to the land fraction, and the land fraction is 0..1.
func TestCountriesPartitionTheLand(t *testing.T) {
	for _, res := range grid.SupportedResolutions {
		s := loadSet(t, res)
		sum := make([]float64, s.Grid().Cells())
		for _, id := range s.CountryIDs() {
			cells, w, err := s.SparseWeights(id)
			if err != nil {
				t.Fatal(err)
			}
			for j, c := range cells {
				sum[c] += float64(w[j])
			}
		}
		for i, lf := range s.LandFraction() {
			// 1e-6: float32 fractions of a few countries a cell.
			if lf < 0 || lf > 1 || math.Abs(sum[i]-float64(lf)) > 1e-6 {
				t.Fatalf("%v cell %d: countries sum to %g, land fraction %g", s.Grid(), i, sum[i], lf)
			}
		}
	}
}

// antarcticCountries are world-countries' region "Antarctic", in no RECCAP2
// land region.
var antarcticCountries = []string{"ATA", "ATF", "HMD", "SGS"}

// TestReccapLandPartitionsCountries: the ten RECCAP2 land regions hold all
// the countries' land but the Antarctic's, once, in every cell.
func TestReccapLandPartitionsCountries(t *testing.T) {
	for _, res := range []float64{2, 0.25} {
		s := loadSet(t, res)
		lf := s.LandFraction()
		antarctic := make([]float64, len(lf))
		for _, id := range antarcticCountries {
			w, err := s.Weights(id)
			if err != nil {
				t.Fatalf("%s: %v (the Antarctic countries changed: update the test and the README)", id, err)
			}
			for i, x := range w {
				antarctic[i] += float64(x)
			}
		}
		reccap := make([]float64, len(lf))
		n := 0
		for _, r := range s.Regions() {
			if r.Kind == KindReccapLand {
				n++
				w, _ := s.Weights(r.ID)
				for i, x := range w {
					reccap[i] += float64(x)
				}
			}
		}
		if n != 10 {
			t.Fatalf("%d RECCAP2 land regions, want 10", n)
		}
		for i := range lf {
			if math.Abs(reccap[i]+antarctic[i]-float64(lf[i])) > 1e-6 {
				t.Fatalf("%v cell %d: RECCAP2 %g + Antarctic %g, land %g", s.Grid(), i, reccap[i], antarctic[i], lf[i])
			}
		}
		// Totals, as the budget sums them.
		sums := sumsByID(s, ones(len(lf)), s.SumAll)
		var countries, regions, excluded float64
		for _, r := range s.Regions() {
			switch r.Kind {
			case KindCountry:
				countries += sums[r.ID]
			case KindReccapLand:
				regions += sums[r.ID]
			}
		}
		for _, id := range antarcticCountries {
			excluded += sums[id]
		}
		t.Logf("%v: countries %.3f, RECCAP2 %.3f, Antarctic %.3f million km²", s.Grid(), countries/1e12, regions/1e12, excluded/1e12)
		if math.Abs(regions+excluded-countries)/countries > 1e-9 {
			t.Errorf("%v: RECCAP2 %.6e + Antarctic %.6e ≠ countries %.6e m²", s.Grid(), regions, excluded, countries)
		}
	}
}

// TestReccapPlaces checks the judgement calls of the grouping.
func TestReccapPlaces(t *testing.T) {
	s := loadSet(t, 1)
	g := s.Grid()
	weights := map[string][]float32{}
	for _, r := range reccapLand {
		weights[strings.TrimPrefix(r.ID, "reccap2-land/")], _ = s.Weights(r.ID)
	}
	for _, row := range readTable(t, "reccap_places.csv") {
		i, ok := g.Locate(atof(t, row["lat"]), atof(t, row["lon"]))
		if !ok {
			t.Fatalf("%s: outside the grid", row["place"])
		}
		best, bestW := "", float32(0)
		for id, w := range weights {
			if w[i] > bestW {
				best, bestW = id, w[i]
			}
		}
		if best != row["region"] {
			t.Errorf("%s: land in RECCAP2 region %q (weight %g), want %q", row["place"], best, bestW, row["region"])
		}
	}
}
