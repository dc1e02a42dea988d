package budget

import (
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// synthetic builds a record with a trend rising by slope ppm per month plus
// a seasonal cycle in the means only.
func synthetic(from, to grid.Month, slopePPMPerMonth float64) *CO2Record {
	r := &CO2Record{Vintage: "test"}
	for i, m := range grid.Range(from, to) {
		trend := 370 + slopePPMPerMonth*float64(i)
		season := 3 * math.Cos(2*math.Pi*float64(int(m.Month)-5)/12)
		r.Months = append(r.Months, CO2Month{Month: m, TrendPPM: trend, MeanPPM: trend + season})
	}
	return r
}

func TestAnnualGrowthLinearTrend(t *testing.T) {
	r := synthetic(grid.Month{Year: 2000, Month: 1}, grid.Month{Year: 2003, Month: 6}, 0.2)
	g := annualGrowthPPM(r)
	for _, y := range []int{2001, 2002} {
		if math.Abs(g[y]-2.4) > 1e-9 {
			t.Errorf("growth %d = %g, want 2.4 (12 × 0.2)", y, g[y])
		}
	}
	if _, ok := g[2000]; ok {
		t.Error("2000 has no December 1999: growth must be absent")
	}
	if _, ok := g[2003]; ok {
		t.Error("2003 has no January 2004: growth must be absent")
	}
}

func TestMonthlyGrowthTelescopesToAnnual(t *testing.T) {
	r := synthetic(grid.Month{Year: 2009, Month: 11}, grid.Month{Year: 2011, Month: 2}, 0.17)
	// Make the trend non-linear so the check is not trivial.
	for i := range r.Months {
		r.Months[i].TrendPPM += 0.01 * float64(i*i)
	}
	var sum float64
	for _, m := range grid.Range(grid.Month{Year: 2010, Month: 1}, grid.Month{Year: 2010, Month: 12}) {
		mg, err := r.MonthGrowth(m)
		if err != nil || mg.Provisional {
			t.Fatalf("%s: %+v %v", m, mg, err)
		}
		sum += mg.TrendPPM
	}
	want := annualGrowthPPM(r)[2010]
	if math.Abs(sum-want) > 1e-9 {
		t.Errorf("Σ monthly trend growth = %g, annual = %g: they must agree exactly", sum, want)
	}
}

func TestMonthGrowthEdges(t *testing.T) {
	r := synthetic(grid.Month{Year: 2020, Month: 1}, grid.Month{Year: 2020, Month: 6}, 0.2)
	last, err := r.MonthGrowth(grid.Month{Year: 2020, Month: 6})
	if err != nil || !last.Provisional || math.Abs(last.TrendPPM-0.2) > 1e-9 {
		t.Errorf("last month: %+v %v, want provisional backward difference 0.2", last, err)
	}
	if _, err := r.MonthGrowth(grid.Month{Year: 2021, Month: 1}); err == nil {
		t.Error("month beyond the record gave no error")
	}
	// The seasonal cycle is in the means only: June's mean growth differs from its trend growth.
	mid, _ := r.MonthGrowth(grid.Month{Year: 2020, Month: 3})
	if math.Abs(mid.MeanPPM-mid.TrendPPM) < 0.1 {
		t.Errorf("March mean growth %g ≈ trend growth %g: seasonal cycle lost", mid.MeanPPM, mid.TrendPPM)
	}
}

// januaryFirstTrend is the de-seasonalised CO2 on 1 January of year: the
// mean of the December and January trend values around it. This is NOAA's
// global method (science.md section 1), which GCB uses from 1980.
func januaryFirstTrend(idx map[grid.Month]CO2Month, year int) (float64, bool) {
	dec, ok1 := idx[grid.Month{Year: year - 1, Month: 12}]
	jan, ok2 := idx[grid.Month{Year: year, Month: 1}]
	if !ok1 || !ok2 || math.IsNaN(dec.TrendPPM) || math.IsNaN(jan.TrendPPM) {
		return math.NaN(), false
	}
	return (dec.TrendPPM + jan.TrendPPM) / 2, true
}

// annualGrowthPPM returns the growth of each calendar year that the record
// covers from the December before to the January after: the increase of
// the de-seasonalised trend from 1 January to 31 December, not the
// difference of annual means.
func annualGrowthPPM(r *CO2Record) map[int]float64 {
	idx := r.index()
	out := map[int]float64{}
	years := map[int]bool{}
	for m := range idx {
		years[m.Year] = true
	}
	for y := range years {
		a, ok1 := januaryFirstTrend(idx, y)
		b, ok2 := januaryFirstTrend(idx, y+1)
		if ok1 && ok2 {
			out[y] = b - a
		}
	}
	return out
}
