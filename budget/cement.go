package budget

import (
	"math"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// cementCarbonationGtCPerYear is the cement carbonation sink S_CEMENT of the
// Global Carbon Budget 2025 (Friedlingstein et al. 2025, sheet "Cement
// Carbonation Sink", column GCB), GtC/yr, rounded to 1e-4.
var cementCarbonationGtCPerYear = map[int]float64{
	1990: 0.0576, 1991: 0.0593, 1992: 0.0620, 1993: 0.0648, 1994: 0.0681, 1995: 0.0713, 1996: 0.0743,
	1997: 0.0771, 1998: 0.0780, 1999: 0.0807, 2000: 0.0834, 2001: 0.0863, 2002: 0.0909, 2003: 0.0976,
	2004: 0.1041, 2005: 0.1112, 2006: 0.1207, 2007: 0.1300, 2008: 0.1354, 2009: 0.1426, 2010: 0.1522,
	2011: 0.1635, 2012: 0.1714, 2013: 0.1812, 2014: 0.1872, 2015: 0.1895, 2016: 0.1922, 2017: 0.1952,
	2018: 0.1997, 2019: 0.2096, 2020: 0.2136, 2021: 0.2244, 2022: 0.2209, 2023: 0.2274, 2024: 0.2243,
}

// CementCarbonation returns S_CEMENT for month m: the GCB annual value
// spread over the year in proportion to the month's days. Years after the
// table carry its last value forward, flagged provisional, as the GCB
// projects its latest year; years before it are an error-free zero with
// the flag set (no budget that early is computed).
func CementCarbonation(m grid.Month) Term {
	const lastYear, firstYear = 2024, 1990
	y, prov := m.Year, false
	if y > lastYear {
		y, prov = lastYear, true
	}
	v, ok := cementCarbonationGtCPerYear[y]
	if !ok || y < firstYear {
		return Term{Provisional: true}
	}
	days := float64(m.Days()) / float64(grid.Month{Year: m.Year, Month: 12}.End().Sub(grid.Month{Year: m.Year, Month: 1}.Start()).Hours()/24)
	// The GCB gives no uncertainty for S_CEMENT; its two estimates (Cao,
	// Huang) differ by about 20 %, which serves as the 1σ.
	return Term{GtC: v * days, SigmaGtC: 0.2 * v * days, Provisional: prov || math.IsNaN(v)}
}
