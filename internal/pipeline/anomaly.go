package pipeline

import (
	"context"
	"fmt"

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
	base := r.baseline()
	if m.Before(grid.Month{Year: base.ToYear, Month: m.Month}) {
		return nil, nil, nil // a baseline month after m: not as it stood at m
	}
	current := map[string][]float32{}
	for _, c := range gm.Columns {
		current[c.Name] = c.Values
	}
	mean, err := output.BaselineMean(ctx, r.Cfg.OutputDir, m, base.FromYear, base.ToYear, cols, map[grid.Month]map[string][]float32{m: current})
	if err != nil || mean == nil {
		return nil, nil, err
	}
	out := make([]*grid.Field, len(cols))
	for k, c := range cols {
		cur := current[c]
		if cur == nil {
			return nil, nil, fmt.Errorf("report anomalies %s: the month's grid has no %s", m, c)
		}
		if len(mean[c]) != gm.Grid.Cells() {
			return nil, nil, nil
		}
		f := grid.NewField(gm.Grid, c+"_anomaly", "g C m-2 month-1")
		for i, x := range cur {
			f.Values[i] = x - mean[c][i]
		}
		out[k] = f
	}
	return out[0], out[1], nil
}
