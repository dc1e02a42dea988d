package report

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/carbonbudget/carbonbudget/internal/figure"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// annualYears is how many calendar years the annual figure shows: seven
// bars a year stay legible at 24 cm up to about ten years.
const annualYears = 10

// annualTerm is one bar of a year's group: its sign puts sources up and
// sinks down, as the Global Carbon Budget's figures do.
type annualTerm struct {
	name, label string
	sign        float64
	get         func(lake.Row) (value, sigma float64)
	provisional string // its name in provisional_terms
}

var annualTerms = []annualTerm{
	{"E_FOS", "E_FOS fossil CO₂ (source)", 1, func(r lake.Row) (float64, float64) { return r.EFos, r.EFosSigma }, "e_fos"},
	{"E_LUC", "E_LUC land-use change (source)", 1, func(r lake.Row) (float64, float64) { return r.ELUC, r.ELUCSigma }, "e_luc"},
	{"G_ATM", "G_ATM atmospheric growth (sink)", -1, func(r lake.Row) (float64, float64) { return r.GAtm, r.GAtmSigma }, "g_atm"},
	{"S_OCEAN", "S_OCEAN ocean sink", -1, func(r lake.Row) (float64, float64) { return r.SOcean, r.SOceanSigma }, "s_ocean"},
	{"S_LAND", "S_LAND land sink", -1, func(r lake.Row) (float64, float64) { return r.SLand, r.SLandSigma }, "s_land"},
	// The tables carry no σ for S_CEMENT, so its bar has no whisker.
	{"S_CEMENT", "S_CEMENT cement carbonation", -1, func(r lake.Row) (float64, float64) { return r.SCement, 0 }, "s_cement"},
	{"B_IM", "B_IM budget imbalance", 1, func(r lake.Row) (float64, float64) { return r.BIm, r.BImSigma }, "b_im"},
}

// calendarYears are the last n calendar-year rows.
func calendarYears(rows []lake.Row, n int) []lake.Row {
	var out []lake.Row
	for _, r := range rows {
		if r.Window == "calendar-year" {
			out = append(out, r)
		}
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}

// annualFigure draws, for each calendar year, one bar per term with its
// ±1σ whisker: sources up, sinks down, B_IM its own bar with its own
// sign; a provisional term is hatched. The legend has a strip of its own
// to the right. Nil when there is no complete year.
func annualFigure(rows []lake.Row) *figure.Figure {
	years := calendarYears(rows, annualYears)
	if len(years) == 0 {
		return nil
	}
	const w = 0.12 // bar width, in years
	b := &bars{Width: w}
	var at []float64
	var labels []string
	for i, r := range years {
		at, labels = append(at, float64(i)), append(labels, r.Period)
		for j, t := range annualTerms {
			v, s := t.get(r)
			b.Bars = append(b.Bars, bar{At: float64(i) + (float64(j)-3)*w*1.1, Value: t.sign * v, Sigma: s,
				Color: termColors[t.name], Hatched: provisionalTerm(r, t.provisional)})
		}
	}
	return &figure.Figure{Width: 24 * vg.Centimeter, Height: 13 * vg.Centimeter, Draw: func(c draw.Canvas) (figure.Layout, error) {
		dataC, keyC := figure.SplitRight(c, 6*vg.Centimeter)
		p := plot.New()
		p.Title.Text = "Global carbon budget by calendar year (±1σ)"
		p.Y.Label.Text = "GtC per year (sources +, sinks −)"
		p.X.Label.Text = "calendar year"
		p.X.Tick.Marker = labelTicks{at, labels}
		p.X.Min, p.X.Max = -0.5, float64(len(years))-0.5
		p.Add(zeroLine{}, b)
		p.Draw(dataC)
		l := newLegend()
		for _, t := range annualTerms {
			l.Add(t.label, hatchThumb{color: termColors[t.name]})
		}
		l.Add("provisional (hatched)", hatchThumb{color: termColors["E_FOS"], hatched: true})
		l.Add("whisker: ±1σ", whiskerThumb{})
		l.Draw(keyCanvas(keyC))
		return figure.Layout{Data: p.DataCanvas(dataC).Rectangle, Key: keyC.Rectangle}, nil
	}}
}

// provisionalTerm reports whether term (a provisional_terms name) is
// provisional in r.
func provisionalTerm(r lake.Row, term string) bool {
	for _, t := range strings.Split(r.ProvisionalTerms, ",") {
		if strings.TrimSpace(t) == term {
			return true
		}
	}
	// B_IM is the residual of every term: provisional when any is.
	return term == "b_im" && r.Provisional
}

// whiskerThumb is the legend's picture of an error bar.
type whiskerThumb struct{}

func (whiskerThumb) Thumbnail(c *draw.Canvas) {
	sty := draw.LineStyle{Color: color.Black, Width: vg.Points(0.8)}
	x := (c.Min.X + c.Max.X) / 2
	c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
	c.StrokeLine2(sty, x-3, c.Min.Y, x+3, c.Min.Y)
	c.StrokeLine2(sty, x-3, c.Max.Y, x+3, c.Max.Y)
}

// annualAlt is the text alternative of the annual figure: the latest
// year's terms in words.
func annualAlt(rows []lake.Row) string {
	years := calendarYears(rows, 1)
	if len(years) == 0 {
		return "Annual sources and sinks"
	}
	r := years[0]
	var parts []string
	for _, t := range annualTerms {
		v, s := t.get(r)
		if s > 0 && !math.IsNaN(s) {
			parts = append(parts, fmt.Sprintf("%s %.2f ± %.2f", t.name, v, s))
		} else {
			parts = append(parts, fmt.Sprintf("%s %.2f", t.name, v))
		}
	}
	return fmt.Sprintf("Annual sources and sinks, GtC per year; %s: %s", r.Period, strings.Join(parts, ", "))
}
