package land

import (
	"context"
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Trend is a member's linear response to atmospheric CO2 (the CO2
// fertilisation that makes the S2 sink grow), taken out of its target
// before the trees learn it and added back to their predictions:
//
//	offset(cell, month) = SlopePerPPM · w(cell) · (xCO2(month) − RefPPM)
//
// with w the cell's annual-mean NDVI climatology (clamped at 0), so the
// growth lands where there is vegetation and not on deserts and ice.
// Regression trees cannot extrapolate: the held-out year and every month
// after it have more CO2 than any training month, so trees alone would
// predict the sink of the last training years.
type Trend struct {
	SlopePerPPM float64 `json:"slope_g_c_m-2_month-1_per_ppm_per_ndvi"`
	RefPPM      float64 `json:"ref_ppm"` // xCO2 at which the term is 0
}

// Offset is the trend term of a cell with weight w at xCO2 x.
func (t Trend) Offset(w float32, x float64) float32 {
	return float32(t.SlopePerPPM * float64(w) * (x - t.RefPPM))
}

// trendWeights is w of every cell: the annual-mean NDVI climatology,
// clamped to 0..1, 0 where unknown.
func trendWeights(clim *Climatology) ([]float32, error) {
	ndvi, err := clim.AnnualMean(fieldNDVI)
	if err != nil {
		return nil, fmt.Errorf("trend weights: %w", err)
	}
	w := make([]float32, len(ndvi))
	for i, v := range ndvi {
		if v > 0 { // false for NaN
			w[i] = min(v, 1)
		}
	}
	return w, nil
}

// maxTrendCells bounds the cells the trend is fitted on: one number needs
// no more, and a 0.25° grid would otherwise hold 12 million group sums.
const maxTrendCells = 20_000

// fitTrend estimates the slope by fixed effects: within each (cell,
// calendar month) group the target is regressed on w·xCO2, and the groups'
// sums are pooled, so the spatial pattern and the seasonal cycle do not
// bias the slope. Only months before heldOut are used. With no variation of
// CO2 within any group the slope is 0.
func fitTrend(ctx context.Context, d drivers, target string, months []grid.Month, cells []int, w []float32, heldOut int) (Trend, error) {
	step := max(1, (len(cells)+maxTrendCells-1)/maxTrendCells)
	var sub []int
	for k := 0; k < len(cells); k += step {
		sub = append(sub, cells[k])
	}
	type sums struct{ n, x, y, xy, xx float64 }
	groups := make([][12]sums, len(sub))
	var ref, nref float64
	for _, m := range months {
		if m.Year >= heldOut {
			continue
		}
		if err := ctx.Err(); err != nil {
			return Trend{}, err
		}
		x, err := xco2PPM(d.c, m)
		if err != nil {
			return Trend{}, fmt.Errorf("trend of %s: %w", target, err)
		}
		f, err := d.c.Field(m, target)
		if err != nil {
			return Trend{}, fmt.Errorf("trend of %s: %w", target, err)
		}
		ref += x
		nref++
		for k, c := range sub {
			y := float64(f.Values[c])
			if math.IsNaN(y) {
				continue
			}
			g := &groups[k][m.Month-1]
			g.n++
			g.x += x
			g.y += y
			g.xy += x * y
			g.xx += x * x
		}
	}
	if nref == 0 {
		return Trend{}, fmt.Errorf("trend of %s: no training month before %d", target, heldOut)
	}
	// The regressor of cell c is w_c·x, so its within-group moments are
	// w_c·Sxy and w_c²·Sxx.
	var sxy, sxx float64
	for k, gs := range groups {
		wc := float64(w[sub[k]])
		for _, g := range gs {
			if g.n > 1 {
				sxy += wc * (g.xy - g.x*g.y/g.n)
				sxx += wc * wc * (g.xx - g.x*g.x/g.n)
			}
		}
	}
	if !(sxx > 0) {
		return Trend{RefPPM: ref / nref}, nil
	}
	return Trend{SlopePerPPM: sxy / sxx, RefPPM: ref / nref}, nil
}

// xco2PPM reads the month's atmospheric CO2 from the constant xco2 field.
func xco2PPM(c Cubes, m grid.Month) (float64, error) {
	f, err := c.Field(m, fieldXCO2)
	if err != nil {
		return 0, err
	}
	if f == nil || f.Units != xco2Units {
		return 0, fmt.Errorf("field %q, %s: missing or units not %q", fieldXCO2, m, xco2Units)
	}
	for _, v := range f.Values {
		if v > 0 {
			return float64(v), nil
		}
	}
	return 0, fmt.Errorf("field %q, %s: no positive value", fieldXCO2, m)
}
