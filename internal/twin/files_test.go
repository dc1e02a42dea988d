package twin

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// The small world: 2°, 2022–2023 (model files for 2022 only, the 2023
// extremes), written once per test binary.
var (
	smallOnce sync.Once
	smallDir  string
	smallErr  error
	smallTmp  string
)

func smallOptions() Options {
	return Options{Seed: 42, FromYear: 2022, ToYear: 2023, ResDeg: 2}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if smallTmp != "" {
		os.RemoveAll(smallTmp)
	}
	os.Exit(code)
}

// countingProgress records what WriteProgress reports.
type countingProgress struct {
	begun []string
	steps int
}

func (p *countingProgress) Begin(month, _ string) { p.begun = append(p.begun, month) }
func (p *countingProgress) Step()                 { p.steps++ }

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// smallWorld returns the directory of the small world, writing it on
// first use.
func smallWorld(t *testing.T) string {
	t.Helper()
	smallOnce.Do(func() {
		smallTmp, smallErr = os.MkdirTemp("", "twin-test-")
		if smallErr == nil {
			smallDir = filepath.Join(smallTmp, "a")
			smallErr = Write(context.Background(), smallDir, smallOptions(), quietLog())
		}
	})
	if smallErr != nil {
		t.Fatal(smallErr)
	}
	return smallDir
}

// smallSim builds the small world in memory, on the land it returns.
func smallSim(t *testing.T) (*World, *regions.Set) {
	t.Helper()
	opt := smallOptions()
	set, err := regions.Load(grid.MustNew(opt.ResDeg))
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(set, opt)
	if err != nil {
		t.Fatal(err)
	}
	return w, set
}

// smallMonth reruns the small world in memory up to month m.
func smallMonth(t *testing.T, m grid.Month) *MonthFields {
	t.Helper()
	w, _ := smallSim(t)
	for {
		f, err := w.Next(context.Background())
		if err != nil {
			t.Fatalf("month %s not simulated: %v", m, err)
		}
		if f.Month == m {
			return f
		}
	}
}

// fileHashes maps every file under dir (relative path) to its SHA-256.
func fileHashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = fmt.Sprintf("%x", sha256.Sum256(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWriteIsDeterministic writes the small world again with the same
// seed (a second or more later, so a wall-clock stamp anywhere would
// show) and compares every byte, then with another seed.
func TestWriteIsDeterministic(t *testing.T) {
	a := fileHashes(t, smallWorld(t))
	time.Sleep(1100 * time.Millisecond)
	dirB := filepath.Join(t.TempDir(), "b")
	var p countingProgress // the progress hook must not change a byte
	if err := WriteProgress(context.Background(), dirB, smallOptions(), quietLog(), &p); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range smallOptions().Months() {
		want = append(want, m.String())
	}
	if p.steps != len(want) || !slices.Equal(p.begun, want) {
		t.Errorf("progress: %d steps over months %v, want one per month %v", p.steps, p.begun, want)
	}
	b := fileHashes(t, dirB)
	if len(a) != len(b) || len(a) < 90 {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for name, h := range a {
		if b[name] != h {
			t.Errorf("%s differs between two runs with seed 42", name)
		}
	}
	opt := smallOptions()
	opt.Seed = 43
	dirC := filepath.Join(t.TempDir(), "c")
	if err := Write(context.Background(), dirC, opt, quietLog()); err != nil {
		t.Fatal(err)
	}
	c := fileHashes(t, dirC)
	for _, name := range []string{"era5/era5_monthly_2023.nc", "socat/SOCATv_202307.tsv", "ndvi/ndvi_202307.tif",
		"truth/budget_monthly.csv", "trendy/TWIN-LPJ_S2_nbp.nc", "carbon_monitor/carbonmonitor-global_datas.csv"} {
		if a[name] == "" || c[name] == a[name] {
			t.Errorf("%s is the same for seeds 42 and 43 (or missing)", name)
		}
	}
}

// TestLayout checks the file set: the model files stop a year before the
// end, the land-use table too, and every path of the configuration
// exists for every month.
func TestLayout(t *testing.T) {
	dir := smallWorld(t)
	must := []string{"carbonbudget.yaml", "noaa/co2_mm_gl.txt", "noaa/co2_gr_gl.txt", "gcb/land_use_change_emissions.csv", "gcb/cement_carbonation_sink.csv",
		"carbon_monitor/carbonmonitor-global_datas.csv", "truth/budget_monthly.parquet", "truth/budget_monthly.csv",
		"truth/budget_annual.parquet", "truth/budget_annual.csv", "truth/world.json"}
	for _, m := range smallOptions().Months() {
		ym := fmt.Sprintf("%04d%02d", m.Year, int(m.Month))
		must = append(must, fmt.Sprintf("era5/era5_monthly_%d.nc", m.Year), fmt.Sprintf("ocean/ocean_reanalysis_%d.nc", m.Year),
			fmt.Sprintf("ocean/chlorophyll_%d.nc", m.Year), fmt.Sprintf("fire/GFED_monthly_%d.nc", m.Year),
			"ndvi/ndvi_"+ym+".tif", "socat/SOCATv_"+ym+".tsv",
			fmt.Sprintf("truth/grid/year=%04d/month=%02d/part-0.parquet", m.Year, int(m.Month)))
	}
	for _, n := range DGVMNames {
		must = append(must, "trendy/"+n+"_S2_nbp.nc")
	}
	for _, n := range GOBMNames {
		must = append(must, "gobm/"+n+"_fgco2.nc")
	}
	for _, p := range must {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("missing %s", p)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*", ".*tmp*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestShipLagWithholdsLastMonths(t *testing.T) {
	opt := Options{Seed: 1, FromYear: 2023, ToYear: 2023, ResDeg: 2, ShipLagMonths: 3, NoTruthGrid: true}
	dir := t.TempDir()
	if err := Write(context.Background(), dir, opt, quietLog()); err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= 12; k++ {
		_, err := os.Stat(filepath.Join(dir, fmt.Sprintf("socat/SOCATv_2023%02d.tsv", k)))
		if k <= 9 && err != nil {
			t.Errorf("month %d: %v", k, err)
		}
		if k > 9 && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("month %d written despite a 3-month ship lag", k)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "truth", "grid")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("truth grid written with NoTruthGrid")
	}
	// One simulated year: no model year, so no model files.
	if _, err := os.Stat(filepath.Join(dir, "trendy")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("model files written for a one-year world")
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{
		{FromYear: 2000, ToYear: 2024, ResDeg: 3},
		{FromYear: 1970, ToYear: 2024, ResDeg: 1},
		{FromYear: 2030, ToYear: 2031, ResDeg: 1},
		{FromYear: 2010, ToYear: 2009, ResDeg: 1},
		{FromYear: 2010, ToYear: 2011, ResDeg: 1, ShipLagMonths: -1},
	} {
		if err := o.Validate(); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	if err := DefaultOptions().Validate(); err != nil {
		t.Error(err)
	}
}
