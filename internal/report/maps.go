package report

import (
	"fmt"

	"github.com/carbonbudget/carbonbudget/internal/figure"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/mapimg"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// mapFigure maps the anomaly field, or the month's flux column when there
// is no anomaly, with coastlines and borders, a title naming the term and
// the month, and a colorbar with units. Nil when the grid lacks the
// column.
func mapFigure(m grid.Month, anomaly *grid.Field, gm output.GridMonth, column, term, per string) (*figure.Figure, error) {
	var values []float32
	g := gm.Grid
	if anomaly != nil {
		values, g = anomaly.Values, anomaly.Grid
	} else {
		for _, c := range gm.Columns {
			if c.Name == column {
				values = c.Values
			}
		}
	}
	if values == nil {
		return nil, nil
	}
	// Uptake columns are positive into the surface; flip them so red is
	// always carbon to the air.
	flipped := make([]float32, len(values))
	for i, v := range values {
		flipped[i] = -v
	}
	o, err := mapimg.OutlineOf(g)
	if err != nil {
		return nil, err
	}
	what := "net flux to the atmosphere"
	if anomaly != nil {
		what = "anomaly of the net flux to the atmosphere"
	}
	f := mapimg.Map{Grid: g, Values: flipped, Outline: o,
		Title: fmt.Sprintf("%s: %s, %s", term, what, m),
		Units: fmt.Sprintf("g C per m² of %s per month (+ = to the atmosphere, red; − = uptake, blue)", per)}.Figure()
	return &f, nil
}
