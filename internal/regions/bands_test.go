package regions

import (
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func TestBandsAt(t *testing.T) {
	bands := BandsAt(-30, 0, 30)
	want := []string{"south-30s", "30s-0n", "0n-30n", "north-30n"}
	if len(bands) != len(want) {
		t.Fatalf("BandsAt: %d bands, want %d", len(bands), len(want))
	}
	for i, b := range bands {
		if b.Slug != want[i] {
			t.Errorf("band %d: slug %q, want %q", i, b.Slug, want[i])
		}
	}
	g := grid.MustNew(2)
	s, err := LoadWith(g, Options{Bands: bands})
	if err != nil {
		t.Fatal(err)
	}
	sums := sumsByID(s, ones(g.Cells()), s.SumAll)
	// Area north of 30°N is a quarter of the sphere.
	north := sums["band-land/north-30n"] + sums["band-ocean/north-30n"]
	if q := north / sums[GlobalID]; math.Abs(q-0.25) > 1e-6 {
		t.Errorf("north of 30°N holds %.6f of the globe, want 0.25", q)
	}
	for _, bad := range [][]Band{BandsAt(20, -20), {{Slug: "a", SouthDeg: -90, NorthDeg: 10}}, {}} {
		if _, err := LoadWith(g, Options{Bands: bad}); err == nil {
			t.Errorf("bands %+v accepted", bad)
		}
	}
}
