package emulator

import (
	"context"
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Skill is how well an emulator reproduced the held-out year, on every
// cell with a target value (no subsampling).
type Skill struct {
	Year int `json:"year"`
	Rows int `json:"rows"` // cell-months scored
	// R2 is 1 − Σ(p−t)²/Σ(t−mean t)² over cell-months (unweighted); 0 when
	// the truth is constant and the prediction is not.
	R2   float64 `json:"r2"`
	RMSE float64 `json:"rmse"` // target units
	Bias float64 `json:"bias"` // mean of predicted − true, target units
	// Area-weighted global sums Σ value·area·SumScale, in SumUnits, over
	// the cells with a target value.
	SumUnits string     `json:"sum_units"`
	Monthly  []MonthSum `json:"monthly"`
	// Annual sums the monthly sums, which is the annual total for targets
	// per month (g C m-2 month-1); for rates, divide by 12 for the mean.
	Annual SumError `json:"annual"`
	// MonthlySumRMSE is the root mean square of the monthly sum errors.
	MonthlySumRMSE float64 `json:"monthly_sum_rmse"`
}

// SumError compares a predicted and a true global sum.
type SumError struct {
	True      float64 `json:"true"`
	Predicted float64 `json:"predicted"`
	Error     float64 `json:"error"` // predicted − true
}

// MonthSum is one held-out month's global sum and its cell count.
type MonthSum struct {
	Month string `json:"month"` // YYYY-MM
	Rows  int    `json:"rows"`
	SumError
}

// score predicts every held-out month on all its target cells.
func score(ctx context.Context, model *Model, b *Builder, s *TrainSpec, months []grid.Month, target TargetFunc) (*Skill, error) {
	sk := &Skill{Year: s.HeldOutYear, SumUnits: s.SumUnits}
	var acc SkillAcc
	var sumErrSq float64
	for _, m := range months {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("score %s: %s: %w", s.Target, m, err)
		}
		t, err := targetValues(s, target, m)
		if err != nil {
			return nil, err
		}
		cells := validCells(s.Cells, t)
		if len(cells) == 0 {
			continue
		}
		x, nrow, ncol, err := b.Rows(m, cells)
		if err != nil {
			return nil, fmt.Errorf("score %s: %w", s.Target, err)
		}
		pred, err := model.predict(x, nrow, ncol)
		if err != nil {
			return nil, fmt.Errorf("score %s: %s: %w", s.Target, m, err)
		}
		ms := MonthSum{Month: m.String(), Rows: nrow}
		for i, c := range cells {
			acc.Add(float64(pred[i]), float64(t[c]), 0)
			area := s.Grid.RowAreaM2(c/s.Grid.NLon) * s.SumScale
			ms.True += float64(t[c]) * area
			ms.Predicted += float64(pred[i]) * area
		}
		ms.Error = ms.Predicted - ms.True
		sumErrSq += ms.Error * ms.Error
		sk.Monthly = append(sk.Monthly, ms)
		sk.Annual.True += ms.True
		sk.Annual.Predicted += ms.Predicted
	}
	if acc.N == 0 {
		return nil, fmt.Errorf("score %s: no target values in held-out year %d", s.Target, s.HeldOutYear)
	}
	sk.Annual.Error = sk.Annual.Predicted - sk.Annual.True
	sk.MonthlySumRMSE = math.Sqrt(sumErrSq / float64(len(sk.Monthly)))
	sk.Rows = int(acc.N)
	sk.RMSE, sk.Bias, sk.R2 = acc.RMSE(), acc.Bias(), acc.R2()
	return sk, nil
}

func r2(ssRes, ssTot float64) float64 {
	if ssTot == 0 {
		if ssRes == 0 {
			return 1
		}
		return 0
	}
	return 1 - ssRes/ssTot
}
