package report

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Okabe & Ito's palette (2008, "Color Universal Design"), distinguishable
// by readers with any common colour-vision deficiency, one colour per
// term; the dashboard (internal/server/static/app.js) uses the same.
var termColors = map[string]color.RGBA{
	"E_FOS":    {0x33, 0x33, 0x33, 255}, // black (softened)
	"E_LUC":    {0xe6, 0x9f, 0x00, 255}, // orange
	"G_ATM":    {0x56, 0xb4, 0xe9, 255}, // sky blue
	"S_OCEAN":  {0x00, 0x72, 0xb2, 255}, // blue
	"S_LAND":   {0x00, 0x9e, 0x73, 255}, // bluish green
	"S_CEMENT": {0xcc, 0x79, 0xa7, 255}, // reddish purple
	"B_IM":     {0xd5, 0x5e, 0x00, 255}, // vermillion
}

// A bar is one rectangle from 0 to Value at X (or, horizontal, at Y),
// with its ±1σ whisker; provisional bars are hatched.
type bar struct {
	At, Value, Sigma float64
	Color            color.Color
	Hatched          bool
}

// bars draws bars of width Width (in data units) vertically, or
// horizontally when Horizontal.
type bars struct {
	Bars       []bar
	Width      float64
	Horizontal bool
}

func (b *bars) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	whisker := draw.LineStyle{Color: color.Black, Width: vg.Points(0.8)}
	for _, r := range b.Bars {
		lo, hi := r.At-b.Width/2, r.At+b.Width/2
		var rect vg.Rectangle
		if b.Horizontal {
			rect = vg.Rectangle{Min: vg.Point{X: tx(math.Min(0, r.Value)), Y: ty(lo)}, Max: vg.Point{X: tx(math.Max(0, r.Value)), Y: ty(hi)}}
		} else {
			rect = vg.Rectangle{Min: vg.Point{X: tx(lo), Y: ty(math.Min(0, r.Value))}, Max: vg.Point{X: tx(hi), Y: ty(math.Max(0, r.Value))}}
		}
		c.FillPolygon(r.Color, rectPts(rect))
		if r.Hatched {
			hatch(c, rect)
		}
		if r.Sigma > 0 && !math.IsNaN(r.Sigma) {
			cap := (rect.Max.X - rect.Min.X) / 4
			if b.Horizontal {
				cap = (rect.Max.Y - rect.Min.Y) / 4
				y := ty(r.At)
				x0, x1 := tx(r.Value-r.Sigma), tx(r.Value+r.Sigma)
				c.StrokeLine2(whisker, x0, y, x1, y)
				c.StrokeLine2(whisker, x0, y-cap, x0, y+cap)
				c.StrokeLine2(whisker, x1, y-cap, x1, y+cap)
				continue
			}
			x := tx(r.At)
			y0, y1 := ty(r.Value-r.Sigma), ty(r.Value+r.Sigma)
			c.StrokeLine2(whisker, x, y0, x, y1)
			c.StrokeLine2(whisker, x-cap, y0, x+cap, y0)
			c.StrokeLine2(whisker, x-cap, y1, x+cap, y1)
		}
	}
}

func (b *bars) DataRange() (xmin, xmax, ymin, ymax float64) {
	vmin, vmax, amin, amax := 0.0, 0.0, math.Inf(1), math.Inf(-1)
	for _, r := range b.Bars {
		s := r.Sigma
		if math.IsNaN(s) {
			s = 0
		}
		vmin, vmax = math.Min(vmin, r.Value-s), math.Max(vmax, r.Value+s)
		amin, amax = math.Min(amin, r.At-b.Width), math.Max(amax, r.At+b.Width)
	}
	if b.Horizontal {
		return vmin, vmax, amin, amax
	}
	return amin, amax, vmin, vmax
}

func rectPts(r vg.Rectangle) []vg.Point {
	return []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}}
}

// hatch strokes white diagonals across r, the mark of a provisional value
// that survives greyscale printing and colour-blindness alike.
func hatch(c draw.Canvas, r vg.Rectangle) {
	sty := draw.LineStyle{Color: color.White, Width: vg.Points(1.2)}
	step := vg.Points(4)
	w, h := r.Max.X-r.Min.X, r.Max.Y-r.Min.Y
	for d := -h; d < w; d += step {
		// The line x = r.Min.X + d + t, y = r.Min.Y + t for t in [0, h],
		// clipped to the rectangle.
		t0, t1 := max(0, -d), min(h, w-d)
		if t1 <= t0 {
			continue
		}
		c.StrokeLine2(sty, r.Min.X+d+t0, r.Min.Y+t0, r.Min.X+d+t1, r.Min.Y+t1)
	}
}

// hatchThumb is a legend swatch: a colour, hatched or not.
type hatchThumb struct {
	color   color.Color
	hatched bool
}

func (t hatchThumb) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(t.color, rectPts(c.Rectangle))
	if t.hatched {
		hatch(*c, c.Rectangle)
	}
}

// band fills between Lo and Hi (the ±1σ envelope) at the X values.
type band struct {
	X, Lo, Hi []float64
	Color     color.Color
}

func (b *band) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	var pts []vg.Point
	for i := range b.X {
		pts = append(pts, vg.Point{X: tx(b.X[i]), Y: ty(b.Hi[i])})
	}
	for i := len(b.X) - 1; i >= 0; i-- {
		pts = append(pts, vg.Point{X: tx(b.X[i]), Y: ty(b.Lo[i])})
	}
	c.FillPolygon(b.Color, c.ClipPolygonXY(pts))
}

func (b *band) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := range b.X {
		xmin, xmax = math.Min(xmin, b.X[i]), math.Max(xmax, b.X[i])
		ymin, ymax = math.Min(ymin, b.Lo[i]), math.Max(ymax, b.Hi[i])
	}
	return
}

// spans shades the X intervals [x−½, x+½] over the whole height: the
// provisional months.
type spans struct {
	X     []float64
	Color color.Color
}

func (s *spans) Plot(c draw.Canvas, p *plot.Plot) {
	tx, _ := p.Transforms(&c)
	for _, x := range s.X {
		r := vg.Rectangle{Min: vg.Point{X: tx(x - 0.5), Y: c.Min.Y}, Max: vg.Point{X: tx(x + 0.5), Y: c.Max.Y}}
		c.FillPolygon(s.Color, rectPts(r))
		hatch(c, r)
	}
}

// zeroLine marks y = 0 (x = 0 when vertical).
type zeroLine struct{ vertical bool }

func (z zeroLine) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	sty := draw.LineStyle{Color: color.Black, Width: vg.Points(0.8)}
	if z.vertical {
		c.StrokeLine2(sty, tx(0), c.Min.Y, tx(0), c.Max.Y)
		return
	}
	c.StrokeLine2(sty, c.Min.X, ty(0), c.Max.X, ty(0))
}

// labelTicks puts a labelled tick at each given value.
type labelTicks struct {
	at     []float64
	labels []string
}

func (l labelTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for i, v := range l.at {
		if v >= lo && v <= hi {
			ts = append(ts, plot.Tick{Value: v, Label: l.labels[i]})
		}
	}
	return ts
}

// newLegend is a legend for the key strip: top left, thumbnails wide
// enough to show hatching.
func newLegend() plot.Legend {
	l := plot.NewLegend()
	l.Top, l.Left = true, true
	l.ThumbnailWidth = vg.Points(16)
	l.Padding = vg.Points(3)
	l.TextStyle.Font.Size = vg.Points(10)
	return l
}

// keyCanvas is the key strip less a margin, so legend text never touches
// the plot's frame.
func keyCanvas(c draw.Canvas) draw.Canvas {
	return draw.Crop(c, vg.Points(8), -vg.Points(4), vg.Points(4), -vg.Points(24))
}
