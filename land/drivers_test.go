package land

import (
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestDriversClose checks the attribution's accounting: on every cell
// each member's driver groups add up to its NBP (1e-4 relative, the
// issue's criterion), so do the ensemble's to NBPMean, and the global sums
// to the member's GtC; attribution changes no prediction.
func TestDriversClose(t *testing.T) {
	w, _, _ := trainedSynth(t)
	m := grid.Month{Year: synthHeldOutYear, Month: 7}
	r := runSynth(t, w, m, Options{})
	plain := runSynth(t, w, m, Options{NoAttribution: true})
	if plain.Drivers != nil || plain.Members[0].Drivers != nil {
		t.Error("NoAttribution still attributed")
	}
	if r.SLandGtC != plain.SLandGtC {
		t.Errorf("S_LAND %v with attribution, %v without", r.SLandGtC, plain.SLandGtC)
	}
	closeTo := func(sum, want float64) bool { return math.Abs(sum-want) <= 1e-4*math.Max(1, math.Abs(want)) }
	for _, mr := range r.Members {
		if len(mr.Drivers) != len(DriverGroups()) {
			t.Fatalf("%s: %d driver groups, want %d", mr.Name, len(mr.Drivers), len(DriverGroups()))
		}
		var gtc float64
		for _, d := range DriverGroups() {
			gtc += sumGtC(w.g, mr.Drivers[d].Values, w.land)
		}
		if !closeTo(gtc, mr.GtC) {
			t.Errorf("%s: drivers add up to %.6f GtC, NBP %.6f GtC", mr.Name, gtc, mr.GtC)
		}
		checkCellsClose(t, mr.Name, mr.Drivers, mr.NBP.Values)
	}
	checkCellsClose(t, "ensemble", r.Drivers, r.NBPMean.Values)
}

func checkCellsClose(t *testing.T, name string, drivers map[string]*grid.Field, nbp []float32) {
	t.Helper()
	bad := 0
	for c, v := range nbp {
		var sum float64
		for _, d := range DriverGroups() {
			sum += float64(drivers[d].Values[c])
		}
		if v != v {
			if sum == sum {
				bad++
			}
			continue
		}
		if math.Abs(sum-float64(v)) > 1e-4*math.Max(1, math.Abs(float64(v))) {
			if bad++; bad <= 3 {
				t.Errorf("%s cell %d: drivers add up to %v, NBP %v", name, c, sum, v)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d cells do not close", name, bad)
	}
}

// TestDriverOf pins the grouping of every land feature: a feature of the
// weather must not fall into the mean state, or its anomaly would vanish
// from the attribution.
func TestDriverOf(t *testing.T) {
	want := map[string]string{
		"t2m": DriverHeat, "t2m_anom": DriverHeat, "t2m_anom_mean3": DriverHeat, "t2m_anom_lag1": DriverHeat,
		"tp_anom_lag3": DriverWater, "swvl1_anom": DriverWater, "tp": DriverWater,
		"ssrd": DriverRadiation, "ssrd_anom": DriverRadiation, "ndvi_anom_lag1": DriverVegetation,
		"t2m_clim": DriverSeasonality, "ndvi_clim_annual": DriverSeasonality, "lat": DriverSeasonality, "month_sin": DriverSeasonality,
	}
	for f, g := range want {
		if got := driverOf(f); got != g {
			t.Errorf("driverOf(%q) = %q, want %q", f, got, g)
		}
	}
	// Every weather feature (a driver's raw value, anomaly, mean or lag)
	// must be credited to its driver's group.
	for _, n := range Features().Names() {
		for _, d := range Drivers {
			if len(n) >= len(d) && n[:len(d)] == d && !isClim(n) && driverOf(n) == DriverSeasonality {
				t.Errorf("weather feature %s counted as seasonality", n)
			}
		}
	}
}

func isClim(n string) bool {
	return len(n) > 5 && (n[len(n)-5:] == "_clim" || (len(n) > 12 && n[len(n)-12:] == "_clim_annual"))
}
