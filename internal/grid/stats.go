package grid

import "math"

// Sum returns the area-weighted sum Σ v·area·w over cells with a value
// (NaN skipped). weights may be nil (all 1) or a fractional mask such as a
// land fraction or a region's cover. For a field in g C m-2 month-1 the
// result is g C per month. The sum runs row by row, because a regular grid's
// area depends only on the row, and accumulates in float64.
func (g Grid) Sum(values, weights []float32) float64 {
	s, _ := g.sumArea(values, weights)
	return s
}

// Mean returns the area-weighted mean Σ v·area·w / Σ area·w over cells with
// a value, and the weighted area (m²) behind it. It returns NaN for no area.
func (g Grid) Mean(values, weights []float32) (mean, areaM2 float64) {
	s, a := g.sumArea(values, weights)
	if a == 0 {
		return nan64(), 0
	}
	return s / a, a
}

// TotalAreaM2 returns Σ area·w over all cells (nil weights: the grid's area).
func (g Grid) TotalAreaM2(weights []float32) float64 {
	var total float64
	for r := 0; r < g.NLat; r++ {
		rowArea := g.RowAreaM2(r)
		if weights == nil {
			total += rowArea * float64(g.NLon)
			continue
		}
		var w float64
		for _, x := range weights[r*g.NLon : (r+1)*g.NLon] {
			w += float64(x)
		}
		total += rowArea * w
	}
	return total
}

func (g Grid) sumArea(values, weights []float32) (sum, areaM2 float64) {
	n := g.NLon
	for r := 0; r < g.NLat; r++ {
		row := values[r*n : (r+1)*n]
		var s, w float64
		if weights == nil {
			s, w = sumRow(row)
		} else {
			s, w = sumRowWeighted(row, weights[r*n:(r+1)*n])
		}
		rowArea := g.RowAreaM2(r)
		sum += s * rowArea
		areaM2 += w * rowArea
	}
	return sum, areaM2
}

// sumRow returns Σv and the count of non-NaN values. NaN is masked to 0
// with integer bit operations, because x86 has no branch-free select for
// floats and a branch mispredicts on scattered NaN; four independent
// accumulators hide the latency of float addition.
func sumRow(row []float32) (sum, count float64) {
	var s0, s1, s2, s3 float64
	var nans uint32
	i := 0
	for ; i+4 <= len(row); i += 4 {
		r := row[i : i+4 : i+4]
		x0, m0 := maskNaN(r[0])
		x1, m1 := maskNaN(r[1])
		x2, m2 := maskNaN(r[2])
		x3, m3 := maskNaN(r[3])
		s0 += float64(x0)
		s1 += float64(x1)
		s2 += float64(x2)
		s3 += float64(x3)
		nans += m0&1 + m1&1 + m2&1 + m3&1
	}
	for ; i < len(row); i++ {
		x, m := maskNaN(row[i])
		s0 += float64(x)
		nans += m & 1
	}
	return s0 + s1 + s2 + s3, float64(len(row) - int(nans))
}

// sumRowWeighted returns Σv·w and Σw over cells whose value is not NaN.
func sumRowWeighted(row, weights []float32) (sum, weight float64) {
	weights = weights[:len(row)]
	var s0, s1, a0, a1 float64
	i := 0
	for ; i+2 <= len(row); i += 2 {
		x0, m0 := maskNaN(row[i])
		x1, m1 := maskNaN(row[i+1])
		w0 := math.Float32frombits(math.Float32bits(weights[i]) &^ m0)
		w1 := math.Float32frombits(math.Float32bits(weights[i+1]) &^ m1)
		s0 += float64(x0) * float64(w0)
		s1 += float64(x1) * float64(w1)
		a0 += float64(w0)
		a1 += float64(w1)
	}
	for ; i < len(row); i++ {
		x, m := maskNaN(row[i])
		w := math.Float32frombits(math.Float32bits(weights[i]) &^ m)
		s0 += float64(x) * float64(w)
		a0 += float64(w)
	}
	return s0 + s1, a0 + a1
}

// maskNaN returns v with NaN replaced by 0, and a mask that is all ones for
// NaN and zero otherwise. A float32 is NaN when its bits without the sign
// exceed those of +Inf, 0x7f800000.
func maskNaN(v float32) (float32, uint32) {
	u := math.Float32bits(v)
	m := uint32(int32(0x7f800000-(u&0x7fffffff)) >> 31)
	return math.Float32frombits(u &^ m), m
}
