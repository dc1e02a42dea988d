package fossil

import (
	"context"
	"encoding/csv"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest/carbonmonitor"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
	"github.com/carbonbudget/carbonbudget/internal/twin"
)

// TestTwinWorld runs the stage on the twin world's Carbon Monitor file and
// compares every month of a year with the twin's true E_FOS (1e-6
// relative: the CSV carries values to about seven significant digits) and
// the year with the published series the twin follows.
func TestTwinWorld(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a twin world")
	}
	dir := t.TempDir()
	opt := twin.Options{Seed: 3, FromYear: 2020, ToYear: 2020, ResDeg: 2}
	if err := twin.Write(context.Background(), dir, opt, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	data, err := carbonmonitor.ReadFile(filepath.Join(dir, "carbon_monitor", "carbonmonitor-global_datas.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs := data.Records
	truth := readTruthEFos(t, filepath.Join(dir, "truth", "budget_monthly.csv"))
	g := grid.MustNew(2)
	set, err := regions.Load(g)
	if err != nil {
		t.Fatal(err)
	}
	gr, err := NewGridder(g, set, nil)
	if err != nil {
		t.Fatal(err)
	}
	var year float64
	for _, m := range grid.Range(grid.Month{Year: 2020, Month: 1}, grid.Month{Year: 2020, Month: 12}) {
		res, err := Run(context.Background(), m, Inputs{Records: recs, Gridder: gr}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rel := math.Abs(res.GtC-truth[m]) / truth[m]; rel > 1e-6 {
			t.Errorf("%s: E_FOS %.7f GtC, truth %.7f (rel %.1e)", m, res.GtC, truth[m], rel)
		}
		year += res.GtC
	}
	// The twin follows the GCB 2025 fossil series (excluding carbonation):
	// 2020 = 9.59 GtC (science.md section 2); within 2 %.
	if math.Abs(year-9.59)/9.59 > 0.02 {
		t.Errorf("2020 E_FOS %.3f GtC/yr, the published series has 9.59", year)
	}
}

func readTruthEFos(t *testing.T, path string) map[grid.Month]float64 {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range recs[0] {
		if h == "E_FOS" {
			col = i
		}
	}
	out := map[grid.Month]float64{}
	for _, r := range recs[1:] {
		y, _ := strconv.Atoi(r[0])
		mo, _ := strconv.Atoi(r[1])
		v, _ := strconv.ParseFloat(r[col], 64)
		if mo >= 1 && mo <= 12 {
			out[grid.Month{Year: y, Month: timeMonth(mo)}] = v
		}
	}
	return out
}
