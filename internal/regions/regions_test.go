package regions

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func TestRegionTable(t *testing.T) {
	s := loadSet(t, 2)
	kinds := map[Kind]int{}
	seen := map[string]bool{}
	for _, r := range s.Regions() {
		kinds[r.Kind]++
		if seen[r.ID] || r.Name == "" {
			t.Errorf("region %+v: duplicate id or no name", r)
		}
		seen[r.ID] = true
	}
	want := map[Kind]int{KindGlobal: 1, KindReccapLand: 10, KindReccapOcean: 5, KindBandLand: 3, KindBandOcean: 3, KindSpecial: 3}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d regions of kind %s, want %d", kinds[k], k, n)
		}
	}
	if kinds[KindCountry] < 200 || kinds[KindCountry] != len(s.CountryIDs()) {
		t.Errorf("%d countries, CountryIDs has %d", kinds[KindCountry], len(s.CountryIDs()))
	}
	for _, id := range []string{"band-land/north-20n", "band-ocean/20s-20n", "band-land/south-20s", "reccap2-land/europe", "reccap2-ocean/southern", AmazoniaID} {
		if _, ok := s.Lookup(id); !ok {
			t.Errorf("no region %q", id)
		}
	}
	if r, ok := s.CountryOf("usa"); !ok || !strings.Contains(r.Name, "United States") {
		t.Errorf("CountryOf(usa) = %+v %v", r, ok)
	}
	if _, ok := s.CountryOf("reccap2-land/europe"); ok {
		t.Error("CountryOf accepted a region that is not a country")
	}
	if s.HasOcean("FRA") || !s.HasLand("FRA") || s.HasLand("reccap2-ocean/pacific") || !s.HasOcean("band-ocean/20s-20n") || s.HasOcean("band-land/20s-20n") || !s.HasLand(GlobalID) || !s.HasOcean(GlobalID) {
		t.Error("HasLand/HasOcean wrong")
	}
	if _, err := s.Weights("ATLANTIS"); err == nil {
		t.Error("unknown region gave no error")
	}
}

func TestLoadRejectsOtherGrids(t *testing.T) {
	sub := grid.MustNew(1)
	sub.NLat, sub.North = 90, 90 // northern hemisphere only
	for _, g := range []grid.Grid{grid.Global(3), grid.Global(0.1), sub} {
		if _, err := Load(g); err == nil {
			t.Errorf("grid %v loaded without masks", g)
		}
	}
}

// TestWeightsBySurface: land regions weigh land, ocean regions ocean, the
// globe whole cells; bands partition every cell.
func TestWeightsBySurface(t *testing.T) {
	s := loadSet(t, 1)
	lf := s.LandFraction()
	check := func(id string, want func(i int) float32) {
		t.Helper()
		w, err := s.Weights(id)
		if err != nil {
			t.Fatal(err)
		}
		for i := range w {
			if math.Abs(float64(w[i]-want(i))) > 1e-6 {
				t.Fatalf("%s cell %d: weight %g, want %g", id, i, w[i], want(i))
			}
		}
	}
	check(GlobalID, func(int) float32 { return 1 })
	bandsSum := make([]float32, len(lf))
	for _, r := range s.Regions() {
		if r.Kind == KindBandLand || r.Kind == KindBandOcean {
			w, _ := s.Weights(r.ID)
			for i := range w {
				bandsSum[i] += w[i]
			}
		}
	}
	for i, x := range bandsSum {
		if math.Abs(float64(x)-1) > 1e-6 {
			t.Fatalf("cell %d: land and ocean bands weigh %g, want 1", i, x)
		}
	}
	g := s.Grid()
	check("band-land/north-20n", func(i int) float32 {
		if lat, _ := g.Centre(i); lat > 20 {
			return lf[i]
		}
		return 0
	})
	check("band-ocean/20s-20n", func(i int) float32 {
		if lat, _ := g.Centre(i); lat > -20 && lat < 20 {
			return 1 - lf[i]
		}
		return 0
	})
	pac, _ := s.Weights("reccap2-ocean/pacific")
	lw, _ := s.LandWeights("reccap2-ocean/pacific")
	ow, _ := s.OceanWeights("FRA")
	if !slices.Equal(pac, mustOcean(t, s, "reccap2-ocean/pacific")) || slices.Max(lw) != 0 || slices.Max(ow) != 0 {
		t.Error("Weights of a basin are not its ocean weights, or a surface leaks into the other")
	}
}

func mustOcean(t *testing.T, s *Set, id string) []float32 {
	w, err := s.OceanWeights(id)
	if err != nil {
		t.Fatal(err)
	}
	return w
}
