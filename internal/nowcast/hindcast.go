package nowcast

import (
	"math"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Method names of the skill rows.
const (
	MethodNowcast     = "nowcast"
	MethodPersistence = "persistence"
	MethodENSOOnly    = "enso-only"
)

// Forecast is one method's projection of one year beside the truth.
type Forecast struct {
	Year         int
	Method       string
	Value, Sigma float64 // the units of the series (ppm/yr or GtC/yr)
	Truth        float64
}

// Skill scores a method over the years of a hindcast.
type Skill struct {
	Method string
	Years  int
	RMSE   float64
	Bias   float64 // mean of projected − truth
	// Within1Sigma and Within2Sigma are the shares of years whose truth lies
	// within ±1σ and ±2σ of the projection; years without a σ count as
	// outside.
	Within1Sigma, Within2Sigma float64
	Outside2Sigma              []int // the years outside ±2σ
}

// HindcastGrowth replays the growth projection of series name as it would
// have been made in month asOfMonth of each year from..to, with the data
// of that time, and scores it and the two baselines against truth (NOAA's
// published annual growth). Years that cannot be projected, or that truth
// lacks, are left out.
func HindcastGrowth(name string, in Inputs, truth Annual, from, to int, asOfMonth time.Month) []Forecast {
	var out []Forecast
	for y := from; y <= to; y++ {
		t, ok := truth[y]
		if !ok {
			continue
		}
		p, err := Project(grid.Month{Year: y, Month: asOfMonth}, Inputs{CO2: map[string]CO2Record{name: in.CO2[name]}, ONI: in.ONI})
		g, ok := p.Growth[name]
		if err != nil || !ok {
			continue
		}
		out = append(out,
			Forecast{y, MethodNowcast, g.PPMPerYear, g.SigmaPPMPerYear, t},
			Forecast{y, MethodPersistence, g.PersistencePPMPerYear, g.PersistenceSigmaPPMPerYear, t},
			Forecast{y, MethodENSOOnly, g.ENSOOnlyPPMPerYear, g.ENSOOnlySigmaPPMPerYear, t})
	}
	return out
}

// HindcastTerms replays the projection of each term made in month
// asOfMonth of each year from..to from the computed months of in, and
// pairs it with truth (GtC/yr by term and year; the twin world's).
func HindcastTerms(in Inputs, truth map[string]Annual, from, to int, asOfMonth time.Month) map[string][]Forecast {
	out := map[string][]Forecast{}
	for y := from; y <= to; y++ {
		p, err := Project(grid.Month{Year: y, Month: asOfMonth}, Inputs{TermsGtC: in.TermsGtC, TermSigmasGtC: in.TermSigmasGtC, AnnualSigmasGtC: in.AnnualSigmasGtC})
		if err != nil {
			continue
		}
		for name, tp := range p.Terms {
			t, ok := truth[name][y]
			if !ok {
				continue
			}
			out[name] = append(out[name], Forecast{y, MethodNowcast, tp.GtC, tp.SigmaGtC, t})
		}
	}
	return out
}

// Score computes the skill of each method in fs, in the order the methods
// first appear.
func Score(fs []Forecast) []Skill {
	var order []string
	by := map[string][]Forecast{}
	for _, f := range fs {
		if _, ok := by[f.Method]; !ok {
			order = append(order, f.Method)
		}
		by[f.Method] = append(by[f.Method], f)
	}
	out := make([]Skill, 0, len(order))
	for _, m := range order {
		s := Skill{Method: m}
		var ss, sum float64
		var in1, in2 int
		for _, f := range by[m] {
			if math.IsNaN(f.Value) {
				continue
			}
			d := f.Value - f.Truth
			s.Years++
			ss += d * d
			sum += d
			if math.Abs(d) <= f.Sigma {
				in1++
			}
			if math.Abs(d) <= 2*f.Sigma {
				in2++
			} else {
				s.Outside2Sigma = append(s.Outside2Sigma, f.Year)
			}
		}
		if s.Years > 0 {
			n := float64(s.Years)
			s.RMSE, s.Bias = math.Sqrt(ss/n), sum/n
			s.Within1Sigma, s.Within2Sigma = float64(in1)/n, float64(in2)/n
		}
		out = append(out, s)
	}
	return out
}
