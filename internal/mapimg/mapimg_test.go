package mapimg

import (
	"bytes"
	"image/png"
	"math"
	"testing"
)

func TestRender(t *testing.T) {
	nlon := 36
	v := make([]float32, 18*nlon)
	for i := range v {
		v[i] = float32(i%nlon - nlon/2) // west negative, east positive
	}
	v[0] = float32(math.NaN())
	b, lim, err := Render(v, nlon, Options{LimitQuantile: 1})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != 72 || h != 36 {
		t.Errorf("image %dx%d, want 72x36 (2 px a cell)", w, h)
	}
	if lim != 18 {
		t.Errorf("limit %g, want 18", lim)
	}
	if r, g, b, _ := img.At(0, 0).RGBA(); r != g || g != b {
		t.Error("NaN cell is not grey")
	}
	if r, _, b, _ := img.At(2, 10).RGBA(); b <= r {
		t.Error("negative values are not blue")
	}
	if r, _, b, _ := img.At(70, 10).RGBA(); r <= b {
		t.Error("positive values are not red")
	}
}
