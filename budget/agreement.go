package budget

import (
	"cmp"
	"fmt"
	"math"
	"slices"
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
// Land compares the DGVM emulators' land sink (with the fire anomaly) with
// the inversions' net land flux; ocean compares S_OCEAN's ensemble with the
// inversions' ocean flux. Each product is compared, and the products'
// mean. The combined 1σ is the bottom-up σ (the members' spread) and the
// top-down σ (the products' spread) in quadrature; they agree when the
// difference is within it. A region-month whose anomalies are not both
// known (no baseline yet, or no product) gives no row. Monthly rows come
// first, in month and table order, then calendar years complete in all
// twelve months (sums of the months; σ summed, as the budget's months are,
// as fully correlated).
func Agreement(rows []lake.RegionRow) []lake.AgreementRow {
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
	var monthly []lake.AgreementRow
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
			products := []string{Ensemble}
			for comp := range comps {
				if p, ok := strings.CutPrefix(comp, d.td+":"); ok {
					products = append(products, p)
				}
			}
			slices.Sort(products[1:])
			for _, p := range products {
				t := td
				if p != Ensemble {
					if t, ok1 = comps[lake.ProductComponent(d.td, p)]; !ok1 || math.IsNaN(t.AnomalyGtC) {
						continue
					}
				}
				monthly = append(monthly, agreementRow(k.month, "month", bu, d.domain, p,
					bu.GtC, bu.AnomalyGtC, bu.SigmaGtC, t.GtC, t.AnomalyGtC, td.SigmaGtC))
			}
		}
	}
	return append(monthly, annualAgreement(monthly)...)
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
		return fmt.Sprintf("%s, %s, %s: %s the same anomaly as %s within 1σ (%+.3f against %+.3f GtC; 1σ %.3f)",
			a.Name, a.Domain, a.Period, who, than, a.TopDownAnomalyGtC, a.BottomUpAnomalyGtC, a.SigmaGtC)
	}
	// Both are uptake: a larger anomaly is a stronger sink.
	word := "stronger"
	if a.DifferenceGtC < 0 {
		word = "weaker"
	}
	return fmt.Sprintf("%s, %s, %s: %s a %.3f GtC %s sink than %s (anomalies %+.3f against %+.3f GtC; combined 1σ %.3f)",
		a.Name, a.Domain, a.Period, who, math.Abs(a.DifferenceGtC), word, than, a.TopDownAnomalyGtC, a.BottomUpAnomalyGtC, a.SigmaGtC)
}

// annualAgreement sums the monthly rows of each calendar year complete in
// all twelve months.
func annualAgreement(monthly []lake.AgreementRow) []lake.AgreementRow {
	type key struct {
		year                    int
		region, domain, product string
	}
	type acc struct {
		first                                    lake.AgreementRow
		n                                        int
		bu, buAnom, buSigma, td, tdAnom, tdSigma float64
	}
	accs := map[key]*acc{}
	var order []key
	for _, a := range monthly {
		m, err := grid.ParseMonth(a.Period)
		if err != nil {
			continue
		}
		k := key{m.Year, a.RegionID, a.Domain, a.Product}
		s := accs[k]
		if s == nil {
			s = &acc{first: a}
			accs[k] = s
			order = append(order, k)
		}
		s.n++
		s.bu += a.BottomUpGtC
		s.buAnom += a.BottomUpAnomalyGtC
		s.buSigma += a.BottomUpSigmaGtC
		s.td += a.TopDownGtC
		s.tdAnom += a.TopDownAnomalyGtC
		s.tdSigma += a.TopDownSigmaGtC
	}
	slices.SortStableFunc(order, func(a, b key) int { return cmp.Compare(a.year, b.year) })
	var out []lake.AgreementRow
	for _, k := range order {
		s := accs[k]
		if s.n != 12 {
			continue
		}
		r := lake.RegionRow{RegionID: s.first.RegionID, Name: s.first.Name, Kind: s.first.Kind}
		out = append(out, agreementRow(fmt.Sprint(k.year), "calendar-year", r, k.domain, k.product,
			s.bu, s.buAnom, s.buSigma, s.td, s.tdAnom, s.tdSigma))
	}
	return out
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
