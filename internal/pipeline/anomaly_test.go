package pipeline

import (
	"context"
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// TestReportAnomalies: the report's anomaly maps are the month's fluxes
// minus the mean of the same calendar month over the published baseline
// years; with a baseline month unpublished, or lying after the month,
// there are none.
func TestReportAnomalies(t *testing.T) {
	g := grid.MustNew(2)
	out := t.TempDir()
	r := &Runner{Cfg: &config.Config{OutputDir: out, Baseline: config.Baseline{FromYear: 2015, ToYear: 2016}}}
	gridOf := func(m grid.Month, land, ocean float32) output.GridMonth {
		l, o := make([]float32, g.Cells()), make([]float32, g.Cells())
		for i := range l {
			l[i], o[i] = land, ocean
		}
		o[0] = float32(math.NaN())
		return output.GridMonth{Grid: g, Month: m, Columns: []output.Column{{Name: "nbp_mean", Values: l}, {Name: "ocean_uptake_mean", Values: o}}}
	}
	ctx := context.Background()
	m := grid.Month{Year: 2020, Month: 3}
	if l, o, err := r.reportAnomalies(ctx, m, gridOf(m, 5, 7)); err != nil || l != nil || o != nil {
		t.Fatalf("without a published baseline: %v, %v, %v; want none", l, o, err)
	}
	for _, b := range []struct {
		year        int
		land, ocean float32
	}{{2015, 1, 2}, {2016, 3, 4}} {
		bm := grid.Month{Year: b.year, Month: 3}
		if err := output.WriteGrid(output.GridPath(out, bm), gridOf(bm, b.land, b.ocean)); err != nil {
			t.Fatal(err)
		}
	}
	l, o, err := r.reportAnomalies(ctx, m, gridOf(m, 5, 7))
	if err != nil || l == nil || o == nil {
		t.Fatalf("with the baseline: %v, %v, %v", l, o, err)
	}
	if l.Values[10] != 3 || o.Values[10] != 4 || !math.IsNaN(float64(o.Values[0])) {
		t.Errorf("anomalies land %g, ocean %g (NaN cell %g); want 5−2 = 3, 7−3 = 4, NaN", l.Values[10], o.Values[10], o.Values[0])
	}
	// 2015-03 is itself in the baseline, but 2016-03 is after it.
	early := grid.Month{Year: 2015, Month: 3}
	if l, _, _ := r.reportAnomalies(ctx, early, gridOf(early, 1, 2)); l != nil {
		t.Error("a month before the end of the baseline got an anomaly map")
	}
}
