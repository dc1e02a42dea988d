package cube

import (
	"context"
	"log/slog"
	"math"
	"path/filepath"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
	"github.com/carbonbudget/carbonbudget/internal/twin"
)

// TestTwinRoundTrip writes a one-year twin world at 2°, ingests one month
// through every reader (netCDF with int16 packing, GeoTIFF, SOCAT, NOAA,
// Carbon Monitor) and compares the cube with the twin's in-memory truth:
// the readers, unit conversions and regridding must give back what was
// written, within packing precision.
func TestTwinRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a twin world")
	}
	dir := t.TempDir()
	opt := twin.Options{Seed: 7, FromYear: 2014, ToYear: 2015, ResDeg: 2} // models run to 2014 only
	if err := twin.Write(context.Background(), dir, opt, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "carbonbudget.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.WorkDir = t.TempDir()
	set, err := regions.Load(cfg.Grid())
	if err != nil {
		t.Fatal(err)
	}
	m := grid.Month{Year: 2014, Month: 7}
	c, err := NewBuilder(cfg, set.LandFraction(), slog.New(slog.DiscardHandler)).Cube(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	w, err := twin.New(set, opt)
	if err != nil {
		t.Fatal(err)
	}
	var truth *twin.MonthFields
	for {
		f, err := w.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if f.Month == m {
			truth = f
			break
		}
	}
	checks := []struct {
		field string
		want  []float32
		tol   float64 // absolute, in canonical units: int16 packing of the variable's range
	}{
		{"t2m", truth.T2mC, 0.01},
		{"sst", truth.SstC, 0.01},
		{"siconc", truth.Siconc, 1e-3},
		{"msl", truth.MslHPa, 0.05},
		{"si10", truth.Si10MPerS, 0.01},
		{"so", truth.SalinityPSU, 0.01},
		{"mlotst", truth.MldM, 0.5},
		{"ndvi", truth.NDVI, 1e-3},
		{"tp", scale(truth.PrecipMmPerDay, float32(m.Days())), 0.5},
		{"fire_c", truth.Fire, 0.05},
		{"nbp/TWIN-LPJ", truth.NBPModel[0], 0.05},
		{"fgco2/TWIN-NEMO", truth.FgCO2Model[0], 0.05},
	}
	for _, ck := range checks {
		got, err := c.Field(ck.field)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		var worst float64
		n := 0
		for i, want := range ck.want {
			g := got.Values[i]
			if want != want || g != g {
				continue
			}
			n++
			worst = math.Max(worst, math.Abs(float64(g-want)))
		}
		if n == 0 || worst > ck.tol {
			t.Errorf("%s: %d cells compared, worst |cube − truth| = %.4g %s, want ≤ %g", ck.field, n, worst, got.Units, ck.tol)
		}
	}
	if c.XCO2PPM < 390 || c.XCO2PPM > 410 || len(c.Fossil) == 0 {
		t.Errorf("xco2 %g, %d fossil records", c.XCO2PPM, len(c.Fossil))
	}
	if _, err := c.Field("fco2_ship"); err != nil {
		t.Error(err)
	}
}

func scale(v []float32, k float32) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * k
	}
	return out
}
