package budget

import (
	"fmt"
	"math"
	"sort"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// GtCPerPPM converts a change in global-mean CO2 (ppm) to a change in the
// atmospheric carbon burden (GtC). The Global Carbon Budget's factor:
// G_ATM in its sheets is exactly 2.124 × NOAA's growth in ppm/yr.
const GtCPerPPM = 2.124

// GAtmSigmaGtCPerYear is the 1σ uncertainty of the annual atmospheric
// growth since 1980 stated in the GCB sheets (science.md section 2).
const GAtmSigmaGtCPerYear = 0.2

// CO2Month is one month of NOAA's global monthly record (co2_mm_gl):
// the monthly mean and its de-seasonalised trend, in ppm.
type CO2Month struct {
	Month    grid.Month
	MeanPPM  float64
	TrendPPM float64
}

// CO2Record is a NOAA global monthly record in month order, with its
// vintage (the file's "File Creation" line), so that every growth rate can
// be traced to the revision it came from.
type CO2Record struct {
	Months  []CO2Month
	Vintage string
}

func (r *CO2Record) index() map[grid.Month]CO2Month {
	idx := make(map[grid.Month]CO2Month, len(r.Months))
	for _, m := range r.Months {
		idx[m.Month] = m
	}
	return idx
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

// AnnualGrowthPPM returns the growth of each calendar year that the record
// covers from the December before to the January after: the increase of
// the de-seasonalised trend from 1 January to 31 December, not the
// difference of annual means.
func (r *CO2Record) AnnualGrowthPPM() map[int]float64 {
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

// MonthlyGrowth is the atmospheric growth of one month.
type MonthlyGrowth struct {
	// TrendPPM is the growth of the de-seasonalised trend over the month:
	// half the difference of the trend one month after and one month
	// before. Summed over a calendar year it telescopes to exactly the
	// annual growth of AnnualGrowthPPM.
	TrendPPM float64
	// MeanPPM is the same central difference of the monthly means: it keeps
	// the seasonal cycle of the burden, which the monthly budget needs to
	// balance the seasonal land flux.
	MeanPPM float64
	// Provisional is set when the following month is not yet in the record
	// and a backward difference was used instead.
	Provisional bool
}

// MonthGrowth returns the growth of month m, or an error when the record
// does not reach m.
func (r *CO2Record) MonthGrowth(m grid.Month) (MonthlyGrowth, error) {
	idx := r.index()
	cur, ok := idx[m]
	if !ok {
		return MonthlyGrowth{}, fmt.Errorf("CO2 record (vintage %q) has no value for %s", r.Vintage, m)
	}
	prev, okPrev := idx[m.Add(-1)]
	next, okNext := idx[m.Add(1)]
	switch {
	case okPrev && okNext:
		return MonthlyGrowth{TrendPPM: (next.TrendPPM - prev.TrendPPM) / 2, MeanPPM: (next.MeanPPM - prev.MeanPPM) / 2}, nil
	case okPrev:
		return MonthlyGrowth{TrendPPM: cur.TrendPPM - prev.TrendPPM, MeanPPM: cur.MeanPPM - prev.MeanPPM, Provisional: true}, nil
	case okNext:
		return MonthlyGrowth{TrendPPM: next.TrendPPM - cur.TrendPPM, MeanPPM: next.MeanPPM - cur.MeanPPM}, nil
	}
	return MonthlyGrowth{}, fmt.Errorf("CO2 record (vintage %q) has no neighbour of %s to difference", r.Vintage, m)
}

// Sorted returns the record's months in order (readers may deliver any).
func (r *CO2Record) Sorted() *CO2Record {
	out := &CO2Record{Vintage: r.Vintage, Months: append([]CO2Month(nil), r.Months...)}
	sort.Slice(out.Months, func(i, j int) bool { return out.Months[i].Month.Before(out.Months[j].Month) })
	return out
}
