package regions

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestSumAllMatchesDenseWeights compares the one-pass sums with
// Σ value·area·weight from each region's dense weights on a random field
// with missing cells.
func TestSumAllMatchesDenseWeights(t *testing.T) {
	s := loadSet(t, 1)
	g := s.Grid()
	rng := rand.New(rand.NewPCG(1, 2))
	values := make([]float32, g.Cells())
	for i := range values {
		values[i] = float32(rng.NormFloat64())
		if rng.IntN(10) == 0 {
			values[i] = float32(math.NaN())
		}
	}
	all, land, ocean := s.SumAll(values), s.SumLand(values), s.SumOcean(values)
	for i, r := range s.Regions() {
		w, _ := s.Weights(r.ID)
		lw, _ := s.LandWeights(r.ID)
		ow, _ := s.OceanWeights(r.ID)
		for _, c := range []struct {
			name string
			got  float64
			w    []float32
		}{{"SumAll", all[i], w}, {"SumLand", land[i], lw}, {"SumOcean", ocean[i], ow}} {
			want := g.Sum(values, c.w)
			// float32 weights summed in another order: 1e-5 of the
			// region's area times the field's scale.
			tol := 1e-5 * g.TotalAreaM2(c.w)
			if math.Abs(c.got-want) > tol+1e-3 {
				t.Fatalf("%s %s = %.6e, dense weights give %.6e", c.name, r.ID, c.got, want)
			}
		}
	}
}

// TestSumsOfOnes: areas add up as the partitions say.
func TestSumsOfOnes(t *testing.T) {
	s := loadSet(t, 1)
	n := s.Grid().Cells()
	all := sumsByID(s, ones(n), s.SumAll)
	land := sumsByID(s, ones(n), s.SumLand)
	ocean := sumsByID(s, ones(n), s.SumOcean)
	earth := 4 * math.Pi * grid.EarthRadiusM * grid.EarthRadiusM
	closeTo := func(what string, got, want, rel float64) {
		t.Helper()
		if math.Abs(got-want) > rel*want {
			t.Errorf("%s = %.6e m², want %.6e", what, got, want)
		}
	}
	closeTo("globe", all[GlobalID], earth, 1e-6)
	closeTo("globe land + ocean", land[GlobalID]+ocean[GlobalID], earth, 1e-6)
	var bands, basins, countries float64
	for _, r := range s.Regions() {
		switch r.Kind {
		case KindBandLand, KindBandOcean:
			bands += all[r.ID]
		case KindReccapOcean:
			basins += all[r.ID]
		case KindCountry:
			countries += all[r.ID]
		}
		if (r.Kind == KindBandOcean || r.Kind == KindReccapOcean) && land[r.ID] != 0 {
			t.Errorf("%s: ocean region with land sum %g", r.ID, land[r.ID])
		}
	}
	closeTo("bands", bands, earth, 1e-6)
	closeTo("countries", countries, land[GlobalID], 1e-6)
	// Basins hold all the water but the Caspian Sea (0.37 million km²).
	if lost := ocean[GlobalID] - basins; lost < 0.2e12 || lost > 0.6e12 {
		t.Errorf("basins leave out %.3f million km² of water, want the Caspian's ~0.37", lost/1e12)
	}
	pac, atl := all["reccap2-ocean/pacific"]/1e12, all["reccap2-ocean/atlantic"]/1e12
	if pac < 120 || pac > 180 || atl < 60 || atl > 100 {
		t.Errorf("Pacific %.0f, Atlantic %.0f million km²: implausible basin areas", pac, atl)
	}
	// Amazonia is South American land, most of Brazil's Amazon.
	if am := all[AmazoniaID] / 1e12; am < 5 || am > all["reccap2-land/south-america"]/1e12 {
		t.Errorf("Amazonia %.2f million km²", am)
	}
	if all[CanadaID] != all["CAN"] || all[SoutheastAsiaID] != all["reccap2-land/southeast-asia"] {
		t.Error("special Canada or Southeast Asia differs from its country or RECCAP2 region")
	}
}

func BenchmarkSumAll025(b *testing.B) {
	s := loadSet(b, 0.25)
	v := make([]float32, s.Grid().Cells())
	for i := range v {
		v[i] = float32(i%97) * 0.01
	}
	b.ReportMetric(float64(len(s.Regions())), "regions")
	b.ReportAllocs()
	for b.Loop() {
		s.SumAll(v)
	}
}

func BenchmarkSumLandAndOcean025(b *testing.B) {
	s := loadSet(b, 0.25)
	v := make([]float32, s.Grid().Cells())
	for i := range v {
		v[i] = float32(i%97) * 0.01
	}
	b.ReportAllocs()
	for b.Loop() {
		s.SumLand(v)
		s.SumOcean(v)
	}
}

func BenchmarkLoad025(b *testing.B) {
	g := grid.MustNew(0.25)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(g); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWeightsAllCountries025 is what the fossil gridding does once:
// dense weights of every country (the first call builds the region-major
// index).
func BenchmarkWeightsAllCountries025(b *testing.B) {
	g := grid.MustNew(0.25)
	b.ReportAllocs()
	for b.Loop() {
		s, _ := Load(g)
		for _, id := range s.CountryIDs() {
			s.Weights(id)
		}
	}
}
