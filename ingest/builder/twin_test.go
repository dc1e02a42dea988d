package builder

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"maps"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	opt, cfg, set := twinWorld(t)
	m := grid.Month{Year: 2014, Month: 7}
	c, err := New(cfg, set.LandFraction(), slog.New(slog.DiscardHandler)).Cube(context.Background(), m)
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
	// The twin's S_CEMENT is the GCB 2025 value, 0.1872 GtC/yr in 2014,
	// written to 1e-5; July has 31 of 365 days.
	if want := 0.1872 * 31 / 365; c.SCement == nil || math.Abs(c.SCement.GtC-want) > 1e-6 || c.SCement.Projected {
		t.Errorf("S_CEMENT = %+v, want %g GtC", c.SCement, want)
	}
	if c.ELUC == nil || c.ELUC.FromYear != 2014 || c.ELUC.Projected || math.Abs(c.ELUC.SigmaGtC-0.7*31/365) > 1e-12 {
		t.Errorf("E_LUC = %+v, want 2014's share with σ 0.7 GtC/yr", c.ELUC)
	}
	if n := len(c.CO2.Months); n != 3 || c.CO2.Months[1].Month != m || c.CO2.Months[1].MeanPPM != c.XCO2PPM || c.CO2.Vintage == "" {
		t.Errorf("CO2 record %+v, want June-August 2014 with the vintage", c.CO2)
	}
}

// TestBuilderOpensEachInputOnce builds two months from the twin's files:
// each month's catalogue is computed once, every input file is opened at
// most once, and the whole-record files (NOAA, Carbon Monitor, the GCB
// sheets) serve both months from one parse.
func TestBuilderOpensEachInputOnce(t *testing.T) {
	_, cfg, set := twinWorld(t)
	b := New(cfg, set.LandFraction(), slog.New(slog.DiscardHandler))
	months := []grid.Month{{Year: 2014, Month: 7}, {Year: 2014, Month: 8}}
	perMonth := map[string]int{}
	for _, m := range months {
		// The planner asks for the input hash first, then the month is
		// built: one catalogue serves both.
		hash, _, err := b.InputHash(m)
		if err != nil {
			t.Fatal(err)
		}
		c, err := b.Cube(context.Background(), m)
		if err == nil && c.Key != hash {
			t.Errorf("%s: cube key %s, input hash %s", m, c.Key, hash)
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range c.Catalogue {
			if e.Status == "ok" {
				perMonth[e.Path]++
			}
		}
	}
	st := b.Stats()
	for _, m := range months {
		if st.Catalogues[m] != 1 {
			t.Errorf("%s: catalogue computed %d times, want 1", m, st.Catalogues[m])
		}
	}
	if len(st.Opens) == 0 {
		t.Fatal("no file opens counted")
	}
	for path, n := range perMonth {
		if st.Opens[path] == 0 {
			t.Errorf("%s is in the catalogue but was never opened", path)
		}
		// A yearly file serves both months, one open each; a whole-record
		// file is parsed once for both.
		if st.Opens[path] > n || (n == len(months) && wholeRecord(cfg, path) && st.Opens[path] != 1) {
			t.Errorf("%s opened %d times for %d months", path, st.Opens[path], n)
		}
	}
	if _, err := b.Cube(context.Background(), months[0]); err != nil {
		t.Fatal(err)
	}
	if again := b.Stats(); again.Catalogues[months[0]] != 1 || !maps.Equal(again.Opens, st.Opens) {
		t.Errorf("a cached month: catalogues %v, opens changed %v", again.Catalogues, !maps.Equal(again.Opens, st.Opens))
	}
}

// wholeRecord reports whether path is one of the files that hold every
// month.
func wholeRecord(cfg *config.Config, path string) bool {
	for _, name := range []string{"co2_monthly", "fossil", "land_use", "cement"} {
		if p, err := cfg.SourcePath(name, grid.Month{}, ""); err == nil && p == path {
			return true
		}
	}
	return false
}

var world struct {
	once sync.Once
	dir  string
	err  error
}

// twinWorld writes (once per test binary) a one-year twin world at 2°
// and returns its options, configuration (with a fresh work directory)
// and regions.
func twinWorld(t *testing.T) (twin.Options, *config.Config, *regions.Set) {
	t.Helper()
	if testing.Short() {
		t.Skip("writes a twin world")
	}
	opt := twin.Options{Seed: 7, FromYear: 2014, ToYear: 2015, ResDeg: 2} // models run to 2014 only
	world.once.Do(func() {
		world.dir, world.err = os.MkdirTemp("", "cube-twin-")
		if world.err == nil {
			world.err = twin.Write(context.Background(), world.dir, opt, slog.New(slog.DiscardHandler))
		}
	})
	if world.err != nil {
		t.Fatal(world.err)
	}
	cfg, err := config.Load(filepath.Join(world.dir, "carbonbudget.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.WorkDir = t.TempDir()
	set, err := regions.Load(cfg.Grid())
	if err != nil {
		t.Fatal(err)
	}
	return opt, cfg, set
}

func TestMain(m *testing.M) {
	code := m.Run()
	if world.dir != "" {
		os.RemoveAll(world.dir)
	}
	os.Exit(code)
}

func scale(v []float32, k float32) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * k
	}
	return out
}

// TestCheckReportsEveryProblem breaks three sources of a twin month (a
// missing chlorophyll file, an NDVI GeoTIFF that is not one, a NOAA record
// that is not one): Check reports all three, each naming its file and the
// month, where Cube stops at the first.
func TestCheckReportsEveryProblem(t *testing.T) {
	_, cfg, set := twinWorld(t)
	m := grid.Month{Year: 2015, Month: 3}
	in := t.TempDir()
	err := filepath.WalkDir(cfg.InputDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(cfg.InputDir, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(in, rel), 0o755)
		}
		return os.Symlink(p, filepath.Join(in, rel))
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.InputDir = in
	broken := map[string]string{}
	for _, name := range []string{"chlorophyll", "ndvi", "co2_monthly"} {
		p, err := cfg.SourcePath(name, m, "")
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(p)
		if name != "chlorophyll" {
			os.WriteFile(p, []byte("<html>502 Bad Gateway</html>\n"), 0o644)
		}
		broken[name] = p
	}
	errs := New(cfg, set.LandFraction(), slog.New(slog.DiscardHandler)).Check(context.Background(), m)
	if len(errs) != 3 {
		t.Fatalf("Check gave %d problems, want 3:\n%v", len(errs), errors.Join(errs...))
	}
	for name, p := range broken {
		found := false
		for _, err := range errs {
			if strings.Contains(err.Error(), p) && strings.Contains(err.Error(), m.String()) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem names %s (%s) and %s:\n%v", name, p, m, errors.Join(errs...))
		}
	}
	if _, err := New(cfg, set.LandFraction(), slog.New(slog.DiscardHandler)).Cube(context.Background(), m); err == nil {
		t.Error("the broken month built")
	}
}
