package nowcast

import (
	"errors"
	"math"
)

var errSingular = errors.New("singular regression: the predictors are collinear over the training years")

// fitOLS returns the least-squares coefficients b of y ≈ X·b and the root
// mean square of the residuals, by the normal equations; the design matrices
// here have at most four columns of well-scaled predictors, so forming XᵀX
// loses nothing that matters.
func fitOLS(x [][]float64, y []float64) (b []float64, rms float64, err error) {
	p := len(x[0])
	a := make([][]float64, p)
	for i := range a {
		a[i] = make([]float64, p+1)
	}
	for r, row := range x {
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				a[i][j] += row[i] * row[j]
			}
			a[i][p] += row[i] * y[r]
		}
	}
	b, err = solve(a)
	if err != nil {
		return nil, 0, err
	}
	var ss float64
	for r, row := range x {
		d := y[r] - dot(row, b)
		ss += d * d
	}
	return b, math.Sqrt(ss / float64(len(y))), nil
}

// solve solves the augmented system a (p rows, p+1 columns) by Gaussian
// elimination with partial pivoting.
func solve(a [][]float64) ([]float64, error) {
	p := len(a)
	for c := 0; c < p; c++ {
		piv := c
		for r := c + 1; r < p; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[piv][c]) {
				piv = r
			}
		}
		if math.Abs(a[piv][c]) < 1e-12 {
			return nil, errSingular
		}
		a[c], a[piv] = a[piv], a[c]
		for r := c + 1; r < p; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k <= p; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	b := make([]float64, p)
	for r := p - 1; r >= 0; r-- {
		s := a[r][p]
		for k := r + 1; k < p; k++ {
			s -= a[r][k] * b[k]
		}
		b[r] = s / a[r][r]
	}
	return b, nil
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
