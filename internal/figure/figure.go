// Package figure lays out and encodes carbonbudget's charts: a data panel
// and its key (a legend or a colorbar) in separate, non-overlapping parts
// of the canvas, drawn once and encoded as PNG and as SVG.
//
// Lengths are vg points (1/72 inch) with the origin at the bottom left, as
// gonum/plot draws; Layout.Pixels converts a rectangle to the pixels of
// the PNG (origin top left) so tests can look at what was drawn where.
package figure

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DPI is the resolution of the PNGs: 150 dots per inch reads well on a
// screen and in print at the figures' 16–24 cm width.
const DPI = 150

// Layout says where a figure put its data and its key.
type Layout struct {
	Width, Height vg.Length
	Data          vg.Rectangle // the plotted data (inside the axes)
	Key           vg.Rectangle // the legend or colorbar, with its labels
}

// Pixels converts r, a rectangle of the figure in points, to PNG pixels
// at DPI (y grows downwards in an image).
func (l Layout) Pixels(r vg.Rectangle) image.Rectangle {
	s := float64(DPI) / 72
	h := float64(l.Height) * s
	px := func(v float64) int { return int(math.Round(v)) }
	return image.Rect(px(float64(r.Min.X)*s), px(h-float64(r.Max.Y)*s), px(float64(r.Max.X)*s), px(h-float64(r.Min.Y)*s))
}

// Overlap reports whether the data and the key share any area.
func (l Layout) Overlap() bool {
	d, k := l.Data, l.Key
	return d.Min.X < k.Max.X && k.Min.X < d.Max.X && d.Min.Y < k.Max.Y && k.Min.Y < d.Max.Y
}

// A Figure is a chart of a fixed size drawn by Draw, which returns where
// it put the data and the key.
type Figure struct {
	Width, Height vg.Length
	Draw          func(c draw.Canvas) (Layout, error)
}

// PNG draws the figure on a white background at DPI.
func (f Figure) PNG() ([]byte, Layout, error) {
	c := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(color.White))
	l, err := f.draw(c)
	if err != nil {
		return nil, l, err
	}
	// BestSpeed: a month's report in 0.48 s instead of 0.79 s at 1°
	// (BenchmarkWrite in internal/report) for PNGs 3–21 % larger.
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, c.Image()); err != nil {
		return nil, l, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), l, nil
}

// SVG draws the figure as SVG (fonts embedded by name, images inline).
func (f Figure) SVG() ([]byte, Layout, error) {
	c := vgsvg.New(f.Width, f.Height)
	// vgsvg starts transparent; paint the page white like the PNG.
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	l, err := f.draw(c)
	if err != nil {
		return nil, l, err
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, l, fmt.Errorf("encode svg: %w", err)
	}
	return buf.Bytes(), l, nil
}

func (f Figure) draw(c vg.CanvasSizer) (Layout, error) {
	l, err := f.Draw(draw.New(c))
	l.Width, l.Height = f.Width, f.Height
	if err == nil && l.Overlap() {
		err = fmt.Errorf("figure layout: key %v overlaps data %v", l.Key, l.Data)
	}
	return l, err
}

// gap separates the data part from the key, so tick labels at the edge
// of the data do not run into the key.
const gap = 8 * vg.Millimeter / 2

// SplitRight cuts a strip of width w off the right of c for the key.
func SplitRight(c draw.Canvas, w vg.Length) (data, key draw.Canvas) {
	return draw.Crop(c, 0, -w-gap, 0, 0), draw.Crop(c, c.Size().X-w, 0, 0, 0)
}

// SplitBottom cuts a strip of height h off the bottom of c for the key.
func SplitBottom(c draw.Canvas, h vg.Length) (data, key draw.Canvas) {
	return draw.Crop(c, 0, 0, h+gap, 0), draw.Crop(c, 0, 0, 0, h-c.Size().Y)
}
