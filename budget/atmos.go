package budget

import (
	"fmt"

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
