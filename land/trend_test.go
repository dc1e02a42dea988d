package land

import (
	"math"
	"testing"
)

// normal returns XᵀX and Xᵀy for the rows of X and y = X·beta.
func normal(x [][nTrendWeights]float64, beta [nTrendWeights]float64) (a [nTrendWeights][nTrendWeights]float64, b [nTrendWeights]float64) {
	for _, row := range x {
		var y float64
		for k := range nTrendWeights {
			y += row[k] * beta[k]
		}
		for i := range nTrendWeights {
			b[i] += row[i] * y
			for j := range nTrendWeights {
				a[i][j] += row[i] * row[j]
			}
		}
	}
	return a, b
}

// TestSolve: the normal equations of a known problem give back its
// slopes; a regressor that repeats another gets none of the weight the
// two cannot be told apart by; no variation gives zeros.
func TestSolve(t *testing.T) {
	want := [nTrendWeights]float64{0.5, -0.3}
	got := solve(normal([][nTrendWeights]float64{{1, 0}, {0, 2}, {1, 1}, {3, 1}}, want))
	for k := range got {
		// 1e-12: a 2×2 system of small integers.
		if math.Abs(got[k]-want[k]) > 1e-12 {
			t.Fatalf("solve = %v, want %v", got, want)
		}
	}
	got = solve(normal([][nTrendWeights]float64{{1, 1}, {2, 2}, {3, 3}}, [nTrendWeights]float64{0.7, 0}))
	if math.Abs(got[0]-0.7) > 1e-9 || got[1] != 0 {
		t.Errorf("collinear: solve = %v, want {0.7, 0}", got)
	}
	if got := solve([nTrendWeights][nTrendWeights]float64{}, [nTrendWeights]float64{}); got != [nTrendWeights]float64{} {
		t.Errorf("no variation: solve = %v, want zeros", got)
	}
}
