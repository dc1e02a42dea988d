package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/fossil"
	"github.com/carbonbudget/carbonbudget/internal/lake"

	"github.com/carbonbudget/carbonbudget/scheduler/publish"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// fakeRegions: every listed country owns one 2° band of cells, all land.
type fakeRegions struct {
	g   grid.Grid
	ids []string
}

func (f fakeRegions) cells(k int) (int, int) { return 1000 + k*200, 1000 + k*200 + 150 }

func (f fakeRegions) CountryIDs() []string { return f.ids }

func (f fakeRegions) Weights(id string) ([]float32, error) {
	for k, x := range f.ids {
		if x == id {
			w := make([]float32, f.g.Cells())
			a, b := f.cells(k)
			for i := a; i < b; i++ {
				w[i] = 1
			}
			return w, nil
		}
	}
	return nil, fmt.Errorf("no country %q", id)
}

func (f fakeRegions) SparseWeights(id string) ([]int32, []float32, error) {
	for k, x := range f.ids {
		if x == id {
			a, b := f.cells(k)
			var cells []int32
			var w []float32
			for i := a; i < b; i++ {
				cells, w = append(cells, int32(i)), append(w, 1)
			}
			return cells, w, nil
		}
	}
	return nil, nil, fmt.Errorf("no country %q", id)
}

func (f fakeRegions) LandFraction() []float32 {
	lf := make([]float32, f.g.Cells())
	for k := range f.ids {
		a, b := f.cells(k)
		for i := a; i < b; i++ {
			lf[i] = 1
		}
	}
	return lf
}

func (f fakeRegions) Regions() []budget.Region {
	return []budget.Region{{ID: "CHN", Name: "China", Kind: "country"}, {ID: "globe", Name: "Globe", Kind: "special"}}
}

func (f fakeRegions) SumLand(values []float32) []float64 {
	w, _ := f.Weights("CHN")
	return []float64{f.g.Sum(values, w), f.g.Sum(values, f.LandFraction())}
}

func (f fakeRegions) SumOcean(values []float32) []float64 { return []float64{0, f.g.Sum(values, nil)} }

func (f fakeRegions) HasLand(id string) bool { return true }

func (f fakeRegions) HasOcean(id string) bool { return id == "globe" }

// fakeCubes serves cubes whose NOAA record rises by 0.2 ppm a month from
// 415 ppm in January 2022 and ends in lastCO2 (zero: December 2024).
type fakeCubes struct {
	g       grid.Grid
	lastCO2 grid.Month
	skipDay int // a day of the month without fossil records
}

// fakeELUC and fakeSCement are the cube's E_LUC and S_CEMENT of every month.
var (
	fakeELUC    = ingest.MonthValue{GtC: 0.09, SigmaGtC: 0.06, FromYear: 2023}
	fakeSCement = ingest.MonthValue{GtC: 0.019, SigmaGtC: 0.004, FromYear: 2023}
)

func (f fakeCubes) Cube(_ context.Context, m grid.Month) (*cube.Cube, error) {
	c := &cube.Cube{Month: m, Grid: f.g, Key: "k" + m.String(), Catalogue: []cube.Entry{{Source: "era5", Path: "/in/e.nc", SHA256: "aa", Status: "ok"},
		{Source: "fossil", Path: "/in/cm.csv", SHA256: "bb", Status: "ok"}}}
	last := f.lastCO2
	if last == (grid.Month{}) {
		last = grid.Month{Year: 2024, Month: 12}
	}
	c.CO2.Vintage = "test"
	for _, n := range []grid.Month{m.Add(-1), m, m.Add(1)} {
		if i := n.Sub(grid.Month{Year: 2022, Month: 1}); i >= 0 && !last.Before(n) {
			c.CO2.Months = append(c.CO2.Months, cube.CO2Month{Month: n, MeanPPM: 415 + 0.2*float64(i), TrendPPM: 415 + 0.2*float64(i)})
		}
	}
	eluc, cement := fakeELUC, fakeSCement
	c.ELUC, c.SCement = &eluc, &cement
	for d := 1; d <= m.Days(); d++ {
		if d == f.skipDay {
			continue
		}
		for _, country := range []string{"Brazil", "China", "EU27 & UK", "India", "Japan", "Russia", "United States", "ROW"} {
			for _, sector := range fossil.Sectors {
				v := 1.0 // MtCO2/day
				if sector == "Power" {
					v = 10
				}
				c.Fossil = append(c.Fossil, ingest.FossilRecord{Country: country, Date: time.Date(m.Year, m.Month, d, 0, 0, 0, 0, time.UTC), Sector: sector, MtCO2PerDay: v})
			}
		}
	}
	return c, nil
}

type fakeStage struct {
	g    grid.Grid
	gtc  float64
	fail bool
}

func (f fakeStage) field() *grid.Field {
	v := grid.NewField(f.g, "x", "g C m-2 month-1")
	for i := range v.Values {
		v.Values[i] = 1
	}
	return v
}

func (f fakeStage) Run(_ context.Context, m grid.Month, _ *cube.Cube) (OceanOut, error) {
	if f.fail {
		return OceanOut{}, errors.New("emulator exploded")
	}
	return OceanOut{Flux: budget.Flux{Term: lake.Term{GtC: f.gtc, SigmaGtC: 0.03}, Mean: f.field()}}, nil
}

func (f fakeStage) Models() []ModelRef { return []ModelRef{{Component: "ocean", Name: "fake"}} }

type fakeLand struct{ fakeStage }

func (f fakeLand) Run(_ context.Context, m grid.Month, cubes []*cube.Cube) (LandOut, error) {
	if len(cubes) != LandLagMonths+1 || cubes[0].Month != m.Add(-LandLagMonths) || cubes[LandLagMonths].Month != m {
		return LandOut{}, fmt.Errorf("land %s: handed %d cubes, want months %s..%s", m, len(cubes), m.Add(-LandLagMonths), m)
	}
	return LandOut{Flux: budget.Flux{Term: lake.Term{GtC: f.gtc, SigmaGtC: 0.04}, Mean: f.field()}, Fire: f.field()}, nil
}

func newRunner(t testing.TB, out string) *Runner {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.SetOutputDir(out)
	g := grid.MustNew(2)
	return &Runner{Cfg: cfg, Log: slog.New(slog.DiscardHandler), CodeVersion: "test",
		Regions: fakeRegions{g, []string{"BRA", "CHN", "IND", "JPN", "RUS", "USA", "FRA", "DEU", "ITA", "ESP", "GBR", "POL", "AUS"}},
		Cubes:   fakeCubes{g: g}, Ocean: fakeStage{g: g, gtc: 0.24}, Land: fakeLand{fakeStage{g: g, gtc: 0.25}}}
}

// readTree reads every published file under root (the work directory,
// .work, is not published).
func readTree(t *testing.T, root string) map[string][]byte {
	files := map[string][]byte{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == ".work" {
			return filepath.SkipDir
		}
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			files[rel] = b
		}
		return nil
	})
	return files
}

// publishMonth computes m and publishes it as the scheduler does (all of
// the month's files swap in at once), then rebuilds the tables.
func publishMonth(r *Runner, m grid.Month) (*MonthResult, error) {
	return publishWith(r, m, r.Compute)
}

// publishBudget recomputes m's budget from its saved stage results and
// publishes it.
func publishBudget(r *Runner, m grid.Month) (*MonthResult, error) {
	return publishWith(r, m, r.ComputeBudget)
}

func publishWith(r *Runner, m grid.Month, compute func(context.Context, grid.Month, string, Progress) (*MonthResult, error)) (*MonthResult, error) {
	var res *MonthResult
	_, err := publish.Month(r.Cfg.OutputDir, m, func(dir string) error {
		var err error
		res, err = compute(context.Background(), m, dir, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, r.WriteTables()
}

func TestComputeReportsEachStep(t *testing.T) {
	r := newRunner(t, t.TempDir())
	m := grid.Month{Year: 2023, Month: 4}
	var steps []string
	if _, err := r.Compute(context.Background(), m, t.TempDir(), func(s string) { steps = append(steps, s) }); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(steps, ","), "ingest,ocean,land,fossil,budget,write"; got != want {
		t.Errorf("steps %s, want %s", got, want)
	}
	steps = nil
	if _, err := r.ComputeBudget(context.Background(), m, t.TempDir(), func(s string) { steps = append(steps, s) }); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(steps, ","), "ingest,budget,write"; got != want {
		t.Errorf("budget-only steps %s, want %s", got, want)
	}
}

func TestMonthPublishesAndIsReproducible(t *testing.T) {
	out := t.TempDir()
	r := newRunner(t, out)
	m := grid.Month{Year: 2023, Month: 5}
	res, err := publishMonth(r, m)
	if err != nil {
		t.Fatal(err)
	}
	// 8 rows × (10 + 5 × 1) MtCO2/day × 31 days / 3.664 / 1000 GtC.
	if want := 8 * 15 * 31 / 3.664 / 1000; res.Budget.EFos.GtC < want*0.999999 || res.Budget.EFos.GtC > want*1.000001 {
		t.Errorf("E_FOS = %g, want %g", res.Budget.EFos.GtC, want)
	}
	for _, f := range []string{"grid/year=2023/month=05/part-0.parquet", "months/2023-05/budget.json", "months/2023-05/manifest.json",
		"months/2023-05/report.md", "budget_monthly.parquet", "regions.csv", "fossil_national.csv", ".work/stages/2023-05/timings.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing output %s", f)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "months/2023-05/timings.json")); err == nil {
		t.Error("timings.json is published; it differs between runs and belongs in the work directory")
	}
	for _, stage := range []string{"ingest", "ocean", "land", "fossil", "budget", "write"} {
		if _, ok := res.Timings[stage]; !ok {
			t.Errorf("timings lack stage %q: %v", stage, res.Timings)
		}
	}
	// National fossil rows are published, not dropped: 8 rows × 6 sectors.
	bj, _ := os.ReadFile(filepath.Join(out, "months/2023-05/budget.json"))
	if n := bytes.Count(bj, []byte(`"sector": "Power"`)); n != 8 {
		t.Errorf("budget.json has %d national fossil rows, want 8", n)
	}
	nat, _ := os.ReadFile(filepath.Join(out, "fossil_national.csv"))
	if lines := bytes.Count(nat, []byte("\n")); lines != 1+48 {
		t.Errorf("fossil_national.csv has %d lines, want a header and 48 rows:\n%s", lines, nat)
	}
	man, _ := os.ReadFile(filepath.Join(out, "months/2023-05/manifest.json"))
	for _, want := range []string{`"cube_key": "k2023-05"`, `"grid/year=2023/month=05/part-0.parquet": "`, `"/in/e.nc"`, `"code_version": "test"`} {
		if !bytes.Contains(man, []byte(want)) {
			t.Errorf("manifest lacks %s", want)
		}
	}
	first := readTree(t, out)
	if _, err := publishMonth(r, m); err != nil {
		t.Fatal(err)
	}
	second := readTree(t, out)
	for name, b := range first {
		if !bytes.Equal(b, second[name]) {
			t.Errorf("%s differs between two runs on the same inputs", name)
		}
	}
	if len(first) != len(second) {
		t.Errorf("file count %d vs %d", len(first), len(second))
	}
}

// TestRerunAfterLaterMonthIsIdentical reruns a month after the next one
// was published, as a rerun after an interrupted multi-month run does: the
// month's files must not change (its report shows the months up to it).
func TestRerunAfterLaterMonthIsIdentical(t *testing.T) {
	out := t.TempDir()
	r := newRunner(t, out)
	may, jun := grid.Month{Year: 2023, Month: 5}, grid.Month{Year: 2023, Month: 6}
	if _, err := publishMonth(r, may); err != nil {
		t.Fatal(err)
	}
	first := readTree(t, out)
	if _, err := publishMonth(r, jun); err != nil {
		t.Fatal(err)
	}
	if _, err := publishMonth(r, may); err != nil {
		t.Fatal(err)
	}
	again := readTree(t, out)
	n := 0
	for name, b := range first {
		if strings.Contains(name, "2023-05") || strings.Contains(name, "month=05") {
			n++
			if !bytes.Equal(b, again[name]) {
				t.Errorf("%s changed when May was rerun after June was published", name)
			}
		}
	}
	if n < 5 {
		t.Fatalf("only %d files of May compared", n)
	}
}

func TestFailedStageKeepsPreviousOutputs(t *testing.T) {
	out := t.TempDir()
	r := newRunner(t, out)
	m := grid.Month{Year: 2023, Month: 6}
	if _, err := publishMonth(r, m); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, out)
	r.Ocean = fakeStage{g: grid.MustNew(2), fail: true}
	if _, err := publishMonth(r, m); err == nil || !strings.Contains(err.Error(), "ocean 2023-06") {
		t.Fatalf("err = %v, want the ocean failure named with its month", err)
	}
	after := readTree(t, out)
	for name, b := range before {
		if !bytes.Equal(b, after[name]) {
			t.Errorf("%s changed after a failed run", name)
		}
	}
}

func TestBudgetAloneFromSavedStages(t *testing.T) {
	out := t.TempDir()
	r := newRunner(t, out)
	m := grid.Month{Year: 2023, Month: 8}
	if _, err := publishBudget(r, m); err == nil || !strings.Contains(err.Error(), "run --month 2023-08") {
		t.Fatalf("budget before any run: err = %v, want a hint to run the month", err)
	}
	if _, err := publishMonth(r, m); err != nil {
		t.Fatal(err)
	}
	first := readTree(t, out)
	r.Ocean = fakeStage{g: grid.MustNew(2), fail: true} // the budget stage must not call the stages again
	if _, err := publishBudget(r, m); err != nil {
		t.Fatal(err)
	}
	for name, b := range readTree(t, out) {
		if !bytes.Equal(b, first[name]) {
			t.Errorf("%s differs after rerunning only the budget stage", name)
		}
	}
}

// TestBudgetTermsFromCube: the budget takes E_LUC, S_CEMENT and the CO2
// growth from the cube, not from the land stage (whose E_LUC is 0.5 GtC
// here), and its growth is provisional while the record ends at the month.
func TestBudgetTermsFromCube(t *testing.T) {
	r := newRunner(t, t.TempDir())
	m := grid.Month{Year: 2023, Month: 5}
	res, err := publishMonth(r, m)
	if err != nil {
		t.Fatal(err)
	}
	b := res.Budget
	if b.ELUC.GtC != fakeELUC.GtC || b.ELUC.SigmaGtC != fakeELUC.SigmaGtC || b.SCement.GtC != fakeSCement.GtC || b.SCement.SigmaGtC != fakeSCement.SigmaGtC {
		t.Errorf("E_LUC %+v, S_CEMENT %+v; want the cube's %+v, %+v", b.ELUC, b.SCement, fakeELUC, fakeSCement)
	}
	// 0.2 ppm a month × 2.124 GtC/ppm.
	if want := 0.2 * budget.GtCPerPPM; math.Abs(b.GAtm.GtC-want) > 1e-9 || b.GAtm.Provisional {
		t.Errorf("G_ATM = %+v, want %g GtC, final", b.GAtm, want)
	}
	r.Cubes = fakeCubes{g: grid.MustNew(2), lastCO2: m}
	res, err = publishMonth(r, m)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Budget.GAtm.Provisional {
		t.Errorf("G_ATM = %+v with no record after %s, want provisional", res.Budget.GAtm, m)
	}
}

// TestIncompleteFossilMonth: a month whose fossil records miss a day is
// refused with an error naming the file, the variable and the month, or,
// with sources.fossil.allow_incomplete, published provisional with
// "fossil" as the reason in the result and the manifest.
func TestIncompleteFossilMonth(t *testing.T) {
	r := newRunner(t, t.TempDir())
	r.Cubes = fakeCubes{g: grid.MustNew(2), skipDay: 9}
	m := grid.Month{Year: 2023, Month: 7}
	_, err := r.Compute(context.Background(), m, t.TempDir(), nil)
	var se *ingest.SourceError
	if !errors.As(err, &se) || se.Path != "/in/cm.csv" || se.Month != m || !strings.Contains(err.Error(), "30 of 31 days") {
		t.Fatalf("err = %v, want a SourceError naming /in/cm.csv, 2023-07 and the missing day", err)
	}
	src := r.Cfg.Sources["fossil"]
	src.AllowIncomplete = true
	r.Cfg.Sources["fossil"] = src
	dir := t.TempDir()
	res, err := r.Compute(context.Background(), m, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Provisional, "fossil") || !res.Budget.EFos.Provisional {
		t.Errorf("completed month: provisional sources %v, E_FOS provisional %v; want fossil and true", res.Provisional, res.Budget.EFos.Provisional)
	}
	man, _ := os.ReadFile(filepath.Join(dir, "months", m.String(), "manifest.json"))
	if !bytes.Contains(man, []byte(`"provisional_sources": [
  "fossil"`)) {
		t.Errorf("manifest does not name fossil as provisional:\n%s", man)
	}
}
