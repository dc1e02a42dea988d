package land

import (
	"context"
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Trend is a member's linear response to atmospheric CO2 (the CO2
// fertilisation that makes the S2 sink grow), taken out of its target
// before the trees learn it and added back to their predictions:
//
//	offset(cell, month) = Σ_k SlopesPerPPM[k]·w_k(cell, month) · (xCO2 − RefPPM)
//
// over two weights from the climatology (see trendBasis.weights): the
// productivity proxy g of the calendar month (NDVI times shortwave
// radiation over 250 W m⁻²) and the respiration proxy r (the annual mean
// of g times 2^((T − T_annual)/10), a Q10 of 2). CO2 raises
// photosynthesis where and when plants grow (g) and, with a lag,
// respiration, which follows temperature through the year (r), so the
// CO2-driven change has a seasonal cycle, not only a level. (A third,
// flat weight fitted the twin world's held-out year worse: it let the
// trend absorb interannual variability.)
//
// Regression trees cannot extrapolate: the held-out year and every month
// after it have more CO2 than any training month, so trees alone would
// predict the sink of the last training years; and atmospheric CO2 is not
// among the features, as trees would use it as a clock to memorise
// year-specific anomalies.
type Trend struct {
	// SlopesPerPPM are g C m⁻² month⁻¹ per µmol/mol per unit of weight,
	// productivity first, then respiration.
	SlopesPerPPM [nTrendWeights]float64 `json:"slopes_g_c_m-2_month-1_per_ppm"`
	RefPPM       float64                `json:"ref_ppm"` // xCO2 at which the term is 0
}

// nTrendWeights is the number of trend regressors.
const nTrendWeights = 2

// Offset is the trend term of a cell with weights w at xCO2 x.
func (t Trend) Offset(w [nTrendWeights]float32, x float64) float32 {
	var s float64
	for k, slope := range t.SlopesPerPPM {
		s += slope * float64(w[k])
	}
	return float32(s * (x - t.RefPPM))
}

// zero reports whether the trend adds nothing.
func (t Trend) zero() bool { return t.SlopesPerPPM == [nTrendWeights]float64{} }

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

// weights are g and r for calendar month mo (see Trend).
func (tb *trendBasis) weights(mo int) ([nTrendWeights][]float32, error) {
	var w [nTrendWeights][]float32
	g, err := tb.productivity(mo)
	if err != nil {
		return w, err
	}
	t, err := tb.clim.Mean(fieldT2m, mo)
	if err != nil {
		return w, fmt.Errorf("trend weights: %w", err)
	}
	r := make([]float32, len(g))
	for i, a := range tb.annual {
		if d := float64(t[i] - tb.tAnnual[i]); a > 0 && d == d {
			r[i] = a * float32(math.Exp2(d/10))
		}
	}
	return [nTrendWeights][]float32{g, r}, nil
}

// offsets is the trend term of every cell in month m at xCO2 x.
func (tb *trendBasis) offsets(t Trend, m grid.Month, x float64) ([]float32, error) {
	off := make([]float32, len(tb.annual))
	if t.zero() {
		return off, nil
	}
	w, err := tb.weights(int(m.Month))
	if err != nil {
		return nil, err
	}
	for i := range off {
		off[i] = t.Offset([nTrendWeights]float32{w[0][i], w[1][i]}, x)
	}
	return off, nil
}

// maxTrendCells bounds the cells the trend is fitted on: two numbers need
// no more, and a 0.25° grid would otherwise hold 12 million group sums.
const maxTrendCells = 20_000

// fitTrend estimates the slopes by fixed effects: within each (cell,
// calendar month) group the target is regressed on w_k·xCO2, and the
// groups' sums are pooled, so the spatial pattern and the mean seasonal
// cycle do not bias the slopes. Only months before heldOut are used.
// Regressors that the others explain (or that never vary) get a slope of
// 0; with no variation of CO2 within any group every slope is 0.
func fitTrend(ctx context.Context, d drivers, tb *trendBasis, target string, months []grid.Month, cells []int, heldOut int) (Trend, error) {
	step := max(1, (len(cells)+maxTrendCells-1)/maxTrendCells)
	var sub []int
	for k := 0; k < len(cells); k += step {
		sub = append(sub, cells[k])
	}
	groups := make([][12]groupSums, len(sub))
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
			if y := float64(f.Values[c]); !math.IsNaN(y) {
				groups[k][m.Month-1].add(x, y)
			}
		}
	}
	if nref == 0 {
		return Trend{}, fmt.Errorf("trend of %s: no training month before %d", target, heldOut)
	}
	a, b, err := normalEquations(tb, sub, groups)
	if err != nil {
		return Trend{}, err
	}
	return Trend{SlopesPerPPM: solve(a, b), RefPPM: ref / nref}, nil
}

// groupSums are the moments of one (cell, calendar month) group.
type groupSums struct{ n, x, y, xy, xx float64 }

func (g *groupSums) add(x, y float64) {
	g.n++
	g.x += x
	g.y += y
	g.xy += x * y
	g.xx += x * x
}

// normalEquations pools the groups: within a group the regressors are
// w_k·(x − x̄), so their moments are the group's Sxx and Sxy times the
// weights.
func normalEquations(tb *trendBasis, sub []int, groups [][12]groupSums) (a [nTrendWeights][nTrendWeights]float64, b [nTrendWeights]float64, err error) {
	for mo := 1; mo <= 12; mo++ {
		w, err := tb.weights(mo)
		if err != nil {
			return a, b, err
		}
		for k, c := range sub {
			s := groups[k][mo-1]
			if s.n < 2 {
				continue
			}
			sxx, sxy := s.xx-s.x*s.x/s.n, s.xy-s.x*s.y/s.n
			for i := range nTrendWeights {
				wi := float64(w[i][c])
				b[i] += wi * sxy
				for j := range nTrendWeights {
					a[i][j] += wi * float64(w[j][c]) * sxx
				}
			}
		}
	}
	return a, b, nil
}

// solve solves a·x = b by Gaussian elimination with partial pivoting; a
// regressor whose pivot is negligible (collinear with the ones before it,
// or all zero) gets 0.
func solve(a [nTrendWeights][nTrendWeights]float64, b [nTrendWeights]float64) [nTrendWeights]float64 {
	const n = nTrendWeights
	var scale float64
	for i := range n {
		scale = max(scale, math.Abs(a[i][i]))
	}
	active := [n]bool{}
	for col := range n {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		a[col], a[p], b[col], b[p] = a[p], a[col], b[p], b[col]
		if !(math.Abs(a[col][col]) > 1e-9*scale) {
			continue
		}
		active[col] = true
		for r := col + 1; r < n; r++ {
			f := a[r][col] / a[col][col]
			for c := col; c < n; c++ {
				a[r][c] -= f * a[col][c]
			}
			b[r] -= f * b[col]
		}
	}
	var x [n]float64
	for i := n - 1; i >= 0; i-- {
		if !active[i] {
			continue
		}
		s := b[i]
		for j := i + 1; j < n; j++ {
			s -= a[i][j] * x[j]
		}
		x[i] = s / a[i][i]
	}
	return x
}

// xco2PPM reads the month's atmospheric CO2 from the constant xco2 field.
func xco2PPM(c emulator.Cubes, m grid.Month) (float64, error) {
	f, err := c.Field(m, fieldXCO2)
	if err != nil {
		return 0, err
	}
	if f == nil || f.Units != emulator.XCO2Units {
		return 0, fmt.Errorf("field %q, %s: missing or units not %q", fieldXCO2, m, emulator.XCO2Units)
	}
	for _, v := range f.Values {
		if v > 0 {
			return float64(v), nil
		}
	}
	return 0, fmt.Errorf("field %q, %s: no positive value", fieldXCO2, m)
}
