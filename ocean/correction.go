package ocean

import (
	"math"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// The month's ship data correct the reconstruction where they can: the
// trees predict ΔpCO2 from the drivers, which cannot know the month's
// weather of surface pCO2 (large-scale anomalies lasting a few months),
// and the ship cells measure it. The residuals (ship − predicted) are
// spread by a Gaussian kernel (an objective analysis, as in the second
// step of residual-interpolating products) and added to the prediction.
// Far from any ship cell the correction fades to zero: the kernel sum is
// shrunk towards 0 by a prior worth correctionPrior observations.
const (
	// DefaultCorrectionLengthKm is the e-folding half-width of the kernel:
	// the scale of monthly surface pCO2 anomalies (about a thousand
	// kilometres; Jones et al. 2012, GBC 26, GB2042, report decorrelation
	// lengths of several hundred to 1,500 km).
	DefaultCorrectionLengthKm = 1000
	correctionPrior           = 10
	// correctionCellDeg is the coarse grid the kernel is evaluated on and
	// the residuals are pooled on before being interpolated bilinearly to
	// the analysis grid: the kernel is smooth on that scale, and it keeps
	// the cost independent of the analysis resolution.
	correctionCellDeg = 4
)

// shipCorrection returns the kernel-spread residual for each of cells
// (same order), from residuals at ship cells of g. residual[i] is NaN
// where cell i has no ship value.
func shipCorrection(g grid.Grid, residual []float32, cells []int, lengthKm, prior float64) []float32 {
	cg := grid.Global(correctionCellDeg)
	sum, n := make([]float64, cg.Cells()), make([]float64, cg.Cells())
	for i, r := range residual {
		if r != r {
			continue
		}
		c, ok := cg.Locate(g.Centre(i))
		if !ok {
			continue
		}
		sum[c] += float64(r)
		n[c]++
	}
	coarse := kernelSpread(cg, sum, n, lengthKm, prior)
	out := make([]float32, len(cells))
	for k, c := range cells {
		lat, lon := g.Centre(c)
		v := cg.Bilinear(coarse, lat, lon)
		if !math.IsNaN(v) {
			out[k] = float32(v)
		}
	}
	return out
}

// kernelSpread evaluates Σ w·sum / (Σ w·n + prior) at every coarse cell,
// with w = exp(−d²/2L²) over the great-circle chord d.
func kernelSpread(cg grid.Grid, sum, n []float64, lengthKm, prior float64) []float32 {
	type obs struct{ x, y, z, sum, n float64 }
	var data []obs
	unit := func(i int) (x, y, z float64) {
		lat, lon := cg.Centre(i)
		la, lo := lat*math.Pi/180, lon*math.Pi/180
		return math.Cos(la) * math.Cos(lo), math.Cos(la) * math.Sin(lo), math.Sin(la)
	}
	for i := range sum {
		if n[i] > 0 {
			x, y, z := unit(i)
			data = append(data, obs{x, y, z, sum[i], n[i]})
		}
	}
	out := make([]float32, cg.Cells())
	if len(data) == 0 {
		return out
	}
	l := lengthKm * 1e3 / grid.EarthRadiusM // on the unit sphere
	inv := 1 / (2 * l * l)
	cutoff := 9 * 2 * l * l // beyond 3 L² the weight is below 1e-4 of the peak
	for i := range out {
		x, y, z := unit(i)
		var num, den float64
		for _, o := range data {
			dx, dy, dz := x-o.x, y-o.y, z-o.z
			d2 := dx*dx + dy*dy + dz*dz
			if d2 > cutoff {
				continue
			}
			w := math.Exp(-d2 * inv)
			num += w * o.sum
			den += w * o.n
		}
		out[i] = float32(num / (den + prior))
	}
	return out
}
