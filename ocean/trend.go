package ocean

import (
	"context"
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Trend is a member's linear dependence on atmospheric CO2, taken out of
// its target before the trees learn it and added back to their
// predictions. Regression trees cannot extrapolate: the held-out and
// later years have more CO2 in the air than any training year, so a tree
// predicts them as the last training years and misses the growth of the
// sink (on the synthetic world about 0.05 GtC/yr, a third of the error
// budget). A linear term extrapolates the trend; the trees keep the rest,
// with xco2 still among their features.
type Trend struct {
	SlopePerPPM float64 `json:"slope_per_ppm"` // target units per µmol/mol
	RefPPM      float64 `json:"ref_ppm"`       // xCO2 at which the term is 0
}

// Offset is the trend term at xCO2 x.
func (t Trend) Offset(x float64) float64 { return t.SlopePerPPM * (x - t.RefPPM) }

// maxTrendCells bounds the cells the trend is fitted on: one number needs
// no more, and a 0.25° grid would otherwise hold 9 million group sums.
const maxTrendCells = 20_000

// fitTrend estimates the slope by fixed effects: within each (cell,
// calendar month) group the target is regressed on xCO2, and the groups'
// sums are pooled, so the spatial pattern, the seasonal cycle and the
// changing ship sampling do not bias the slope. Only the months before
// heldOut are used. Without any variation of CO2 within a group the slope
// is 0.
func fitTrend(ctx context.Context, d drivers, target string, months []grid.Month, cells []int, heldOut int) (Trend, error) {
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
		x, err := d.c.XCO2PPM(m)
		if err != nil {
			return Trend{}, fmt.Errorf("trend of %s: %w", target, err)
		}
		f, err := d.Field(m, target)
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
	var sxy, sxx float64
	for _, gs := range groups {
		for _, g := range gs {
			if g.n > 1 {
				sxy += g.xy - g.x*g.y/g.n
				sxx += g.xx - g.x*g.x/g.n
			}
		}
	}
	if nref == 0 {
		return Trend{}, fmt.Errorf("trend of %s: no training month before %d", target, heldOut)
	}
	if !(sxx > 0) {
		// No cell has a calendar month in two training years with
		// different CO2: there is no trend to take out.
		return Trend{RefPPM: ref / nref}, nil
	}
	return Trend{SlopePerPPM: sxy / sxx, RefPPM: ref / nref}, nil
}
