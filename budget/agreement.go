package budget

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// Ensemble is the Product of an agreement row that compares the products'
// mean.
const Ensemble = "ensemble"

// Agreement compares bottom-up and top-down fluxes region by region, as
// anomalies against the baseline (rows must have been through
// RegionalAnomalies). Absolute values would not do: the inversions' land
// flux holds E_LUC and lateral fluxes that the DGVMs' S_LAND leaves out by
// definition, and E_LUC has no regional split here; anomalies cancel such
// steady differences and each side's mean bias, and keep what matters for
// a month's story (where the sink failed).
//
// Both sides' σ are then widened to how far apart they usually are over
// the baseline years (calibrate).
//
// Land compares the DGVM emulators' land sink (with the fire anomaly) with
// the inversions' net land flux; ocean compares S_OCEAN's ensemble with the
// inversions' ocean flux. Each product is compared, and the products'
// mean. Each side's 1σ is the spread (sample standard deviation) of its
// members' anomalies (the component:NAME rows; the row's own σ when fewer
// than two have one), and the combined σ is the two in quadrature; they
// agree when the difference is within it. The spread of anomalies, not of
// values, is what matters: members differ most in their mean seasonal
// cycles, which anomalies remove. A region-month whose anomalies are not
// both known (no baseline yet, or no product) gives no row. Monthly rows
// come first, in month and table order, then calendar years complete in
// all twelve months with the same members and products (sums of the
// months' anomalies, σ the spread of the members' and products' sums).
func Agreement(rows []lake.RegionRow, base Baseline) []lake.AgreementRow {
	type key struct{ month, region string }
	byRM := map[key]map[string]lake.RegionRow{}
	var order []key
	for _, r := range rows {
		k := key{r.Month, r.RegionID}
		m := byRM[k]
		if m == nil {
			m = map[string]lake.RegionRow{}
			byRM[k] = m
			order = append(order, k)
		}
		m[r.Component] = r
	}
	var monthly []comparison
	for _, k := range order {
		comps := byRM[k]
		for _, d := range []struct{ domain, bu, td string }{
			{"land", lake.CompLand, lake.CompLandTopDown}, {"ocean", lake.CompOcean, lake.CompOceanTopDown},
		} {
			bu, ok1 := comps[d.bu]
			td, ok2 := comps[d.td]
			if !ok1 || !ok2 || math.IsNaN(bu.AnomalyGtC) || math.IsNaN(td.AnomalyGtC) {
				continue
			}
			c := comparison{period: k.month, domain: d.domain, bu: bu, td: td,
				members: anomaliesOf(comps, d.bu), products: anomaliesOf(comps, d.td), productValues: map[string]float64{}}
			for p := range c.products {
				c.productValues[p] = comps[lake.ProductComponent(d.td, p)].GtC
			}
			monthly = append(monthly, c)
		}
	}
	var out []lake.AgreementRow
	for _, c := range monthly {
		out = append(out, c.rows("month")...)
	}
	out = append(out, annualAgreement(monthly)...)
	calibrate(out, base)
	return out
}

// calibrate widens each row's σ to the root-mean-square difference of the
// same region, domain, product and calendar month (or calendar year) over
// the baseline years, when every baseline year has one. Members' and
// products' spreads underestimate what the two sides normally differ by:
// two inversion products, or three DGVM emulators trained on the same
// drivers, share much of their errors. The baseline says how far apart the
// two sides usually are; a month is flagged when it is further apart than
// that, or than its spreads, whichever is wider.
func calibrate(rows []lake.AgreementRow, base Baseline) {
	type key struct{ window, region, domain, product, group string }
	keyOf := func(a lake.AgreementRow) (key, int) {
		k := key{a.Window, a.RegionID, a.Domain, a.Product, "year"}
		year, _ := strconv.Atoi(a.Period[:min(4, len(a.Period))])
		if m, err := grid.ParseMonth(a.Period); err == nil {
			k.group, year = fmt.Sprint(int(m.Month)), m.Year
		}
		return k, year
	}
	ss, n := map[key]float64{}, map[key]int{}
	for _, a := range rows {
		k, y := keyOf(a)
		if y >= base.FromYear && y <= base.ToYear {
			ss[k] += a.DifferenceGtC * a.DifferenceGtC
			n[k]++
		}
	}
	need := base.ToYear - base.FromYear + 1
	for i := range rows {
		k, _ := keyOf(rows[i])
		if n[k] != need || need < 2 {
			continue
		}
		rows[i].BaselineRMSGtC = math.Sqrt(ss[k] / float64(need))
		if rows[i].BaselineRMSGtC > rows[i].SigmaGtC {
			rows[i].SigmaGtC = rows[i].BaselineRMSGtC
			rows[i].Agree = math.Abs(rows[i].DifferenceGtC) <= rows[i].SigmaGtC
			rows[i].Text = agreementText(rows[i])
		}
	}
}

// comparison is one region, period and domain: the two sides' rows (GtC
// and AnomalyGtC; SigmaGtC the fallback σ) and their members' and
// products' anomalies.
type comparison struct {
	period, domain    string
	bu, td            lake.RegionRow
	members, products map[string]float64
	// productValues are the products' values (GtC), for their rows.
	productValues map[string]float64
}

// anomaliesOf are the anomalies of the rows comp:NAME, by NAME.
func anomaliesOf(comps map[string]lake.RegionRow, comp string) map[string]float64 {
	out := map[string]float64{}
	for name, r := range comps {
		if p, ok := strings.CutPrefix(name, comp+":"); ok && !math.IsNaN(r.AnomalyGtC) {
			out[p] = r.AnomalyGtC
		}
	}
	return out
}

// spread is the sample standard deviation of vals, or fallback when there
// are fewer than two.
func spread(vals map[string]float64, fallback float64) float64 {
	if len(vals) < 2 {
		return fallback
	}
	vs := make([]float64, 0, len(vals))
	for _, k := range slices.Sorted(maps.Keys(vals)) {
		vs = append(vs, vals[k])
	}
	_, sd := meanSD(vs)
	return sd
}

// rows are the comparison's agreement rows: the products' mean, then each
// product.
func (c comparison) rows(window string) []lake.AgreementRow {
	buSigma := spread(c.members, c.bu.SigmaGtC)
	tdSigma := spread(c.products, c.td.SigmaGtC)
	out := []lake.AgreementRow{agreementRow(c.period, window, c.bu, c.domain, Ensemble,
		c.bu.GtC, c.bu.AnomalyGtC, buSigma, c.td.GtC, c.td.AnomalyGtC, tdSigma)}
	for _, p := range slices.Sorted(maps.Keys(c.products)) {
		out = append(out, agreementRow(c.period, window, c.bu, c.domain, p,
			c.bu.GtC, c.bu.AnomalyGtC, buSigma, c.productValues[p], c.products[p], tdSigma))
	}
	return out
}

// annualAgreement sums the monthly comparisons of each calendar year
// complete in all twelve months, with the same members and products in
// each. A year's fallback σ is the months' summed (fully correlated).
func annualAgreement(monthly []comparison) []lake.AgreementRow {
	type key struct {
		year           int
		region, domain string
	}
	type acc struct {
		c     comparison
		n     int
		mixed bool
	}
	accs := map[key]*acc{}
	var order []key
	for _, c := range monthly {
		m, err := grid.ParseMonth(c.period)
		if err != nil {
			continue
		}
		k := key{m.Year, c.bu.RegionID, c.domain}
		a := accs[k]
		if a == nil {
			a = &acc{c: comparison{period: fmt.Sprint(m.Year), domain: c.domain,
				bu:      lake.RegionRow{RegionID: c.bu.RegionID, Name: c.bu.Name, Kind: c.bu.Kind},
				members: map[string]float64{}, products: map[string]float64{}, productValues: map[string]float64{}}}
			accs[k] = a
			order = append(order, k)
		} else if !sameKeys(a.c.members, c.members) || !sameKeys(a.c.products, c.products) {
			a.mixed = true
		}
		a.n++
		for _, p := range []struct{ sum, month *lake.RegionRow }{{&a.c.bu, &c.bu}, {&a.c.td, &c.td}} {
			p.sum.GtC += p.month.GtC
			p.sum.AnomalyGtC += p.month.AnomalyGtC
			p.sum.SigmaGtC += p.month.SigmaGtC
		}
		for n, v := range c.members {
			a.c.members[n] += v
		}
		for n, v := range c.products {
			a.c.products[n] += v
			a.c.productValues[n] += c.productValues[n]
		}
	}
	slices.SortStableFunc(order, func(a, b key) int { return cmp.Compare(a.year, b.year) })
	var out []lake.AgreementRow
	for _, k := range order {
		if a := accs[k]; a.n == 12 && !a.mixed {
			out = append(out, a.c.rows("calendar-year")...)
		}
	}
	return out
}

// sameKeys reports whether the running sums a (empty before the first
// month) and the month's b name the same members.
func sameKeys(a, b map[string]float64) bool {
	if len(a) == 0 {
		return true
	}
	if len(a) != len(b) {
		return false
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			return false
		}
	}
	return true
}

func agreementRow(period, window string, r lake.RegionRow, domain, product string, bu, buAnom, buSigma, td, tdAnom, tdSigma float64) lake.AgreementRow {
	a := lake.AgreementRow{Period: period, Window: window, RegionID: r.RegionID, Name: r.Name, Kind: r.Kind,
		Domain: domain, Product: product, BottomUpGtC: bu, BottomUpAnomalyGtC: buAnom, BottomUpSigmaGtC: buSigma,
		TopDownGtC: td, TopDownAnomalyGtC: tdAnom, TopDownSigmaGtC: tdSigma,
		DifferenceGtC: tdAnom - buAnom, SigmaGtC: math.Hypot(buSigma, tdSigma)}
	a.Agree = math.Abs(a.DifferenceGtC) <= a.SigmaGtC
	a.Text = agreementText(a)
	return a
}

// agreementText says an agreement row in words: "North America, land, in
// 2023-07: CT-NRT sees a 0.38 GtC stronger sink than the emulators
// (anomalies −0.40 against −0.02; combined 1σ 0.12)".
func agreementText(a lake.AgreementRow) string {
	who := "the inversions see"
	if a.Product != Ensemble {
		who = a.Product + " sees"
	}
	than := "the land emulators"
	if a.Domain == "ocean" {
		than = "the ocean ensemble"
	}
	if a.Agree {
		return fmt.Sprintf("%s, %s: %s the same anomaly as %s within 1σ (%+.3f against %+.3f GtC; 1σ %.3f)",
			where(a), a.Period, who, than, a.TopDownAnomalyGtC, a.BottomUpAnomalyGtC, a.SigmaGtC)
	}
	// Both are uptake: a larger anomaly is a stronger sink.
	word := "stronger"
	if a.DifferenceGtC < 0 {
		word = "weaker"
	}
	return fmt.Sprintf("%s, %s: %s a %.3f GtC %s sink than %s (anomalies %+.3f against %+.3f GtC; combined 1σ %.3f)",
		where(a), a.Period, who, math.Abs(a.DifferenceGtC), word, than, a.TopDownAnomalyGtC, a.BottomUpAnomalyGtC, a.SigmaGtC)
}

// Disagreements are the month's rows of Agreement where the two sides
// disagree, for budget.json and the report: the globe, the RECCAP2
// regions, the latitude bands and the special regions (countries are in
// the agreement table; listing every small country's noise would bury the
// story).
func Disagreements(month string, agreement []lake.AgreementRow) []lake.AgreementRow {
	var out []lake.AgreementRow
	for _, a := range agreement {
		if a.Period != month || a.Agree || a.Kind == "country" {
			continue
		}
		out = append(out, a)
	}
	return out
}

// where names the region and domain: "Europe, land"; a band's name says
// its domain already ("North of 20°N, land").
func where(a lake.AgreementRow) string {
	if strings.HasSuffix(a.Name, ", "+a.Domain) {
		return a.Name
	}
	return a.Name + ", " + a.Domain
}
