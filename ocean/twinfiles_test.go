package ocean

import (
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest/builder"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// fileTruth reads the truth a twin world wrote under <dir>/truth.
type fileTruth struct {
	dir    string
	g      grid.Grid
	budget map[grid.Month]map[string]float64 // budget_monthly.csv by column
	gobms  []string
}

func newFileTruth(dir string, g grid.Grid, gobms []string) (*fileTruth, error) {
	path := filepath.Join(dir, "truth", "budget_monthly.csv")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		return nil, fmt.Errorf("%s: %v (%d rows)", path, err, len(rows))
	}
	ft := &fileTruth{dir: dir, g: g, budget: map[grid.Month]map[string]float64{}, gobms: gobms}
	for _, row := range rows[1:] {
		vals := map[string]float64{}
		for j, name := range rows[0] {
			if vals[name], err = strconv.ParseFloat(row[j], 64); err != nil {
				return nil, fmt.Errorf("%s: column %s: %w", path, name, err)
			}
		}
		ft.budget[grid.Month{Year: int(vals["year"]), Month: time.Month(vals["month"])}] = vals
	}
	return ft, nil
}

func (t *fileTruth) truth(m grid.Month) (*monthTruth, error) {
	b, ok := t.budget[m]
	if !ok {
		return nil, fmt.Errorf("truth: no budget row for %s", m)
	}
	path := output.GridPath(filepath.Join(t.dir, "truth"), m)
	gf, err := output.ReadGrid(context.Background(), path)
	if err != nil {
		return nil, err
	}
	full := func(name string) ([]float32, error) {
		col, ok := gf.Columns[name]
		if !ok {
			return nil, fmt.Errorf("%s: no column %q", path, name)
		}
		out := make([]float32, t.g.Cells())
		for i := range out {
			out[i] = float32(math.NaN())
		}
		for k, id := range gf.CellIDs {
			out[id] = col[k]
		}
		return out, nil
	}
	mt := &monthTruth{sOceanGtC: b["S_OCEAN"], fgco2GtC: b["FGCO2"], gobmGtC: map[string]float64{}}
	if mt.pco2, err = full("pco2_sea"); err != nil {
		return nil, err
	}
	if mt.fgco2, err = full("fgco2"); err != nil {
		return nil, err
	}
	for _, name := range t.gobms {
		mt.gobmGtC[name] = b["S_OCEAN_"+name]
	}
	return mt, nil
}

// BenchmarkTwinFilesSkill is the twin-world skill test on a world written
// by 'carbonbudget synth' and read through the ingest cube, exactly as the
// pipeline reads it: point CARBONBUDGET_TWIN at the synth directory (it
// is skipped otherwise). It trains on the years from the configuration's
// train_from_year to the last one, holds out the last, and reports as
// BenchmarkTwinSkill; the GOBMs' output ends a year before the last, as
// in reality, and each member's S_OCEAN of the last year is compared with
// the GOBM's withheld output from the truth.
func BenchmarkTwinFilesSkill(b *testing.B) {
	dir := os.Getenv("CARBONBUDGET_TWIN")
	if dir == "" {
		b.Skip("CARBONBUDGET_TWIN not set: run 'carbonbudget synth --out DIR' and point it there")
	}
	cfg, err := config.Load(filepath.Join(dir, "carbonbudget.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	set, err := regions.Load(cfg.Grid())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	builder := builder.New(cfg, set.LandFraction(), slog.New(slog.DiscardHandler))
	cubes := archiveFunc(func(m grid.Month) (*cube.Cube, error) { return builder.Cube(ctx, m) })
	gobms := cfg.Sources["gobm"].Models
	tr, err := newFileTruth(dir, cfg.Grid(), gobms)
	if err != nil {
		b.Fatal(err)
	}
	first, last := firstLastYears(cfg, tr)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ms, err := Train(ctx, cubes, TrainSpec{FirstYear: first, HeldOutYear: last, GOBMs: gobms})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		twinSkill(b, cubes, tr, set.LandFraction(), ms, last)
		ms.Close()
		b.StartTimer()
	}
}

// firstLastYears are the configuration's first year and the truth's last.
func firstLastYears(cfg *config.Config, tr *fileTruth) (first, last int) {
	first = cfg.TrainFromYear() // as `carbonbudget train` does
	for m := range tr.budget {
		last = max(last, m.Year)
	}
	return first, last
}
