package land

import (
	"context"
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// MemberSkill is a member's skill on its held-out year, on the full target
// (trend term included), over every land cell with a target value.
type MemberSkill struct {
	HeldOutYear int     `json:"held_out_year"`
	Months      int     `json:"months"`
	Rows        int     `json:"rows"` // cell-months scored
	R2          float64 `json:"r2"`   // over cell-months, unweighted
	// R2AreaWeighted weighs each cell-month by its land area, so large
	// high-latitude cells count no more than their area.
	R2AreaWeighted float64 `json:"r2_area_weighted"`
	RMSE           float64 `json:"rmse"` // g C m-2 month-1
	Bias           float64 `json:"bias"` // mean predicted − true, g C m-2 month-1
	// AnnualTrueGtC and AnnualPredictedGtC are the held-out year's global
	// NBP, Σ value·area·landFraction over the months and the cells with a
	// target value, GtC (per year when all twelve months are held out).
	AnnualTrueGtC      float64 `json:"annual_true_gtc"`
	AnnualPredictedGtC float64 `json:"annual_predicted_gtc"`
	// MonthlyRMSEGtC is the root mean square error of the monthly global
	// totals.
	MonthlyRMSEGtC float64 `json:"monthly_rmse_gtc"`
}

// AnnualErrorGtC is the error of the held-out year's global NBP.
func (s MemberSkill) AnnualErrorGtC() float64 { return s.AnnualPredictedGtC - s.AnnualTrueGtC }

// skillAcc accumulates squared errors and the truth's variance (Welford),
// each plain and area-weighted.
type skillAcc struct {
	n, sumErr, sumErrSq  float64
	mean, m2             float64
	wSum, wErrSq, wMean  float64
	wM2                  float64
	monthErrSq, nMonths  float64
	annualTrue, annualPr float64
}

func (a *skillAcc) add(p, t, w float64) {
	a.n++
	a.sumErr += p - t
	a.sumErrSq += (p - t) * (p - t)
	d := t - a.mean
	a.mean += d / a.n
	a.m2 += d * (t - a.mean)
	if w > 0 { // West's weighted update
		a.wSum += w
		a.wErrSq += w * (p - t) * (p - t)
		dw := t - a.wMean
		a.wMean += dw * w / a.wSum
		a.wM2 += w * dw * (t - a.wMean)
	}
}

// scoreMember predicts the held-out months of a member on the cells with a
// target value and compares with the full target.
func scoreMember(ctx context.Context, d drivers, mm *Model, months []grid.Month, heldOut int, landFrac []float32, tb *trendBasis) (MemberSkill, error) {
	sk := MemberSkill{HeldOutYear: heldOut}
	g := d.clim.Grid()
	b, err := emulator.NewBuilder(g, Features(), d)
	if err != nil {
		return sk, err
	}
	areas := g.RowAreasM2()
	var acc skillAcc
	for _, m := range months {
		if m.Year != heldOut {
			continue
		}
		if err := ctx.Err(); err != nil {
			return sk, err
		}
		pred, truth, cells, err := predictTargetCells(d, b, mm, m, landFrac, tb)
		if err != nil {
			return sk, fmt.Errorf("score %s: %w", mm.Name, err)
		}
		var monthTrue, monthPred float64
		for k, c := range cells {
			p, t := float64(pred[k]), float64(truth[c])
			wa := areas[c/g.NLon] * float64(landFrac[c])
			acc.add(p, t, wa)
			monthTrue += t * wa / gramsPerGt
			monthPred += p * wa / gramsPerGt
		}
		acc.annualTrue += monthTrue
		acc.annualPr += monthPred
		acc.monthErrSq += (monthPred - monthTrue) * (monthPred - monthTrue)
		acc.nMonths++
	}
	if acc.n == 0 {
		return sk, fmt.Errorf("score %s: no target values in %d", mm.Name, heldOut)
	}
	sk.Months = int(acc.nMonths)
	sk.Rows = int(acc.n)
	sk.RMSE = math.Sqrt(acc.sumErrSq / acc.n)
	sk.Bias = acc.sumErr / acc.n
	sk.R2 = 1 - acc.sumErrSq/acc.m2
	sk.R2AreaWeighted = 1 - acc.wErrSq/acc.wM2
	sk.AnnualTrueGtC, sk.AnnualPredictedGtC = acc.annualTrue, acc.annualPr
	sk.MonthlyRMSEGtC = math.Sqrt(acc.monthErrSq / acc.nMonths)
	return sk, nil
}

// predictTargetCells predicts member mm (trend included) on the land cells
// of month m that have a target value.
func predictTargetCells(d drivers, b *emulator.Builder, mm *Model, m grid.Month, landFrac []float32, tb *trendBasis) (pred, truth []float32, cells []int, err error) {
	f, err := d.c.Field(m, NBPField(mm.DGVM))
	if err != nil {
		return nil, nil, nil, err
	}
	for c, v := range f.Values {
		if v == v && landFrac[c] > 0 {
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
	xco2, err := xco2PPM(d.c, m)
	if err != nil {
		return nil, nil, nil, err
	}
	off, err := mm.offsets(tb, m, xco2)
	if err != nil {
		return nil, nil, nil, err
	}
	for k, c := range cells {
		pred[k] += off[c]
	}
	return pred, f.Values, cells, nil
}
