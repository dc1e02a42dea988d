// Package trend fits the line a findings series is expected to follow:
// one region's component in one calendar month (or its calendar years),
// one value per year, in GtC. budget.Findings and the validation against
// the twin's truth apply the same rule.
package trend

import (
	"math"
	"slices"
)

// Expected is what the findings expect a series (one region's component in
// one calendar month, or its calendar years) to be in a year: the mean of
// the baseline years carried along the series' long-term trend, and the
// year-to-year variability about that line over the baseline years.
//
// The sinks grow with atmospheric CO₂ (GCB: S_OCEAN from about 2 to 3 GtC
// per year over 2000–2024), so against a flat baseline mean every month of
// the first decade is an "anomaly" several σ below it: the trend, not
// anything unusual about that year. The trend is a weighted least-squares
// slope over every year of the series up to the baseline's last (the
// record before the baseline and the baseline itself), up to the
// baseline's end so that a month's findings (which see only the months up
// to it) and the table's (which see them all) take the same line. The
// weights are Tukey's bisquare of the residuals (RobustWeights), so that
// the extremes the findings are after do not tilt the line that is to
// reveal them; the land sink's drivers are fitted with the sink's weights,
// and a least-squares fit with given weights is linear in the values, so
// the sink's anomaly stays the sum of its drivers' anomalies.
type Expected struct {
	// MeanGtC is the mean of the baseline years, CentreYear their mean
	// year, SlopeGtCPerYear the trend.
	MeanGtC, SlopeGtCPerYear, CentreYear float64
	// SDGtC is the sample standard deviation of the baseline years about
	// the line: their year-to-year variability.
	SDGtC float64
	// OK says every baseline year (at least three) was there.
	OK bool
}

// At is the expected value in year y, GtC.
func (e Expected) At(y int) float64 { return e.MeanGtC + e.SlopeGtCPerYear*(float64(y)-e.CentreYear) }

// Baseline is the anomaly reference period, first and last year.
type Baseline struct{ FromYear, ToYear int }

// Fit fits Expected to the series' (year, GtC) points with the weights of
// each year (nil: RobustWeights of the series itself).
func Fit(years []int, gtc []float64, base Baseline, weight map[int]float64) Expected {
	if weight == nil {
		weight = RobustWeights(years, gtc, base)
	}
	need := base.ToYear - base.FromYear + 1
	var bys []int
	var bvs []float64
	var fx, fy, fw []float64
	for i, y := range years {
		if y >= base.FromYear && y <= base.ToYear {
			bys = append(bys, y)
			bvs = append(bvs, gtc[i])
		}
		if y <= base.ToYear {
			fx = append(fx, float64(y))
			fy = append(fy, gtc[i])
			fw = append(fw, weight[y])
		}
	}
	if len(bvs) != need || need < 3 {
		return Expected{}
	}
	e := Expected{OK: true, SlopeGtCPerYear: wlsSlope(fx, fy, fw)}
	for i, y := range bys {
		e.MeanGtC += bvs[i]
		e.CentreYear += float64(y)
	}
	e.MeanGtC /= float64(len(bvs))
	e.CentreYear /= float64(len(bvs))
	var ss float64
	for i, y := range bys {
		r := bvs[i] - e.At(y)
		ss += r * r
	}
	e.SDGtC = math.Sqrt(ss / float64(len(bvs)-1))
	return e
}

// wlsSlope is the weighted least-squares slope of y on x; 0 with fewer
// than two distinct x of positive weight.
func wlsSlope(x, y, w []float64) float64 {
	var sw, mx, my float64
	for i := range x {
		sw += w[i]
		mx += w[i] * x[i]
		my += w[i] * y[i]
	}
	if sw == 0 {
		return 0
	}
	mx /= sw
	my /= sw
	var sxy, sxx float64
	for i := range x {
		sxy += w[i] * (x[i] - mx) * (y[i] - my)
		sxx += w[i] * (x[i] - mx) * (x[i] - mx)
	}
	if sxx == 0 {
		return 0
	}
	return sxy / sxx
}

// bisquareC is the tuning constant of Tukey's bisquare, in robust σ:
// 95 % efficiency for normal residuals (Holland & Welsch 1977).
const bisquareC = 4.685

// RobustWeights are the bisquare weights of a robust line through the
// series' years up to the baseline's end, by iteratively reweighted least
// squares from the ordinary fit; the robust σ is the median absolute
// residual / 0.6745. Years after the baseline get no weight.
func RobustWeights(years []int, gtc []float64, base Baseline) map[int]float64 {
	var x, y []float64
	for i, yr := range years {
		if yr <= base.ToYear {
			x = append(x, float64(yr))
			y = append(y, gtc[i])
		}
	}
	w := make([]float64, len(x))
	for i := range w {
		w[i] = 1
	}
	r := make([]float64, len(x))
	for range 10 {
		b := wlsSlope(x, y, w)
		var sw, a float64
		for i := range x {
			sw += w[i]
			a += w[i] * (y[i] - b*x[i])
		}
		if sw == 0 {
			break
		}
		a /= sw
		for i := range x {
			r[i] = math.Abs(y[i] - a - b*x[i])
		}
		s := median(r) / 0.6745
		if !(s > 0) {
			break
		}
		for i := range x {
			u := r[i] / (bisquareC * s)
			w[i] = 0
			if u < 1 {
				w[i] = (1 - u*u) * (1 - u*u)
			}
		}
	}
	out := make(map[int]float64, len(x))
	for i := range x {
		out[int(x[i])] = w[i]
	}
	return out
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
