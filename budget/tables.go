package budget

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/lake"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Baseline is the reference period of anomalies, in whole years.
type Baseline struct {
	FromYear, ToYear int
	// FindingSigmas is Findings' threshold K; 0: 2.
	FindingSigmas float64
}

func rowOf(period, window string, b lake.Budget, months int) lake.Row {
	r := lake.Row{Period: period, Window: window, Months: months,
		EFos: b.EFos.GtC, EFosSigma: b.EFos.SigmaGtC, ELUC: b.ELUC.GtC, ELUCSigma: b.ELUC.SigmaGtC,
		GAtm: b.GAtm.GtC, GAtmSigma: b.GAtm.SigmaGtC, SOcean: b.SOcean.GtC, SOceanSigma: b.SOcean.SigmaGtC,
		SLand: b.SLand.GtC, SLandSigma: b.SLand.SigmaGtC, SCement: b.SCement.GtC,
		BIm: b.BIm.GtC, BImSigma: b.BIm.SigmaGtC, LandResidual: b.LandResidual.GtC, NetLand: b.NetLand.GtC}
	var prov []string
	for _, t := range []struct {
		name string
		t    lake.Term
	}{{"e_fos", b.EFos}, {"e_luc", b.ELUC}, {"g_atm", b.GAtm}, {"s_ocean", b.SOcean}, {"s_land", b.SLand}, {"s_cement", b.SCement}} {
		if t.t.Provisional {
			prov = append(prov, t.name)
		}
	}
	r.ProvisionalTerms = strings.Join(prov, ",")
	r.Provisional = len(prov) > 0
	r.NetLandTopDown, r.NetLandTopDownSigma, r.SOceanTopDown, r.SOceanTopDownSigma = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	r.GAtmNOAA, r.GAtmNOAASigma = math.NaN(), math.NaN()
	if td := b.TopDown; td != nil {
		r.TopDownProducts = len(td.Products)
		if len(td.NetLandByProduct) > 0 {
			r.NetLandTopDown, r.NetLandTopDownSigma = td.NetLand.GtC, td.NetLand.SigmaGtC
		}
		if len(td.OceanByProduct) > 0 {
			r.SOceanTopDown, r.SOceanTopDownSigma = td.Ocean.GtC, td.Ocean.SigmaGtC
		}
	}
	return r
}

// Tables builds the published tables from the published months:
// budget_monthly, budget_annual (calendar years and July–June windows,
// complete windows only) and the regional rows of every month in month
// order, all with anomalies against the baseline, and the agreement of
// bottom-up and top-down anomalies.
func Tables(months map[grid.Month]lake.MonthRecord, base Baseline) lake.Tables {
	keys := slices.SortedFunc(maps.Keys(months), func(a, b grid.Month) int { return a.Sub(b) })
	var t lake.Tables
	for _, m := range keys {
		rec := months[m]
		t.Monthly = append(t.Monthly, rowOf(m.String(), "month", rec.Budget, 1))
		t.Regional = append(t.Regional, rec.Regional...)
		t.Fossil = append(t.Fossil, rec.FossilNational...)
	}
	RegionalAnomalies(t.Regional, base)
	t.Agreement = Agreement(t.Regional, base)
	t.Findings = Findings(t.Regional, base, FindingOptions{K: base.FindingSigmas})
	t.Annual = annualRows(keys, months, t.Monthly, base)
	return t
}

// annualRows builds the annual rows from the months (keys in order) and
// sets the anomalies of the monthly rows and of them.
func annualRows(keys []grid.Month, months map[grid.Month]lake.MonthRecord, monthly []lake.Row, base Baseline) (annual []lake.Row) {
	annual = append(annual, windows(keys, months, 1, "calendar-year")...)
	annual = append(annual, windows(keys, months, 7, "july-june")...)
	anomalies(monthly, base, func(r lake.Row) (string, int, bool) {
		m, _ := grid.ParseMonth(r.Period)
		return fmt.Sprint(int(m.Month)), m.Year, true
	})
	anomalies(annual, base, func(r lake.Row) (string, int, bool) {
		y, _ := strconv.Atoi(r.Period[:4])
		return r.Window, y, true
	})
	return annual
}

// windows sums 12-month windows starting in firstMonth of each year. The
// annual G_ATM is the sum of the de-seasonalised monthly growth, which for
// calendar years equals NOAA's annual growth exactly (see MonthGrowth).
func windows(keys []grid.Month, months map[grid.Month]lake.MonthRecord, firstMonth int, window string) []lake.Row {
	var rows []lake.Row
	seen := map[int]bool{}
	for _, k := range keys {
		y := k.Year
		if int(k.Month) < firstMonth {
			y--
		}
		if seen[y] {
			continue
		}
		seen[y] = true
		start := grid.Month{Year: y, Month: timeMonth(firstMonth)}
		var ts [6][]lake.Term
		var tds []*lake.TopDown
		var gatm float64
		complete := true
		for _, m := range grid.Range(start, start.Add(11)) {
			rec, ok := months[m]
			if !ok {
				complete = false
				break
			}
			b := rec.Budget
			for i, t := range []lake.Term{b.EFos, b.ELUC, b.GAtm, b.SOcean, b.SLand, b.SCement} {
				ts[i] = append(ts[i], t)
			}
			gatm += rec.GAtmDeseasonalisedGtC
			tds = append(tds, b.TopDown)
		}
		if !complete {
			continue
		}
		g := SumTerms(ts[2])
		g.GtC = gatm
		g.SigmaGtC = GAtmSigmaGtCPerYear
		ocean, land := SumTerms(ts[3]), SumTerms(ts[4])
		if sd, ok := memberSpread(months, start, func(r lake.MonthRecord) map[string]float64 { return r.OceanMembers }); ok {
			ocean.SigmaGtC = sd
		}
		if sd, ok := memberSpread(months, start, func(r lake.MonthRecord) map[string]float64 { return r.LandMembers }); ok {
			land.SigmaGtC = sd
		}
		period := fmt.Sprint(y)
		if firstMonth != 1 {
			period = fmt.Sprintf("%s/%s", start, start.Add(11))
		}
		b := Close(period, lake.Terms{EFos: SumTerms(ts[0]), ELUC: SumTerms(ts[1]), GAtm: g,
			SOcean: ocean, SLand: land, SCement: SumTerms(ts[5])})
		b.TopDown = sumTopDown(tds)
		row := rowOf(period, window, b, 12)
		// NOAA's own annual growth of the calendar year, as the months
		// carry it (all twelve, from the same file).
		if g := months[start].NOAAGrowth; firstMonth == 1 && g != nil && g.Year == y {
			row.GAtmNOAA = g.PPMPerYear * GtCPerPPM
			if g.HasUnc {
				row.GAtmNOAASigma = g.UncPPMPerYear * GtCPerPPM
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// anomalies sets the anomaly columns: value minus the mean of the rows of
// the same group (calendar month, or window kind) in the baseline years.
func anomalies(rows []lake.Row, base Baseline, key func(lake.Row) (group string, year int, ok bool)) {
	type acc struct {
		sum [5]float64
		n   int
	}
	accs := map[string]*acc{}
	vals := func(r lake.Row) [5]float64 { return [5]float64{r.EFos, r.GAtm, r.SOcean, r.SLand, r.NetLand} }
	for _, r := range rows {
		g, y, _ := key(r)
		if y < base.FromYear || y > base.ToYear {
			continue
		}
		a := accs[g]
		if a == nil {
			a = &acc{}
			accs[g] = a
		}
		v := vals(r)
		for i := range v {
			a.sum[i] += v[i]
		}
		a.n++
	}
	need := base.ToYear - base.FromYear + 1
	for i := range rows {
		g, _, _ := key(rows[i])
		a := accs[g]
		an := [5]float64{math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()}
		if a != nil && a.n == need {
			v := vals(rows[i])
			for k := range v {
				an[k] = v[k] - a.sum[k]/float64(a.n)
			}
		}
		rows[i].EFosAnomaly, rows[i].GAtmAnomaly, rows[i].SOceanAnomaly, rows[i].SLandAnomaly, rows[i].NetLandAnomaly = an[0], an[1], an[2], an[3], an[4]
	}
}

// RegionalAnomalies sets AnomalyGtC on every regional row: value minus the
// mean of the same region, component and calendar month over the baseline
// years (NaN when the baseline is incomplete).
func RegionalAnomalies(rows []lake.RegionRow, base Baseline) {
	type k struct{ region, comp, month string }
	sum := map[k]float64{}
	n := map[k]int{}
	key := func(r lake.RegionRow) (k, int) {
		m, _ := grid.ParseMonth(r.Month)
		return k{r.RegionID, r.Component, fmt.Sprint(int(m.Month))}, m.Year
	}
	for _, r := range rows {
		kk, y := key(r)
		if y >= base.FromYear && y <= base.ToYear {
			sum[kk] += r.GtC
			n[kk]++
		}
	}
	need := base.ToYear - base.FromYear + 1
	for i := range rows {
		kk, _ := key(rows[i])
		rows[i].AnomalyGtC = math.NaN()
		if n[kk] == need {
			rows[i].AnomalyGtC = rows[i].GtC - sum[kk]/float64(need)
		}
	}
}

// memberSpread is the sample standard deviation of the members' totals
// over the 12 months from start, when every month has the same members:
// the spread of annual totals, which is smaller than the sum of monthly
// spreads because members differ most in their seasonal cycles.
func memberSpread(months map[grid.Month]lake.MonthRecord, start grid.Month, get func(lake.MonthRecord) map[string]float64) (float64, bool) {
	sums := map[string]float64{}
	for i, m := range grid.Range(start, start.Add(11)) {
		mem := get(months[m])
		if len(mem) < 2 || (i > 0 && len(mem) != len(sums)) {
			return 0, false
		}
		for name, v := range mem {
			if _, ok := sums[name]; !ok && i > 0 {
				return 0, false
			}
			sums[name] += v
		}
	}
	// Members in name order: the same bits on every run.
	names := slices.Sorted(maps.Keys(sums))
	var mean float64
	for _, n := range names {
		mean += sums[n]
	}
	mean /= float64(len(sums))
	var ss float64
	for _, n := range names {
		ss += (sums[n] - mean) * (sums[n] - mean)
	}
	return math.Sqrt(ss / float64(len(sums)-1)), true
}
