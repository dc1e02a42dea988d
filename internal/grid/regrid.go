package grid

import (
	"fmt"
	"math"
)

// Regridder holds first-order conservative remapping weights from one
// regular grid to another. Because both grids are regular, the overlap area
// of a source and a destination cell factorises into a latitude part
// (R² · Δsin φ) and a longitude part (Δλ), so the weights are two short
// lists per destination row and column instead of a sparse matrix with one
// entry per cell pair. Compute a Regridder once and apply it to every field
// on the same pair of grids.
type Regridder struct {
	Src, Dst Grid
	lat      [][]overlap // per destination row: source rows and Δsin φ of overlap
	lon      [][]overlap // per destination column: source columns and overlap in radians
	dstArea  []float64   // destination cell area per row / R², for coverage
}

type overlap struct {
	idx int
	w   float64
}

// NewRegridder computes conservative weights from src to dst. It fails only
// when the grids do not overlap at all.
func NewRegridder(src, dst Grid) (*Regridder, error) {
	rg := &Regridder{Src: src, Dst: dst,
		lat: make([][]overlap, dst.NLat), lon: make([][]overlap, dst.NLon), dstArea: make([]float64, dst.NLat)}
	any := false
	for rd := range rg.lat {
		n, s := dst.LatEdges(rd)
		rg.dstArea[rd] = (sinDeg(n) - sinDeg(s)) * dst.DLon * math.Pi / 180
		// Source rows overlapping [s, n]; rows are sorted north to south.
		first := int(math.Floor((src.North - n) / src.DLat))
		last := int(math.Ceil((src.North - s) / src.DLat))
		for rs := max(first, 0); rs < min(last+1, src.NLat); rs++ {
			sn, ss := src.LatEdges(rs)
			if w := sinDeg(math.Min(n, sn)) - sinDeg(math.Max(s, ss)); w > 1e-15 {
				rg.lat[rd] = append(rg.lat[rd], overlap{rs, w})
				any = true
			}
		}
	}
	for cd := range rg.lon {
		w, e := dst.LonEdges(cd)
		rg.lon[cd] = lonOverlaps(src, w, e)
	}
	if !any {
		return nil, fmt.Errorf("regrid %v to %v: grids do not overlap", src, dst)
	}
	return rg, nil
}

// lonOverlaps lists the source columns overlapping [w, e] and the overlap in
// radians, taking the 360° periodicity into account (a 0..360 source and a
// -180..180 destination overlap everywhere).
func lonOverlaps(src Grid, w, e float64) []overlap {
	var out []overlap
	for _, shift := range []float64{-360, 0, 360} {
		lo, hi := w+shift, e+shift
		first := int(math.Floor((lo - src.West) / src.DLon))
		last := int(math.Ceil((hi - src.West) / src.DLon))
		for cs := max(first, 0); cs < min(last+1, src.NLon); cs++ {
			sw, se := src.LonEdges(cs)
			if ov := math.Min(hi, se) - math.Max(lo, sw); ov > 1e-12 {
				out = append(out, overlap{cs, ov * math.Pi / 180})
			}
		}
	}
	return out
}

// Apply remaps src values (on rg.Src) to a new slice on rg.Dst. NaN source
// cells are left out and the weights of the rest renormalised, so the
// result is the mean over the valid part of each destination cell. coverage
// (optional, length Dst.Cells()) receives the fraction of each destination
// cell covered by valid source cells; a cell with no coverage is NaN.
func (rg *Regridder) Apply(src []float32, coverage []float32) []float32 {
	dst := make([]float32, rg.Dst.Cells())
	num := make([]float64, rg.Dst.NLon)
	den := make([]float64, rg.Dst.NLon)
	sn := rg.Src.NLon
	for rd := range rg.lat {
		clear(num)
		clear(den)
		for _, lr := range rg.lat[rd] {
			row := src[lr.idx*sn : (lr.idx+1)*sn]
			for cd, lons := range rg.lon {
				var s, a float64
				for _, lc := range lons {
					if v := row[lc.idx]; v == v {
						s += float64(v) * lc.w
						a += lc.w
					}
				}
				num[cd] += s * lr.w
				den[cd] += a * lr.w
			}
		}
		out := dst[rd*rg.Dst.NLon : (rd+1)*rg.Dst.NLon]
		for cd := range out {
			if den[cd] > 0 {
				out[cd] = float32(num[cd] / den[cd])
			} else {
				out[cd] = float32(math.NaN())
			}
			if coverage != nil {
				coverage[rd*rg.Dst.NLon+cd] = float32(math.Min(1, den[cd]/rg.dstArea[rd]))
			}
		}
	}
	return dst
}

// Bilinear samples values on g at (lat, lon) by bilinear interpolation
// between the four surrounding cell centres. Longitude wraps on grids that
// span 360°; latitudes beyond the outermost centres take the edge row. NaN
// neighbours are left out and the weights of the rest renormalised (ship
// tracks run along coasts); the result is NaN when all four are missing or
// the point lies outside a non-global grid.
func (g Grid) Bilinear(values []float32, latDeg, lonDeg float64) float64 {
	y := (g.North-latDeg)/g.DLat - 0.5
	y = math.Max(0, math.Min(float64(g.NLat-1), y))
	r0 := int(math.Floor(y))
	r1 := min(r0+1, g.NLat-1)
	fy := y - float64(r0)

	globalLon := math.Abs(float64(g.NLon)*g.DLon-360) < 1e-9
	x := lonDeg - g.West
	if globalLon {
		x = math.Mod(x, 360)
		if x < 0 {
			x += 360
		}
	}
	x = x/g.DLon - 0.5
	c0 := int(math.Floor(x))
	fx := x - float64(c0)
	c1 := c0 + 1
	if globalLon {
		c0 = (c0 + g.NLon) % g.NLon
		c1 = c1 % g.NLon
	} else if c0 < 0 || c1 >= g.NLon {
		return math.NaN()
	}
	var s, w float64
	for _, p := range [4]struct {
		r, c int
		w    float64
	}{{r0, c0, (1 - fy) * (1 - fx)}, {r0, c1, (1 - fy) * fx}, {r1, c0, fy * (1 - fx)}, {r1, c1, fy * fx}} {
		if v := values[p.r*g.NLon+p.c]; v == v && p.w > 0 {
			s += float64(v) * p.w
			w += p.w
		}
	}
	if w == 0 {
		return math.NaN()
	}
	return s / w
}

func nan64() float64 { return math.NaN() }
