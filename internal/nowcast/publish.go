package nowcast

import (
	"math"
	"strconv"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// TermsFromRows turns the published monthly table (budget_monthly) into
// the terms' monthly series and their σ, GtC per month. Only rows of
// window "month" are read: the table never holds projected values.
func TermsFromRows(rows []lake.Row) (terms, sigmas map[string]Monthly) {
	terms, sigmas = map[string]Monthly{}, map[string]Monthly{}
	for _, n := range TermNames {
		terms[n], sigmas[n] = Monthly{}, Monthly{}
	}
	for _, r := range rows {
		m, err := grid.ParseMonth(r.Period)
		if r.Window != "month" || err != nil {
			continue
		}
		put := func(name string, v, s float64) {
			if !math.IsNaN(v) {
				terms[name][m] = v
				sigmas[name][m] = s
			}
		}
		forTerms(r, put)
	}
	return terms, sigmas
}

// AnnualSigmasFromRows reads each term's 1σ of the complete calendar years
// of the published annual table (budget_annual).
func AnnualSigmasFromRows(rows []lake.Row) map[string]Annual {
	out := map[string]Annual{}
	for _, n := range TermNames {
		out[n] = Annual{}
	}
	for _, r := range rows {
		y, err := strconv.Atoi(r.Period)
		if r.Window != "calendar-year" || r.Months != 12 || err != nil {
			continue
		}
		forTerms(r, func(name string, v, s float64) {
			if !math.IsNaN(v) && !math.IsNaN(s) {
				out[name][y] = s
			}
		})
	}
	return out
}

// forTerms calls put with each term's value and σ in r.
func forTerms(r lake.Row, put func(name string, v, s float64)) {
	put("e_fos", r.EFos, r.EFosSigma)
	put("e_luc", r.ELUC, r.ELUCSigma)
	put("g_atm", r.GAtm, r.GAtmSigma)
	put("s_ocean", r.SOcean, r.SOceanSigma)
	put("s_land", r.SLand, r.SLandSigma)
	put("s_cement", r.SCement, 0) // the sheet gives no σ (docs/format.md)
	put("b_im", r.BIm, r.BImSigma)
}

// Publish returns p as rows of the projection table and as its JSON
// document, stamped with madeAt. Values that are not numbers are left out.
func Publish(p Projection, madeAt time.Time) ([]lake.ProjectionRow, lake.ProjectionDoc) {
	at := madeAt.UTC().Format(time.RFC3339)
	doc := lake.ProjectionDoc{Year: p.Year, AsOf: p.AsOf.String(), MadeAt: at, Maturity: lake.MaturityProjected,
		Terms: map[string]lake.ProjectedTerm{}}
	var rows []lake.ProjectionRow
	row := func(term, unit string, v, s, ytd float64, n int) lake.ProjectionRow {
		return lake.ProjectionRow{Year: int32(p.Year), Term: term, Unit: unit, Maturity: lake.MaturityProjected,
			AsOf: p.AsOf.String(), MadeAt: at, Value: v, Sigma: s, YTD: ytd, MonthsObserved: int32(n)}
	}
	for _, name := range TermNames {
		t, ok := p.Terms[name]
		if !ok || math.IsNaN(t.GtC) || math.IsNaN(t.SigmaGtC) {
			continue
		}
		doc.Terms[name] = lake.ProjectedTerm{GtC: t.GtC, SigmaGtC: t.SigmaGtC, YTDGtC: t.YTDGtC, MonthsObserved: t.MonthsObserved}
		rows = append(rows, row(name, lake.UnitGtCPerYear, t.GtC, t.SigmaGtC, t.YTDGtC, t.MonthsObserved))
	}
	for _, name := range []string{"global", "mlo"} {
		g, ok := p.Growth[name]
		if !ok || math.IsNaN(g.PPMPerYear) || math.IsNaN(g.SigmaPPMPerYear) {
			continue
		}
		if doc.Growth == nil {
			doc.Growth = map[string]lake.ProjectedValue{}
		}
		doc.Growth[name] = lake.ProjectedValue{Value: g.PPMPerYear, Sigma: g.SigmaPPMPerYear}
		rows = append(rows, row("growth_"+name, lake.UnitPPMPerYear, g.PPMPerYear, g.SigmaPPMPerYear, g.YTDPPM, int(p.AsOf.Month)))
	}
	return rows, doc
}

// PublishedAsOf is the month a year's published projection is made in:
// the latest month computed in that year, or November when the year is
// complete (a projection from all twelve months would be their sum, which
// budget_annual already holds; November's is the year's last forecast).
func PublishedAsOf(latestOfYear grid.Month) grid.Month {
	if latestOfYear.Month == time.December {
		return latestOfYear.Add(-1)
	}
	return latestOfYear
}
