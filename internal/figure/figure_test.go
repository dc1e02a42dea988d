package figure

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// TestSplitAndPixels: the key strip and the data part of a split canvas
// do not overlap, and Pixels puts a rectangle where the PNG has it (y
// flipped, at DPI).
func TestSplitAndPixels(t *testing.T) {
	red := color.RGBA{255, 0, 0, 255}
	f := Figure{Width: 4 * vg.Inch, Height: 2 * vg.Inch, Draw: func(c draw.Canvas) (Layout, error) {
		data, key := SplitRight(c, 1*vg.Inch)
		key.FillPolygon(red, []vg.Point{key.Min, {X: key.Max.X, Y: key.Min.Y}, key.Max, {X: key.Min.X, Y: key.Max.Y}})
		return Layout{Data: data.Rectangle, Key: key.Rectangle}, nil
	}}
	b, l, err := f.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, _ := png.Decode(bytes.NewReader(b))
	if got := img.Bounds(); got != image.Rect(0, 0, 4*DPI, 2*DPI) {
		t.Fatalf("image %v, want 4×2 in at %d dpi", got, DPI)
	}
	key := l.Pixels(l.Key)
	if want := image.Rect(3*DPI, 0, 4*DPI, 2*DPI); key != want {
		t.Errorf("key in pixels %v, want %v", key, want)
	}
	if r, g, _, _ := img.At(key.Min.X+5, key.Max.Y-5).RGBA(); r>>8 != 255 || g>>8 != 0 {
		t.Error("the key's pixels are not where Pixels says")
	}
	if r, g, _, _ := img.At(key.Min.X-5, key.Max.Y-5).RGBA(); r>>8 != 255 || g>>8 != 255 {
		t.Error("the key spilled into the data part")
	}
	if l.Overlap() {
		t.Errorf("split parts overlap: data %v, key %v", l.Data, l.Key)
	}
	svg, _, err := f.SVG()
	if err != nil || !strings.Contains(string(svg), "<svg") {
		t.Errorf("SVG: %v", err)
	}
}

// TestOverlapRefused: a figure whose key lies on its data is an error,
// not a picture.
func TestOverlapRefused(t *testing.T) {
	f := Figure{Width: vg.Inch, Height: vg.Inch, Draw: func(c draw.Canvas) (Layout, error) {
		return Layout{Data: c.Rectangle, Key: draw.Crop(c, c.Size().X/2, 0, 0, 0).Rectangle}, nil
	}}
	if _, _, err := f.PNG(); err == nil || !strings.Contains(err.Error(), "overlaps") {
		t.Errorf("overlapping key: err %v, want an overlap error", err)
	}
}
