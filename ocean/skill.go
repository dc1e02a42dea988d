package ocean

import (
	"context"
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// MemberSkill is a member's skill on its held-out year over every cell
// with a target value.
type MemberSkill struct {
	HeldOutYear int     `json:"held_out_year"`
	Rows        int     `json:"rows"` // cell-months scored
	R2          float64 `json:"r2"`
	RMSE        float64 `json:"rmse"` // target units
	Bias        float64 `json:"bias"` // mean predicted − true, target units
	// AnnualTrueGtC and AnnualPredictedGtC are the held-out year's global
	// sums Σ value·area·oceanFraction over the cells with a target value,
	// for flux targets (GOBMs); 0 for the reconstruction, whose target
	// (ΔpCO2 on ship cells) has no global sum.
	AnnualTrueGtC      float64 `json:"annual_true_gtc"`
	AnnualPredictedGtC float64 `json:"annual_predicted_gtc"`
}

// scoreMember predicts the held-out months of a member on the cells with
// a target value and compares with the full target.
func scoreMember(ctx context.Context, d drivers, mm *Model, target string, months []grid.Month, heldOut int, g grid.Grid, oceanFrac []float32) (MemberSkill, error) {
	sk := MemberSkill{HeldOutYear: heldOut}
	b, err := emulator.NewBuilder(g, Features(), d)
	if err != nil {
		return sk, err
	}
	var sumErr, sumErrSq float64
	var truth welfordAcc
	areas := g.RowAreasM2()
	for _, m := range months {
		if m.Year != heldOut {
			continue
		}
		if err := ctx.Err(); err != nil {
			return sk, err
		}
		pred, t, cells, err := predictTargetCells(d, b, mm, target, m)
		if err != nil {
			return sk, fmt.Errorf("score %s: %w", mm.Name, err)
		}
		for k, c := range cells {
			p, y := float64(pred[k]), float64(t[c])
			sumErr += p - y
			sumErrSq += (p - y) * (p - y)
			truth.add(y)
			if mm.Kind == KindGOBM {
				w := areas[c/g.NLon] * float64(oceanFrac[c]) / gramsPerGt
				sk.AnnualTrueGtC += y * w
				sk.AnnualPredictedGtC += p * w
			}
		}
	}
	if truth.n == 0 {
		return sk, fmt.Errorf("score %s: no target values in %d", mm.Name, heldOut)
	}
	sk.Rows = int(truth.n)
	sk.RMSE = math.Sqrt(sumErrSq / truth.n)
	sk.Bias = sumErr / truth.n
	sk.R2 = 1 - sumErrSq/truth.m2
	return sk, nil
}

// predictTargetCells predicts member mm on the cells of month m that have
// a target value.
func predictTargetCells(d drivers, b *emulator.Builder, mm *Model, target string, m grid.Month) (pred, t []float32, cells []int, err error) {
	f, err := d.Field(m, target)
	if err != nil {
		return nil, nil, nil, err
	}
	for c, v := range f.Values {
		if v == v {
			cells = append(cells, c)
		}
	}
	x, nrow, _, err := b.Rows(m, cells)
	if err != nil {
		return nil, nil, nil, err
	}
	pred, err = mm.Emulator.PredictRows(x, nrow, Features().Names())
	if err != nil {
		return nil, nil, nil, err
	}
	return pred, f.Values, cells, nil
}

// welfordAcc accumulates a mean and the sum of squared deviations.
type welfordAcc struct{ n, mean, m2 float64 }

func (a *welfordAcc) add(x float64) {
	a.n++
	d := x - a.mean
	a.mean += d / a.n
	a.m2 += d * (x - a.mean)
}
