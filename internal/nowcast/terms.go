package nowcast

import (
	"fmt"
	"math"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Term is the projection of one budget term for the calendar year, GtC/yr.
type Term struct {
	GtC      float64
	SigmaGtC float64 // 1σ: the months' own σ and the projection's error in quadrature
	// YTDGtC is the sum of the months observed; MonthsObserved how many.
	YTDGtC         float64
	MonthsObserved int
	// ProjectionSigmaGtC is the part of SigmaGtC due to the months not yet
	// computed: the RMS error of the same projection in earlier years
	// (SigmaYears of them), or with fewer than minTermSigmaYears an
	// estimate from this year's scatter (SigmaYears = 0).
	ProjectionSigmaGtC float64
	SigmaYears         int
}

// Term projection settings: the climatology of a calendar month is its
// mean over the last five years that have it (long enough to average out
// one year's weather, short enough to follow the trend of emissions and
// sinks); three earlier hindcasts are the fewest worth an RMS.
const (
	climatologyYears  = 5
	minTermSigmaYears = 3
)

// termPoint projects the year of asOf from the months of v up to asOf
// (v must already be cut to asOf).
// flat is set when a month had no climatology and took the mean of the
// months observed instead.
func termPoint(v Monthly, asOf grid.Month) (total, ytd float64, observed int, anomalies []float64, flat bool) {
	y := asOf.Year
	var rest []grid.Month
	var obsV []float64
	for k := 1; k <= 12; k++ {
		m := grid.Month{Year: y, Month: time.Month(k)}
		if x, ok := v[m]; ok {
			ytd += x
			observed++
			obsV = append(obsV, x)
			if c, ok := climatology(v, m); ok {
				anomalies = append(anomalies, x-c)
			}
			continue
		}
		rest = append(rest, m)
	}
	total = ytd
	anom := meanOf(anomalies)
	meanObs := meanOf(obsV)
	for _, m := range rest {
		if c, ok := climatology(v, m); ok && len(anomalies) > 0 {
			total += c + anom
		} else {
			total += meanObs
			flat = true
		}
	}
	return total, ytd, observed, anomalies, flat
}

// climatology is the mean of m's calendar month over the climatologyYears
// latest earlier years that have it.
func climatology(v Monthly, m grid.Month) (float64, bool) {
	var vals []float64
	for y := m.Year - 1; y >= m.Year-climatologyYears; y-- {
		if x, ok := v[grid.Month{Year: y, Month: m.Month}]; ok {
			vals = append(vals, x)
		}
	}
	return meanOf(vals), len(vals) > 0
}

func meanOf(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func rmsAbout(xs []float64, c float64) float64 {
	var s float64
	for _, x := range xs {
		s += (x - c) * (x - c)
	}
	return math.Sqrt(s / float64(len(xs)))
}

// projectTerm projects one term; v and sigma are cut to asOf, annualSigma
// to the years before asOf's.
func projectTerm(name string, v, sigma Monthly, annualSigma Annual, asOf grid.Month) (Term, error) {
	total, ytd, observed, anomalies, _ := termPoint(v, asOf)
	if observed == 0 {
		return Term{}, fmt.Errorf("%s: no month of %d computed by %s", name, asOf.Year, asOf)
	}
	t := Term{GtC: total, YTDGtC: ytd, MonthsObserved: observed}
	remaining := 12 - observed
	// The year's own σ: that of the latest complete year when the annual
	// table has one; otherwise the months' σ added linearly over the year
	// (docs/format.md), the months to come given this year's mean σ so far.
	var sigObs []float64
	for k := 1; k <= 12; k++ {
		if s, ok := sigma[grid.Month{Year: asOf.Year, Month: time.Month(k)}]; ok && !math.IsNaN(s) {
			sigObs = append(sigObs, s)
		}
	}
	var sigmaMonthsGtC float64
	if len(sigObs) > 0 {
		sigmaMonthsGtC = meanOf(sigObs) * 12
	}
	if ys := annualSigma.Years(); len(ys) > 0 && !math.IsNaN(annualSigma[ys[len(ys)-1]]) {
		sigmaMonthsGtC = annualSigma[ys[len(ys)-1]]
	}
	t.ProjectionSigmaGtC, t.SigmaYears = termSigma(v, asOf, remaining, anomalies)
	t.SigmaGtC = math.Hypot(sigmaMonthsGtC, t.ProjectionSigmaGtC)
	return t, nil
}

// termSigma is the RMS error of the projection made in the same month of
// each earlier year that is complete and had a climatology, against that
// year's sum; with fewer
// than minTermSigmaYears such years, remaining months × the scatter of this
// year's monthly anomalies (a persistent anomaly's error does not average
// out over the months), or of its monthly values when there is no
// climatology yet.
func termSigma(v Monthly, asOf grid.Month, remaining int, anomalies []float64) (float64, int) {
	if remaining == 0 {
		return 0, 0
	}
	var ss float64
	n := 0
	for y := asOf.Year - 1; y >= asOf.Year-climatologyYears*2; y-- {
		full, _, obs, _, _ := termPoint(v, grid.Month{Year: y, Month: time.December})
		if obs != 12 {
			continue
		}
		at := grid.Month{Year: y, Month: asOf.Month}
		p, _, pObs, _, flat := termPoint(v.Until(at), at)
		if pObs == 0 || flat {
			continue // a year without a climatology was projected another way
		}
		ss += (p - full) * (p - full)
		n++
	}
	if n >= minTermSigmaYears {
		return math.Sqrt(ss / float64(n)), n
	}
	if len(anomalies) >= 2 {
		return float64(remaining) * rmsAbout(anomalies, meanOf(anomalies)), 0
	}
	var obsV []float64
	for k := 1; k <= 12; k++ {
		if x, ok := v[grid.Month{Year: asOf.Year, Month: time.Month(k)}]; ok {
			obsV = append(obsV, x)
		}
	}
	if len(obsV) >= 2 {
		return float64(remaining) * rmsAbout(obsV, meanOf(obsV)), 0
	}
	return math.Abs(meanOf(obsV)) * float64(remaining), 0
}
