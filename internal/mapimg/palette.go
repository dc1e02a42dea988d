package mapimg

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/palette"
)

// rdBu is ColorBrewer's 11-class RdBu, blue end first (Cynthia Brewer,
// colorbrewer2.org, Apache 2.0): a diverging scheme ColorBrewer marks as
// safe for colour-blind readers, with a light neutral centre so a zero
// flux reads as "nothing". The dashboard's app.js uses the same stops.
var rdBu = [...]color.RGBA{
	{0x05, 0x30, 0x61, 255}, {0x21, 0x66, 0xac, 255}, {0x43, 0x93, 0xc3, 255}, {0x92, 0xc5, 0xde, 255},
	{0xd1, 0xe5, 0xf0, 255}, {0xf7, 0xf7, 0xf7, 255}, {0xfd, 0xdb, 0xc7, 255}, {0xf4, 0xa5, 0x82, 255},
	{0xd6, 0x60, 0x4d, 255}, {0xb2, 0x18, 0x2b, 255}, {0x67, 0x00, 0x1f, 255},
}

// Missing is the colour of cells without a value (land on an ocean map,
// ocean on a land map): a mid grey no diverging colour comes close to.
var Missing = color.RGBA{0x9a, 0x9a, 0x9a, 255}

// Diverging maps -1..1 to blue..white..red by linear interpolation of the
// RdBu stops; values outside are clamped.
func Diverging(t float64) color.RGBA {
	t = math.Max(-1, math.Min(1, t))
	x := (t + 1) / 2 * float64(len(rdBu)-1)
	i := int(x)
	if i >= len(rdBu)-1 {
		return rdBu[len(rdBu)-1]
	}
	f := x - float64(i)
	a, b := rdBu[i], rdBu[i+1]
	mix := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + f*(float64(q)-float64(p)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

// colorMap is Diverging as a gonum palette.ColorMap over -lim..lim, for
// the colorbar.
type colorMap struct{ min, max float64 }

var _ palette.ColorMap = (*colorMap)(nil)

func (m *colorMap) At(v float64) (color.Color, error) {
	if v < m.min || v > m.max {
		return nil, fmt.Errorf("mapimg: %g outside the colour scale %g..%g", v, m.min, m.max)
	}
	lim := math.Max(math.Abs(m.min), math.Abs(m.max))
	return Diverging(v / lim), nil
}
func (m *colorMap) Max() float64       { return m.max }
func (m *colorMap) SetMax(v float64)   { m.max = v }
func (m *colorMap) Min() float64       { return m.min }
func (m *colorMap) SetMin(v float64)   { m.min = v }
func (m *colorMap) Alpha() float64     { return 1 }
func (m *colorMap) SetAlpha(a float64) {}
func (m *colorMap) Palette(n int) palette.Palette {
	cs := make([]color.Color, n)
	for i := range cs {
		cs[i] = Diverging(-1 + 2*float64(i)/float64(max(n-1, 1)))
	}
	return colors(cs)
}

type colors []color.Color

func (c colors) Colors() []color.Color { return c }
