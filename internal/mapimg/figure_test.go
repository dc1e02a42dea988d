package mapimg

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"os"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestMapFigure: the map figure has its colorbar below the map, not on
// it; the colorbar holds both ends of the diverging scale (blue and red)
// and the map's ocean has the coastline's black drawn over it.
func TestMapFigure(t *testing.T) {
	g := grid.MustNew(2)
	o, err := OutlineOf(g)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float32, g.Cells())
	for i := range v {
		_, lon := g.Centre(i)
		v[i] = float32(lon / 18) // west negative, east positive
		if o.Country[i] >= 0 {
			v[i] = float32(math.NaN())
		}
	}
	m := Map{Grid: g, Values: v, Title: "Ocean flux, 2024-03", Units: "g C per m² per month", Outline: o}
	b, l, err := m.Figure().PNG()
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("CARBONBUDGET_FIGURE_DIR"); dir != "" {
		os.WriteFile(dir+"/map.png", b, 0o644)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if l.Overlap() {
		t.Fatalf("colorbar %v overlaps the map %v", l.Key, l.Data)
	}
	data, key := l.Pixels(l.Data), l.Pixels(l.Key)
	if key.Min.Y < data.Max.Y {
		t.Errorf("colorbar (pixels %v) is not below the map (%v)", key, data)
	}
	if w, h := data.Dx(), data.Dy(); math.Abs(float64(w)/float64(h)-2) > 0.05 {
		t.Errorf("map area %dx%d px: not the plate carrée's 2:1", w, h)
	}
	if !has(img, key, isBlue) || !has(img, key, isRed) {
		t.Error("the colorbar area lacks the blue or the red end of the scale")
	}
	if !has(img, data, isBlack) {
		t.Error("the map has no coastline drawn")
	}
	if !has(img, data, isRed) || !has(img, data, isBlue) {
		t.Error("the map area lacks the field's colours")
	}
	svg, _, err := m.Figure().SVG()
	if err != nil || !bytes.Contains(svg, []byte("Ocean flux, 2024-03")) || !bytes.Contains(svg, []byte("month")) {
		t.Errorf("SVG map (%d bytes, %v) lacks its title or units", len(svg), err)
	}
}

// TestOutlineLines: the 2° grid's outline has coastlines and borders,
// all on cell edges, and Brazil's cells carry Brazil.
func TestOutlineLines(t *testing.T) {
	g := grid.MustNew(2)
	o, err := OutlineOf(g)
	if err != nil {
		t.Fatal(err)
	}
	coast, border := o.Lines()
	if len(coast) < 200 || len(border) < 100 {
		t.Errorf("%d coastline and %d border segments: too few for the world", len(coast), len(border))
	}
	for _, s := range append(coast, border...) {
		if math.Mod(s.Lon0+180, 2) != 0 || math.Mod(s.Lat0+90, 2) != 0 || (s.Lon0 != s.Lon1 && s.Lat0 != s.Lat1) {
			t.Fatalf("segment %+v is not along the 2° cell edges", s)
		}
	}
	// 10°S 52°W is inland Brazil.
	row, col := int((90+10)/2), int((180-52)/2)
	if k := o.Country[g.Index(row, col)]; k < 0 || o.IDs[k] != "BRA" {
		t.Errorf("cell at 10°S 52°W: country %d, want BRA", k)
	}
}

func has(img image.Image, r image.Rectangle, pred func(r, g, b uint32) bool) bool {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if pred(cr>>8, cg>>8, cb>>8) {
				return true
			}
		}
	}
	return false
}

func isBlue(r, g, b uint32) bool  { return b > 150 && r < 60 }
func isRed(r, g, b uint32) bool   { return r > 150 && b < 60 }
func isBlack(r, g, b uint32) bool { return r < 20 && g < 20 && b < 20 }
