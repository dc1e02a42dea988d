package ocean

import (
	"context"
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestDriversClose: the driver groups (the GOBMs' attribution and the
// reconstruction's share) add up to the ensemble mean uptake in every
// ocean cell within 1e-4 relative, and the heat group moves with SST;
// NoAttribution gives none and the same sink.
func TestDriversClose(t *testing.T) {
	w, ms := trained(t)
	m := grid.Month{Year: worldHeldOut, Month: 3}
	run := func(opt Options) *Result {
		t.Helper()
		r, err := Run(context.Background(), m, Inputs{Cube: mustCube(t, w, m), Models: ms}, opt)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r, plain := run(Options{}), run(Options{NoAttribution: true})
	if plain.Drivers != nil {
		t.Error("NoAttribution still attributed")
	}
	if r.GtC != plain.GtC {
		t.Errorf("S_OCEAN %v with attribution, %v without", r.GtC, plain.GtC)
	}
	if len(r.Drivers) != len(DriverGroups()) {
		t.Fatalf("%d driver groups, want %d (%v)", len(r.Drivers), len(DriverGroups()), DriverGroups())
	}
	bad, cells := 0, 0
	for c, v := range r.UptakeMean.Values {
		var sum float64
		for _, d := range DriverGroups() {
			sum += float64(r.Drivers[d].Values[c])
		}
		if v != v {
			continue
		}
		cells++
		if math.Abs(sum-float64(v)) > 1e-4*math.Max(1, math.Abs(float64(v))) {
			if bad++; bad <= 3 {
				t.Errorf("cell %d: drivers add up to %v, mean uptake %v", c, sum, v)
			}
		}
	}
	if bad > 0 || cells == 0 {
		t.Errorf("%d of %d ocean cells do not close", bad, cells)
	}
	// The reconstruction has half the weight: its share is half its uptake.
	for _, mr := range r.Members {
		if mr.Kind != KindReconstruction {
			continue
		}
		for c, v := range mr.Uptake.Values {
			if v == v && math.Abs(float64(r.Drivers[DriverReconstruction].Values[c])-0.5*float64(v)) > 1e-5*math.Max(1, math.Abs(float64(v))) {
				t.Fatalf("cell %d: reconstruction share %v, half its uptake %v", c, r.Drivers[DriverReconstruction].Values[c], 0.5*v)
			}
		}
	}
	without, err := Run(context.Background(), m, Inputs{Cube: mustCube(t, w, m), Models: ms}, Options{NoRecon: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := without.Drivers[DriverReconstruction]; ok {
		t.Error("a reconstruction share without the reconstruction")
	}
}

// TestOceanDriverOf pins the grouping of every ocean feature: a driver
// must not fall into the mean state, or its anomaly would vanish from the
// attribution.
func TestOceanDriverOf(t *testing.T) {
	want := map[string]string{
		"sst": DriverHeat, "mlotst": DriverCirculation, "so": DriverCirculation, "si10sq": DriverCirculation,
		"chl": DriverBiology, "siconc": DriverSeaIce, FieldXCO2: DriverCO2,
		"lat": DriverSeasonality, "coast": DriverSeasonality, "land_fraction": DriverSeasonality, "season_sin": DriverSeasonality,
	}
	for f, g := range want {
		if got := driverOf(f); got != g {
			t.Errorf("driverOf(%q) = %q, want %q", f, got, g)
		}
	}
	for _, f := range Features().Names() {
		if _, ok := want[f]; !ok && driverOf(f) != DriverSeasonality {
			t.Errorf("feature %q in group %q, not pinned here", f, driverOf(f))
		}
	}
}
