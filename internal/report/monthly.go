package report

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/carbonbudget/carbonbudget/internal/figure"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

var monthlyTerms = []annualTerm{
	{"E_FOS", "E_FOS fossil CO₂", 1, func(r lake.Row) (float64, float64) { return r.EFos, r.EFosSigma }, "e_fos"},
	{"G_ATM", "G_ATM atmospheric growth", 1, func(r lake.Row) (float64, float64) { return r.GAtm, r.GAtmSigma }, "g_atm"},
	{"S_OCEAN", "S_OCEAN ocean sink", 1, func(r lake.Row) (float64, float64) { return r.SOcean, r.SOceanSigma }, "s_ocean"},
	{"S_LAND", "S_LAND land sink", 1, func(r lake.Row) (float64, float64) { return r.SLand, r.SLandSigma }, "s_land"},
	{"B_IM", "B_IM budget imbalance", 1, func(r lake.Row) (float64, float64) { return r.BIm, r.BImSigma }, "b_im"},
}

// monthlyFigure draws the last n months of the main terms, each line in
// its ±1σ band, with the provisional months shaded and hatched; the
// legend has its own strip to the right. Nil without months.
func monthlyFigure(rows []lake.Row, n int) *figure.Figure {
	if len(rows) > n {
		rows = rows[len(rows)-n:]
	}
	if len(rows) == 0 {
		return nil
	}
	return &figure.Figure{Width: 24 * vg.Centimeter, Height: 11 * vg.Centimeter, Draw: func(c draw.Canvas) (figure.Layout, error) {
		dataC, keyC := figure.SplitRight(c, 6*vg.Centimeter)
		p := plot.New()
		p.Title.Text = "Monthly budget terms (bands: ±1σ)"
		p.Y.Label.Text = "GtC per month"
		p.X.Label.Text = "month"
		p.X.Min, p.X.Max = -0.5, float64(len(rows))-0.5
		var at []float64
		var labels []string
		var prov []float64
		for i, r := range rows {
			if len(r.Period) == 7 && (r.Period[5:] == "01" || i == 0) {
				at, labels = append(at, float64(i)), append(labels, r.Period)
			}
			if r.Provisional {
				prov = append(prov, float64(i))
			}
		}
		p.X.Tick.Marker = labelTicks{at, labels}
		provColor := color.RGBA{0xbb, 0xbb, 0xbb, 255}
		if len(prov) > 0 {
			p.Add(&spans{X: prov, Color: provColor})
		}
		p.Add(zeroLine{})
		l := newLegend()
		for _, t := range monthlyTerms {
			line, b, err := termSeries(rows, t)
			if err != nil {
				return figure.Layout{}, err
			}
			if b != nil {
				p.Add(b)
			}
			p.Add(line)
			l.Add(t.label, line)
		}
		l.Add("±1σ band", hatchThumb{color: fade(termColors["S_OCEAN"])})
		l.Add("provisional month", hatchThumb{color: provColor, hatched: true})
		p.Draw(dataC)
		l.Draw(keyCanvas(keyC))
		return figure.Layout{Data: p.DataCanvas(dataC).Rectangle, Key: keyC.Rectangle}, nil
	}}
}

// termSeries is a term's line and its ±1σ band (nil when it has no σ).
func termSeries(rows []lake.Row, t annualTerm) (*plotter.Line, *band, error) {
	pts := make(plotter.XYs, len(rows))
	b := &band{Color: fade(termColors[t.name])}
	for i, r := range rows {
		v, s := t.get(r)
		pts[i] = plotter.XY{X: float64(i), Y: v}
		if s > 0 && !math.IsNaN(s) {
			b.X, b.Lo, b.Hi = append(b.X, float64(i)), append(b.Lo, v-s), append(b.Hi, v+s)
		}
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return nil, nil, fmt.Errorf("%s series: %w", t.name, err)
	}
	line.Color, line.Width = termColors[t.name], vg.Points(1.6)
	if len(b.X) != len(rows) {
		b = nil // a band with holes would join across them
	}
	return line, b, nil
}

// fade is c at a quarter opacity, for bands under lines.
func fade(c color.RGBA) color.Color {
	return color.NRGBA{c.R, c.G, c.B, 64}
}
