package release

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// Check is the outcome of one consistency check of a release.
type Check struct {
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
	// Detail says what was compared, or the first failures.
	Detail string `json:"detail"`
}

// Failed returns the checks that did not pass.
func Failed(checks []Check) []Check {
	var out []Check
	for _, c := range checks {
		if !c.Passed {
			out = append(out, c)
		}
	}
	return out
}

// Tolerances. Sums of our own values differ from their totals only by
// float64 rounding. Carbon Monitor states no tolerance; it rounds its rows
// to six significant digits, so its parts differ from its WORLD row by
// that rounding: at most 1.1e-6 relative over the 84 month-sectors of the
// real 2023–2024 file, about 1e-6 in the twin's. 1e-4 per sector and
// month is a hundred times that, and far below any real inconsistency.
const (
	sumTolGtC       = 1e-6
	sumTolRel       = 1e-6
	fossilTolRel    = 1e-4
	maxFailureLines = 5
)

// eu27UK are the ISO codes of the countries Carbon Monitor's "EU27 & UK"
// row contains: a country among them is in that row and must not be
// counted twice against WORLD.
var eu27UK = map[string]bool{"AUT": true, "BEL": true, "BGR": true, "HRV": true, "CYP": true, "CZE": true, "DNK": true,
	"EST": true, "FIN": true, "FRA": true, "DEU": true, "GRC": true, "HUN": true, "IRL": true, "ITA": true, "LVA": true,
	"LTU": true, "LUX": true, "MLT": true, "NLD": true, "POL": true, "PRT": true, "ROU": true, "SVK": true, "SVN": true,
	"ESP": true, "SWE": true, "GBR": true}

// RunChecks runs every consistency check on the output directory out.
func RunChecks(out string) []Check {
	months, err := lake.ReadMonths(out)
	if err != nil {
		return []Check{{Name: "read", Detail: err.Error()}}
	}
	ms := make([]grid.Month, 0, len(months))
	for m := range months {
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Before(ms[j]) })
	recs := make([]lake.MonthRecord, len(ms))
	for i, m := range ms {
		recs[i] = months[m]
	}
	return []Check{
		checkMaturity(recs),
		checkIdentity(recs),
		checkFossilWorld(recs),
		checkPartition("land_partition", recs, []string{"band-land", "country"},
			[]string{lake.CompFossil, lake.CompLand, lake.CompFire}),
		checkPartition("ocean_partition", recs, []string{"band-ocean"}, []string{lake.CompOcean}),
		checkMonthlyTable(out, recs),
		checkAnnual(out, recs),
	}
}

// failures collects failure lines of a check, keeping the first few.
type failures struct {
	n     int
	lines []string
}

func (f *failures) add(format string, args ...any) {
	f.n++
	if len(f.lines) < maxFailureLines {
		f.lines = append(f.lines, fmt.Sprintf(format, args...))
	}
}

func (f *failures) check(name, passed string) Check {
	if f.n == 0 {
		return Check{Name: name, Passed: true, Detail: passed}
	}
	more := ""
	if f.n > len(f.lines) {
		more = fmt.Sprintf(" (and %d more)", f.n-len(f.lines))
	}
	return Check{Name: name, Detail: strings.Join(f.lines, "; ") + more}
}

func near(a, b, tolRel float64) bool {
	return math.Abs(a-b) <= sumTolGtC+tolRel*math.Max(math.Abs(a), math.Abs(b))
}

// checkMaturity: every term of every month states its maturity.
func checkMaturity(recs []lake.MonthRecord) Check {
	var f failures
	for _, r := range recs {
		if err := r.Budget.CheckMaturity(); err != nil {
			f.add("%v", err)
		}
	}
	return f.check("maturity", fmt.Sprintf("every term of %d months states observed, emulated, provisional or projected", len(recs)))
}

// checkIdentity: E_FOS + E_LUC = G_ATM + S_OCEAN + S_LAND + S_CEMENT + B_IM.
func checkIdentity(recs []lake.MonthRecord) Check {
	var f failures
	for _, r := range recs {
		b := r.Budget
		lhs := b.EFos.GtC + b.ELUC.GtC
		rhs := b.GAtm.GtC + b.SOcean.GtC + b.SLand.GtC + b.SCement.GtC + b.BIm.GtC
		if !near(lhs, rhs, sumTolRel) {
			f.add("%s: sources %.6f GtC, sinks and imbalance %.6f GtC", b.Period, lhs, rhs)
		}
	}
	return f.check("identity", fmt.Sprintf("the budget identity closes in %d months", len(recs)))
}

// checkFossilWorld: the fossil source's countries outside EU27 & UK, the
// EU27 & UK row and the rest of the world add up to its WORLD row, per
// month and sector.
func checkFossilWorld(recs []lake.MonthRecord) Check {
	var f failures
	compared := 0
	for _, r := range recs {
		parts, world := map[string]float64{}, map[string]float64{}
		for _, n := range r.FossilNational {
			switch {
			case n.Country == "WORLD":
				world[n.Sector] += n.GtC
			case n.ISO3 != "" && eu27UK[n.ISO3]:
				// inside the EU27 & UK row
			default:
				parts[n.Sector] += n.GtC
			}
		}
		for sector, w := range world {
			compared++
			if !near(parts[sector], w, fossilTolRel) {
				f.add("%s %s: countries, EU27 & UK and ROW %.6f GtC, WORLD %.6f GtC", r.Budget.Period, sector, parts[sector], w)
			}
		}
	}
	return f.check("fossil_world", fmt.Sprintf("%d month-sectors: countries, EU27 & UK and ROW equal WORLD within %.2g%%", compared, 100*fossilTolRel))
}

// checkPartition: for each kind, the regions' values of each component
// add up to the global value, per month.
func checkPartition(name string, recs []lake.MonthRecord, kinds, comps []string) Check {
	var f failures
	compared := 0
	for _, r := range recs {
		global := map[string]float64{}
		sums := map[[2]string]float64{}
		has := map[string]bool{}
		for _, row := range r.Regional {
			switch {
			case row.Kind == "global":
				global[row.Component] = row.GtC
			case contains(kinds, row.Kind):
				sums[[2]string{row.Kind, row.Component}] += row.GtC
				has[row.Kind] = true
			}
		}
		for _, kind := range kinds {
			if !has[kind] {
				f.add("%s: no %s regions", r.Budget.Period, kind)
				continue
			}
			for _, c := range comps {
				g, ok := global[c]
				if !ok {
					f.add("%s: no global %s", r.Budget.Period, c)
					continue
				}
				compared++
				if s := sums[[2]string{kind, c}]; !near(s, g, sumTolRel) {
					f.add("%s %s %s: regions add up to %.6f GtC, the globe %.6f GtC", r.Budget.Period, kind, c, s, g)
				}
			}
		}
	}
	return f.check(name, fmt.Sprintf("%d sums of %s over %s equal the global value", compared, strings.Join(comps, ", "), strings.Join(kinds, " and ")))
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// checkMonthlyTable: budget_monthly has one row per published month, with
// the month's budget.json values (a crash between a month's publication
// and the tables' rebuild leaves them apart).
func checkMonthlyTable(out string, recs []lake.MonthRecord) Check {
	monthly, err := output.ReadParquet[lake.Row](filepath.Join(out, "budget_monthly.parquet"))
	if err != nil {
		return Check{Name: "monthly_table", Detail: fmt.Sprintf("read budget_monthly.parquet: %v", err)}
	}
	rows := map[string]lake.Row{}
	for _, r := range monthly {
		rows[r.Period] = r
	}
	var f failures
	if len(monthly) != len(recs) {
		f.add("budget_monthly has %d rows for %d published months", len(monthly), len(recs))
	}
	for _, m := range recs {
		b := m.Budget
		r, ok := rows[b.Period]
		if !ok {
			f.add("%s: no row in budget_monthly", b.Period)
			continue
		}
		for _, t := range []struct {
			key        string
			table, rec float64
		}{{"e_fos", r.EFos, b.EFos.GtC}, {"e_luc", r.ELUC, b.ELUC.GtC}, {"g_atm", r.GAtm, b.GAtm.GtC}, {"s_ocean", r.SOcean, b.SOcean.GtC},
			{"s_land", r.SLand, b.SLand.GtC}, {"s_cement", r.SCement, b.SCement.GtC}, {"b_im", r.BIm, b.BIm.GtC}} {
			if !same(t.table, t.rec) {
				f.add("%s %s: budget_monthly %.6f GtC, budget.json %.6f GtC", b.Period, t.key, t.table, t.rec)
			}
		}
	}
	return f.check("monthly_table", fmt.Sprintf("budget_monthly holds the %d months' budgets", len(recs)))
}

// checkAnnual: each calendar year of budget_annual is the sum of its
// months (G_ATM: of their de-seasonalised growth, which is how the annual
// value is defined) and closes the identity.
func checkAnnual(out string, recs []lake.MonthRecord) Check {
	annual, err := output.ReadParquet[lake.Row](filepath.Join(out, "budget_annual.parquet"))
	if err != nil {
		return Check{Name: "annual_sums", Detail: fmt.Sprintf("read budget_annual.parquet: %v", err)}
	}
	byYear := map[string][]lake.MonthRecord{}
	for _, r := range recs {
		byYear[r.Budget.Period[:4]] = append(byYear[r.Budget.Period[:4]], r)
	}
	var f failures
	years := 0
	for _, a := range annual {
		if a.Window != "calendar-year" {
			continue
		}
		ms := byYear[a.Period]
		if len(ms) != 12 {
			f.add("%s: annual row from %d published months", a.Period, len(ms))
			continue
		}
		years++
		var sum lake.Row
		for _, m := range ms {
			b := m.Budget
			sum.EFos += b.EFos.GtC
			sum.ELUC += b.ELUC.GtC
			sum.GAtm += m.GAtmDeseasonalisedGtC
			sum.SOcean += b.SOcean.GtC
			sum.SLand += b.SLand.GtC
			sum.SCement += b.SCement.GtC
		}
		for _, t := range []struct {
			key         string
			annual, sum float64
		}{{"e_fos", a.EFos, sum.EFos}, {"e_luc", a.ELUC, sum.ELUC}, {"g_atm", a.GAtm, sum.GAtm}, {"s_ocean", a.SOcean, sum.SOcean},
			{"s_land", a.SLand, sum.SLand}, {"s_cement", a.SCement, sum.SCement},
			{"b_im", a.BIm, a.EFos + a.ELUC - a.GAtm - a.SOcean - a.SLand - a.SCement}} {
			if !near(t.annual, t.sum, sumTolRel) {
				f.add("%s %s: annual %.6f GtC, from the months %.6f GtC", a.Period, t.key, t.annual, t.sum)
			}
		}
	}
	return f.check("annual_sums", fmt.Sprintf("%d calendar years equal the sum of their months", years))
}
