package report

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/carbonbudget/carbonbudget/internal/figure"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// regionalRows are the month's RECCAP2 rows the regional figure shows:
// the land sink of the land regions and the ocean sink of the basins,
// sorted land first, then by name.
func regionalRows(month string, rows []lake.RegionRow) []lake.RegionRow {
	var out []lake.RegionRow
	for _, r := range rows {
		if r.Month == month && ((r.Kind == "reccap2-land" && r.Component == lake.CompLand) || (r.Kind == "reccap2-ocean" && r.Component == lake.CompOcean)) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Name > out[j].Name // reversed: the plot's y runs upwards
	})
	return out
}

// regionalFigure draws the month's anomaly of the land and ocean sinks
// by RECCAP2 region as horizontal bars with the ensemble's ±1σ, or the
// values themselves while the baseline is not published; nil without
// regional rows.
func regionalFigure(month string, rows []lake.RegionRow) *figure.Figure {
	rr := regionalRows(month, rows)
	if len(rr) == 0 {
		return nil
	}
	anomaly := true
	for _, r := range rr {
		if math.IsNaN(r.AnomalyGtC) {
			anomaly = false
		}
	}
	b := &bars{Width: 0.7, Horizontal: true}
	names := make([]string, len(rr))
	for i, r := range rr {
		v := r.GtC
		if anomaly {
			v = r.AnomalyGtC
		}
		c := termColors["S_LAND"]
		if r.Kind == "reccap2-ocean" {
			c = termColors["S_OCEAN"]
		}
		b.Bars = append(b.Bars, bar{At: float64(i), Value: v, Sigma: r.SigmaGtC, Color: c, Hatched: r.Provisional})
		names[i] = r.Name
	}
	h := vg.Length(len(rr))*0.55*vg.Centimeter + 4*vg.Centimeter
	return &figure.Figure{Width: 24 * vg.Centimeter, Height: h, Draw: func(c draw.Canvas) (figure.Layout, error) {
		dataC, keyC := figure.SplitRight(c, 6*vg.Centimeter)
		p := plot.New()
		what := "anomaly against the baseline"
		if !anomaly {
			what = "value (baseline not yet published)"
		}
		p.Title.Text = fmt.Sprintf("Sinks by RECCAP2 region, %s: %s", month, what)
		p.X.Label.Text = "GtC per month (+ = more uptake)"
		p.NominalY(names...)
		p.Add(zeroLine{vertical: true}, b)
		p.Draw(dataC)
		l := newLegend()
		l.Add("land sink (land regions)", hatchThumb{color: termColors["S_LAND"]})
		l.Add("ocean sink (ocean basins)", hatchThumb{color: termColors["S_OCEAN"]})
		l.Add("provisional (hatched)", hatchThumb{color: termColors["S_LAND"], hatched: true})
		l.Add("whisker: ±1σ (ensemble)", whiskerThumb{})
		l.Draw(keyCanvas(keyC))
		return figure.Layout{Data: p.DataCanvas(dataC).Rectangle, Key: keyC.Rectangle}, nil
	}}
}

// regionalAlt names the regions of largest anomaly, for the figure's text
// alternative.
func regionalAlt(month string, rows []lake.RegionRow) string {
	rr := regionalRows(month, rows)
	sort.Slice(rr, func(i, j int) bool { return math.Abs(rr[i].AnomalyGtC) > math.Abs(rr[j].AnomalyGtC) })
	var parts []string
	for _, r := range rr[:min(3, len(rr))] {
		if !math.IsNaN(r.AnomalyGtC) {
			parts = append(parts, fmt.Sprintf("%s %+.3f ± %.3f GtC", r.Name, r.AnomalyGtC, r.SigmaGtC))
		}
	}
	if len(parts) == 0 {
		return "Land and ocean sinks by RECCAP2 region"
	}
	return "Sink anomalies by RECCAP2 region; largest: " + strings.Join(parts, ", ")
}
