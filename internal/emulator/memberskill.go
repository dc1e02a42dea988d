package emulator

import (
	"context"
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// MemberSkill is an ensemble member's skill on its held-out year, on the
// stage's full prediction (whatever the stage adds to its trees'), over
// every cell with a target value. The stages keep it in their manifests
// (members.json) beside the card's Skill, whose sums weigh whole cells.
type MemberSkill struct {
	HeldOutYear int     `json:"held_out_year"`
	Months      int     `json:"months"`
	Rows        int     `json:"rows"` // cell-months scored
	R2          float64 `json:"r2"`   // over cell-months, unweighted
	// R2AreaWeighted weighs each cell-month by its area of ocean or land,
	// so large high-latitude cells count no more than their area.
	R2AreaWeighted float64 `json:"r2_area_weighted"`
	RMSE           float64 `json:"rmse"` // target units
	Bias           float64 `json:"bias"` // mean predicted − true, target units
	// AnnualTrueGtC and AnnualPredictedGtC are the held-out year's global
	// sums Σ value·area·fraction over the months and the cells with a
	// target value, GtC (per year when all twelve months are held out);
	// 0 for a target that is not a flux in FluxUnits.
	AnnualTrueGtC      float64 `json:"annual_true_gtc"`
	AnnualPredictedGtC float64 `json:"annual_predicted_gtc"`
	// MonthlyRMSEGtC is the root mean square error of the monthly global
	// sums.
	MonthlyRMSEGtC float64 `json:"monthly_rmse_gtc"`
}

// AnnualErrorGtC is the error of the held-out year's global sum.
func (s MemberSkill) AnnualErrorGtC() float64 { return s.AnnualPredictedGtC - s.AnnualTrueGtC }

// SkillAcc accumulates a prediction's errors against the truth, cell by
// cell: the plain statistics, and with a positive weight (an area) the
// weighted ones. Welford's update (West's when weighted) keeps the truth's
// variance accurate when its mean is large against its spread. The zero
// value is ready to use.
type SkillAcc struct {
	N                float64 // values added
	SumErr, SumErrSq float64 // Σ(p−t), Σ(p−t)²
	mean, m2         float64
	wSum, wErrSq     float64
	wMean, wM2       float64
}

// Add adds prediction p of truth t; w > 0 also adds it to the weighted
// statistics with weight w.
func (a *SkillAcc) Add(p, t, w float64) {
	a.N++
	a.SumErr += p - t
	a.SumErrSq += (p - t) * (p - t)
	d := t - a.mean
	a.mean += d / a.N
	a.m2 += d * (t - a.mean)
	if w > 0 {
		a.wSum += w
		a.wErrSq += w * (p - t) * (p - t)
		dw := t - a.wMean
		a.wMean += dw * w / a.wSum
		a.wM2 += w * dw * (t - a.wMean)
	}
}

// RMSE is the root mean square error.
func (a *SkillAcc) RMSE() float64 { return math.Sqrt(a.SumErrSq / a.N) }

// Bias is the mean error, predicted − true.
func (a *SkillAcc) Bias() float64 { return a.SumErr / a.N }

// R2 is 1 − Σ(p−t)²/Σ(t−mean t)², 0 when the truth is constant and the
// prediction is not.
func (a *SkillAcc) R2() float64 { return r2(a.SumErrSq, a.m2) }

// R2Weighted is R2 with the weights of Add.
func (a *SkillAcc) R2Weighted() float64 { return r2(a.wErrSq, a.wM2) }

// A PredictFunc predicts a member on the cells of month m that have a
// target value: the predictions in the order of cells, and the target
// field's values (indexed by cell).
type PredictFunc func(m grid.Month) (pred, truth []float32, cells []int, err error)

// ScoreMember scores predict on the months of year heldOut, weighing each
// cell by its area times frac (the cell's ocean or land fraction). With
// flux set the target is in FluxUnits and the global sums are kept.
func ScoreMember(ctx context.Context, g grid.Grid, frac []float32, months []grid.Month, heldOut int, flux bool, predict PredictFunc) (MemberSkill, error) {
	sk := MemberSkill{HeldOutYear: heldOut}
	areas := g.RowAreasM2()
	var acc SkillAcc
	var monthErrSq float64
	for _, m := range months {
		if m.Year != heldOut {
			continue
		}
		if err := ctx.Err(); err != nil {
			return sk, err
		}
		pred, truth, cells, err := predict(m)
		if err != nil {
			return sk, err
		}
		var monthTrue, monthPred float64
		for k, c := range cells {
			p, t := float64(pred[k]), float64(truth[c])
			wa := areas[c/g.NLon] * float64(frac[c])
			acc.Add(p, t, wa)
			monthTrue += t * wa / GramsPerGt
			monthPred += p * wa / GramsPerGt
		}
		sk.AnnualTrueGtC += monthTrue
		sk.AnnualPredictedGtC += monthPred
		monthErrSq += (monthPred - monthTrue) * (monthPred - monthTrue)
		sk.Months++
	}
	if acc.N == 0 {
		return sk, fmt.Errorf("no target values in %d", heldOut)
	}
	sk.Rows = int(acc.N)
	sk.RMSE, sk.Bias, sk.R2, sk.R2AreaWeighted = acc.RMSE(), acc.Bias(), acc.R2(), acc.R2Weighted()
	sk.MonthlyRMSEGtC = math.Sqrt(monthErrSq / float64(sk.Months))
	if !flux {
		sk.AnnualTrueGtC, sk.AnnualPredictedGtC, sk.MonthlyRMSEGtC = 0, 0, 0
	}
	return sk, nil
}
