// Package mapimg draws a field of a global regular grid as a map figure
// with a diverging blue–white–red scale (ColorBrewer RdBu, safe for
// colour-blind readers) symmetric about zero: the picture of a flux or an
// anomaly that the report and the server share. Map.Figure adds a title,
// coastlines and borders from the committed Natural Earth masks (Outline)
// and a colorbar with units.
package mapimg

import (
	"math"
	"sort"
)

// limit is the q-quantile of |value| over the cells with a value: where
// the colour scale saturates, so one extreme cell does not wash out the
// map. 1 when no cell has a value.
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
