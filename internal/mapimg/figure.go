package mapimg

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/carbonbudget/carbonbudget/internal/figure"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// A Map is a global field to draw as a figure: the values on an
// equirectangular map with coastlines and borders, a title, and a
// horizontal diverging colorbar centred on zero with its units below.
type Map struct {
	Grid   grid.Grid
	Values []float32 // per cell, row 0 north; NaN is drawn as Missing
	Title  string    // e.g. "Land flux anomaly, 2024-03"
	// Units label the colorbar, e.g. "g C per m² per month, + to the
	// atmosphere": the embedded Liberation fonts have no superscript minus.
	Units string
	// LimitQuantile clips the colour scale at this quantile of |value|
	// (0 means 0.98), so one extreme cell does not wash out the map.
	LimitQuantile float64
	// Outline draws coastlines and borders; nil draws none.
	Outline *Outline
}

// Limit is the value at which the map's colour scale saturates.
func (m Map) Limit() float64 {
	q := m.LimitQuantile
	if q == 0 {
		q = 0.98
	}
	return limit(m.Values, q)
}

// Figure lays the map out 20 cm wide: title, map, colorbar.
func (m Map) Figure() figure.Figure {
	return figure.Figure{Width: 20 * vg.Centimeter, Height: 13 * vg.Centimeter, Draw: m.draw}
}

func (m Map) draw(c draw.Canvas) (figure.Layout, error) {
	if len(m.Values) != m.Grid.Cells() {
		return figure.Layout{}, fmt.Errorf("map %q: %d values for a grid of %d cells", m.Title, len(m.Values), m.Grid.Cells())
	}
	lim := m.Limit()
	dataC, keyC := figure.SplitBottom(c, 2.6*vg.Centimeter)

	p := plot.New()
	p.Title.Text = m.Title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -180, 180, -90, 90
	p.X.Label.Text, p.Y.Label.Text = "longitude (°E)", "latitude (°N)"
	p.X.Tick.Marker = degreeTicks{60}
	p.Y.Tick.Marker = degreeTicks{30}
	p.Add(&cells{img: m.image(lim)})
	if m.Outline != nil {
		coast, border := m.Outline.Lines()
		p.Add(&lines{segs: border, style: draw.LineStyle{Color: color.RGBA{90, 90, 90, 255}, Width: vg.Points(0.35)}})
		p.Add(&lines{segs: coast, style: draw.LineStyle{Color: color.Black, Width: vg.Points(0.6)}})
	}
	// Keep the plate carrée's 2:1 shape: pad the data canvas sideways.
	p.Draw(squareUp(p, dataC))

	bar := plot.New()
	bar.HideY()
	bar.X.Label.Text = m.Units
	bar.X.Min, bar.X.Max = -lim, lim
	bar.Add(&plotter.ColorBar{ColorMap: &colorMap{min: -lim, max: lim}, Colors: 101})
	barC := draw.Crop(keyC, keyC.Size().X*0.15, -keyC.Size().X*0.15, 0, -vg.Points(4))
	bar.Draw(barC)
	return figure.Layout{Data: p.DataCanvas(squareUp(p, dataC)).Rectangle, Key: keyC.Rectangle}, nil
}

// squareUp crops c at left and right so the plot's data area is twice as
// wide as it is high.
func squareUp(p *plot.Plot, c draw.Canvas) draw.Canvas {
	da := p.DataCanvas(c).Rectangle.Size()
	if excess := da.X - 2*da.Y; excess > 0 {
		return draw.Crop(c, excess/2, -excess/2, 0, 0)
	}
	return c
}

// image draws one pixel per cell, repeated so the grid stays sharp when
// the figure is scaled (image interpolation would blur the cell edges).
func (m Map) image(lim float64) image.Image {
	nlon, nlat := m.Grid.NLon, m.Grid.NLat
	s := max(1, 1440/nlon)
	img := image.NewRGBA(image.Rect(0, 0, nlon*s, nlat*s))
	for i, x := range m.Values {
		c := Missing
		if x == x {
			c = Diverging(float64(x) / lim)
		}
		row, col := i/nlon, i%nlon
		for dy := range s {
			for dx := range s {
				img.SetRGBA(col*s+dx, row*s+dy, c)
			}
		}
	}
	return img
}

// cells is the map's raster as a plotter.
type cells struct{ img image.Image }

func (c *cells) Plot(dc draw.Canvas, p *plot.Plot) {
	x, y := p.Transforms(&dc)
	dc.DrawImage(vg.Rectangle{Min: vg.Point{X: x(-180), Y: y(-90)}, Max: vg.Point{X: x(180), Y: y(90)}}, c.img)
}

func (c *cells) DataRange() (xmin, xmax, ymin, ymax float64) { return -180, 180, -90, 90 }

// lines strokes outline segments.
type lines struct {
	segs  []Segment
	style draw.LineStyle
}

func (l *lines) Plot(dc draw.Canvas, p *plot.Plot) {
	x, y := p.Transforms(&dc)
	pts := make([][]vg.Point, len(l.segs))
	for i, s := range l.segs {
		pts[i] = []vg.Point{{X: x(s.Lon0), Y: y(s.Lat0)}, {X: x(s.Lon1), Y: y(s.Lat1)}}
	}
	dc.StrokeLines(l.style, pts...)
}

// degreeTicks marks every step degrees.
type degreeTicks struct{ step float64 }

func (d degreeTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for v := math.Ceil(lo/d.step) * d.step; v <= hi; v += d.step {
		ts = append(ts, plot.Tick{Value: v, Label: fmt.Sprintf("%g", v)})
	}
	return ts
}
