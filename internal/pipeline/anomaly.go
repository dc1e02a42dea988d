package pipeline

import (
	"context"
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// reportAnomalies are the report's anomaly maps of month m: its land
// (nbp_mean) and ocean (ocean_uptake_mean) fluxes minus the mean of the
// same calendar month over the baseline years, read from the published
// grid files (m's own year from gm, so a rerun of a baseline month gives
// the same bytes). Nil, nil while a baseline month is not published: the
// report then shows the fluxes alone, as the tables leave the anomalies
// empty.
func (r *Runner) reportAnomalies(ctx context.Context, m grid.Month, gm output.GridMonth) (land, ocean *grid.Field, err error) {
	cols := []string{"nbp_mean", "ocean_uptake_mean"}
	sums := make([][]float64, len(cols))
	n := 0
	for y := r.baseline().FromYear; y <= r.baseline().ToYear; y++ {
		bm := grid.Month{Year: y, Month: m.Month}
		if m.Before(bm) {
			return nil, nil, nil // a baseline month after m: not as it stood at m
		}
		values := map[string][]float32{}
		if bm == m {
			for _, c := range gm.Columns {
				values[c.Name] = c.Values
			}
		} else {
			gf, err := output.ReadGridColumns(ctx, output.GridPath(r.Cfg.OutputDir, bm), cols)
			if err != nil {
				return nil, nil, nil // not published (yet)
			}
			values = gf.Columns
		}
		for k, c := range cols {
			v, ok := values[c]
			if !ok || len(v) != gm.Grid.Cells() {
				return nil, nil, nil
			}
			if sums[k] == nil {
				sums[k] = make([]float64, len(v))
			}
			for i, x := range v {
				sums[k][i] += float64(x)
			}
		}
		n++
	}
	if n == 0 {
		return nil, nil, nil
	}
	out := make([]*grid.Field, len(cols))
	for k, c := range cols {
		var cur []float32
		for _, col := range gm.Columns {
			if col.Name == c {
				cur = col.Values
			}
		}
		if cur == nil {
			return nil, nil, fmt.Errorf("report anomalies %s: the month's grid has no %s", m, c)
		}
		f := grid.NewField(gm.Grid, c+"_anomaly", "g C m-2 month-1")
		for i, x := range cur {
			if mean := sums[k][i] / float64(n); !math.IsNaN(mean) {
				f.Values[i] = x - float32(mean)
			}
		}
		out[k] = f
	}
	return out[0], out[1], nil
}
