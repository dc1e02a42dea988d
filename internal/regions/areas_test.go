package regions

import (
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Published total areas (land and inland water), million km², as listed in
// the issue; Earth's land is 148.9. The USA is the exception: its 9.83
// includes 0.69 million km² of water (the US share of the Great Lakes,
// coastal and territorial waters), which Natural Earth's polygons leave out,
// so it is checked against its land area, 9.15 (CIA World Factbook).
var publishedAreaMkm2 = map[string]float64{
	"RUS": 17.10, "CAN": 9.98, "USA": 9.15, "CHN": 9.60, "BRA": 8.52, "AUS": 7.69,
}

func countryAreaMkm2(t *testing.T, s *Set, iso3 string) float64 {
	t.Helper()
	w, err := s.Weights(iso3)
	if err != nil {
		t.Fatal(err)
	}
	return s.Grid().TotalAreaM2(w) / 1e12
}

func TestLandAndCountryAreas(t *testing.T) {
	for _, tt := range []struct {
		res, landTol float64
	}{{0.25, 0.02}, {0.5, 0.03}, {1, 0.05}, {2, 0.05}} {
		g := grid.MustNew(tt.res)
		s, err := Load(g)
		if err != nil {
			t.Fatal(err)
		}
		land := g.TotalAreaM2(s.LandFraction()) / 1e12
		if rel := math.Abs(land-148.9) / 148.9; rel > tt.landTol {
			t.Errorf("%v: land area %.2f million km², want 148.9 within %.0f%%", g, land, tt.landTol*100)
		}
		t.Logf("%v: land %.2f million km²", g, land)
		if tt.res != 0.25 {
			continue
		}
		for iso, want := range publishedAreaMkm2 {
			got := countryAreaMkm2(t, s, iso)
			t.Logf("%s: %.3f million km² (published %.2f, %+.1f%%)", iso, got, want, 100*(got-want)/want)
			if math.Abs(got-want)/want > 0.05 {
				t.Errorf("%s: %.3f million km², published %.2f: off by more than 5%%", iso, got, want)
			}
		}
	}
}
