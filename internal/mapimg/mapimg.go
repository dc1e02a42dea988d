// Package mapimg draws a field of a global regular grid as a map with a
// diverging blue–white–red scale (ColorBrewer RdBu, safe for colour-blind
// readers) symmetric about zero: the picture of a flux or an anomaly that
// the report and the dashboard share. Map.Figure adds a title,
// coastlines and borders from the committed Natural Earth masks and a
// colorbar with units; Render is the bare raster.
package mapimg

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"sort"
)

// Options tunes Render.
type Options struct {
	// LimitQuantile clips the colour scale at this quantile of |value|
	// (0 means 0.98), so one extreme cell does not wash out the map.
	LimitQuantile float64
	// Scale is the pixel size of a cell; 0 picks 2 below 720 columns, else 1.
	Scale int
}

// Render draws values (one per cell, row-major, row 0 north) of a grid
// with nlon columns. NaN cells are grey. It returns PNG bytes and the
// value at which the colour scale saturates.
func Render(values []float32, nlon int, opt Options) ([]byte, float64, error) {
	nlat := len(values) / nlon
	scale := opt.Scale
	if scale == 0 {
		scale = 2
		if nlon >= 720 {
			scale = 1
		}
	}
	q := opt.LimitQuantile
	if q == 0 {
		q = 0.98
	}
	lim := limit(values, q)
	img := image.NewRGBA(image.Rect(0, 0, nlon*scale, nlat*scale))
	for i, x := range values {
		c := Missing
		if x == x {
			c = Diverging(math.Max(-1, math.Min(1, float64(x)/lim)))
		}
		row, col := i/nlon, i%nlon
		for dy := 0; dy < scale; dy++ {
			for dx := 0; dx < scale; dx++ {
				img.SetRGBA(col*scale+dx, row*scale+dy, c)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), lim, nil
}

func limit(values []float32, q float64) float64 {
	var abs []float64
	for _, x := range values {
		if x == x {
			abs = append(abs, math.Abs(float64(x)))
		}
	}
	if len(abs) == 0 {
		return 1
	}
	sort.Float64s(abs)
	return math.Max(abs[int(q*float64(len(abs)-1))], 1e-12)
}
