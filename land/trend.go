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
//	offset(cell, month) = (SeasonalSlopePerPPM·g + FlatSlopePerPPM·a) · (xCO2 − RefPPM)
//
// with g the cell's productivity proxy for the calendar month (NDVI times
// shortwave radiation over 250 W m⁻², from the climatology) and a its
// annual mean: CO2 raises photosynthesis where and when plants grow (g)
// and, with a lag, respiration through the year (a), so the CO2-driven
// change has a seasonal cycle, not only a level. Regression trees cannot
// extrapolate: the held-out year and every month after it have more CO2
// than any training month, so trees alone would predict the sink of the
// last training years; and atmospheric CO2 is not among the features, as
// trees would use it as a clock to memorise year-specific anomalies.
type Trend struct {
	SeasonalSlopePerPPM float64 `json:"seasonal_slope_g_c_m-2_month-1_per_ppm"`
	FlatSlopePerPPM     float64 `json:"flat_slope_g_c_m-2_month-1_per_ppm"`
	RefPPM              float64 `json:"ref_ppm"` // xCO2 at which the term is 0
}

// Offset is the trend term of a cell with weights g (seasonal) and a
// (flat) at xCO2 x.
func (t Trend) Offset(g, a float32, x float64) float32 {
	return float32((t.SeasonalSlopePerPPM*float64(g) + t.FlatSlopePerPPM*float64(a)) * (x - t.RefPPM))
}

// zero reports whether the trend adds nothing.
func (t Trend) zero() bool { return t.SeasonalSlopePerPPM == 0 && t.FlatSlopePerPPM == 0 }

// trendBasis gives the trend's weights of every cell from the climatology.
type trendBasis struct {
	clim    *Climatology
	annual  []float32 // annual mean of the productivity proxy
	tAnnual []float32 // annual mean temperature, degC
}

func newTrendBasis(clim *Climatology) (*trendBasis, error) {
	tb := &trendBasis{clim: clim, annual: make([]float32, clim.Grid().Cells())}
	for mo := 1; mo <= 12; mo++ {
		g, err := tb.productivity(mo)
		if err != nil {
			return nil, err
		}
		for i, v := range g {
			tb.annual[i] += v / 12
		}
	}
	var err error
	if tb.tAnnual, err = clim.AnnualMean(fieldT2m); err != nil {
		return nil, fmt.Errorf("trend weights: %w", err)
	}
	return tb, nil
}

// productivity is the proxy for calendar month mo: NDVI (clamped at 0)
// times shortwave radiation over 250 W m⁻², 0 where either is unknown.
func (tb *trendBasis) productivity(mo int) ([]float32, error) {
	ndvi, err := tb.clim.Mean(fieldNDVI, mo)
	if err != nil {
		return nil, fmt.Errorf("trend weights: %w", err)
	}
	ssrd, err := tb.clim.Mean(fieldSsrd, mo)
	if err != nil {
		return nil, fmt.Errorf("trend weights: %w", err)
	}
	g := make([]float32, len(ndvi))
	for i := range g {
		if ndvi[i] > 0 && ssrd[i] > 0 { // false for NaN
			g[i] = min(ndvi[i], 1) * ssrd[i] / 250
		}
	}
	return g, nil
}

// weights are g and r for calendar month mo: the productivity proxy, and
// the respiration proxy r = a·2^((T − T_annual)/10), the annual
// productivity with a Q10 of 2 on the month's climatological temperature.
func (tb *trendBasis) weights(mo int) (g, r []float32, err error) {
	if g, err = tb.productivity(mo); err != nil {
		return nil, nil, err
	}
	t, err := tb.clim.Mean(fieldT2m, mo)
	if err != nil {
		return nil, nil, fmt.Errorf("trend weights: %w", err)
	}
	r = make([]float32, len(g))
	for i, a := range tb.annual {
		if d := float64(t[i] - tb.tAnnual[i]); a > 0 && d == d {
			r[i] = a * float32(math.Exp2(d/10))
		}
	}
	return g, r, nil
}

// offsets is the trend term of every cell in month m at xCO2 x.
func (tb *trendBasis) offsets(t Trend, m grid.Month, x float64) ([]float32, error) {
	off := make([]float32, len(tb.annual))
	if t.zero() {
		return off, nil
	}
	g, r, err := tb.weights(int(m.Month))
	if err != nil {
		return nil, err
	}
	for i := range off {
		off[i] = t.Offset(g[i], r[i], x)
	}
	return off, nil
}

// maxTrendCells bounds the cells the trend is fitted on: two numbers need
// no more, and a 0.25° grid would otherwise hold 12 million group sums.
const maxTrendCells = 20_000

// fitTrend estimates the slopes by fixed effects: within each (cell,
// calendar month) group the target is regressed on g·xCO2 and a·xCO2, and
// the groups' sums are pooled, so the spatial pattern and the mean
// seasonal cycle do not bias the slopes. Only months before heldOut are
// used. Without seasonal contrast the flat term alone is fitted; with no
// variation of CO2 within any group the slopes are 0.
func fitTrend(ctx context.Context, d drivers, tb *trendBasis, target string, months []grid.Month, cells []int, heldOut int) (Trend, error) {
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
	// Within a group the regressors are g·(x − x̄) and a·(x − x̄): their
	// moments are the group's Sxx and Sxy times the weights.
	var a11, a12, a22, b1, b2 float64
	for mo := 1; mo <= 12; mo++ {
		gw, rw, err := tb.weights(mo)
		if err != nil {
			return Trend{}, err
		}
		for k, c := range sub {
			s := groups[k][mo-1]
			if s.n < 2 {
				continue
			}
			sxx, sxy := s.xx-s.x*s.x/s.n, s.xy-s.x*s.y/s.n
			g, a := float64(gw[c]), float64(rw[c])
			a11 += g * g * sxx
			a12 += g * a * sxx
			a22 += a * a * sxx
			b1 += g * sxy
			b2 += a * sxy
		}
	}
	t := Trend{RefPPM: ref / nref}
	switch det := a11*a22 - a12*a12; {
	case det > 1e-9*a11*a22:
		t.SeasonalSlopePerPPM = (b1*a22 - b2*a12) / det
		t.FlatSlopePerPPM = (a11*b2 - a12*b1) / det
	case a22 > 0:
		t.FlatSlopePerPPM = b2 / a22
	}
	return t, nil
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
