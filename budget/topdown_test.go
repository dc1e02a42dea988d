package budget

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// TestTopDownTerms: two products whose fluxes per m² of cell are uniform
// over land (and over ocean) give back the land and ocean areas' totals,
// the river flux moves between them as the GCB compares them, and the
// products' spread is the σ.
func TestTopDownTerms(t *testing.T) {
	g := grid.MustNew(2)
	set, err := regions.Load(g)
	if err != nil {
		t.Fatal(err)
	}
	lf := set.LandFraction()
	// Per m² of cell: land flux × land fraction, ocean flux × ocean fraction.
	product := func(name string, land, ocean float32) Inversion {
		l, o := grid.NewField(g, "l", "g C m-2 month-1"), grid.NewField(g, "o", "g C m-2 month-1")
		for i := range l.Values {
			l.Values[i] = land * lf[i]
			o.Values[i] = ocean * (1 - lf[i])
		}
		return Inversion{Name: name, Land: l, Ocean: o}
	}
	m := grid.Month{Year: 2023, Month: 7}
	in := Inputs{Grid: g, LandFraction: lf, Regions: set, CO2: synthetic(grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 12}, 0.2),
		Fossil: Flux{Term: lake.Term{GtC: 0.8}}, Land: Flux{Term: lake.Term{GtC: 0.25}}, Ocean: Flux{Term: lake.Term{GtC: 0.24}},
		Inversions:        []Inversion{product("B", 2, 1), product("A", 1, 1)},
		InversionsMissing: []string{"C"}}
	res, err := Run(context.Background(), m, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	td := res.Budget.TopDown
	if td == nil {
		t.Fatal("no top_down in the budget")
	}
	landArea, oceanArea := g.TotalAreaM2(lf)/1e15, g.TotalAreaM2(set.OceanFraction())/1e15
	river := 0.65 * 31 / 365
	if want := []string{"A", "B"}; strings.Join(td.Products, ",") != strings.Join(want, ",") || td.Missing[0] != "C" {
		t.Errorf("products %v missing %v, want %v and [C]", td.Products, td.Missing, want)
	}
	for name, want := range map[string]float64{"A": 1*landArea - river, "B": 2*landArea - river} {
		if got := td.NetLandByProduct[name]; math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("net land of %s = %g GtC, want the land area's total less the river flux %g", name, got, want)
		}
	}
	if want := 1*oceanArea + river; math.Abs(td.Ocean.GtC-want) > 1e-9*want {
		t.Errorf("top-down ocean %g, want %g (the products' flux plus the river's)", td.Ocean.GtC, want)
	}
	spread := landArea / math.Sqrt2 // sample SD of {1, 2}×area
	if want := math.Hypot(spread, 0.3*31/365); math.Abs(td.NetLand.SigmaGtC-want) > 1e-9 {
		t.Errorf("net land σ %g, want the spread and the river's σ in quadrature %g", td.NetLand.SigmaGtC, want)
	}
	if !td.NetLand.Provisional {
		t.Error("a configured product is missing, yet the top-down land is not provisional")
	}
	rows := map[string]lake.RegionRow{}
	for _, r := range res.Regional {
		rows[r.RegionID+"|"+r.Component] = r
	}
	fraW, _ := set.Weights("FRA")
	fra := g.TotalAreaM2(fraW) / 1e15
	if got := rows["FRA|"+lake.CompLandTopDown].GtC; math.Abs(got-1.5*fra) > 1e-9*fra {
		t.Errorf("France top-down land %g, want the products' mean 1.5 × its land area %g", got, 1.5*fra)
	}
	if got := rows["FRA|"+lake.ProductComponent(lake.CompLandTopDown, "B")].GtC; math.Abs(got-2*fra) > 1e-9*fra {
		t.Errorf("France land of B %g, want %g", got, 2*fra)
	}
	if _, ok := rows["FRA|"+lake.CompOceanTopDown]; ok {
		t.Error("a country has a top-down ocean row")
	}
	// The annual table carries the products' totals.
	months := map[grid.Month]lake.MonthRecord{}
	for mo := 1; mo <= 12; mo++ {
		r := res.Record()
		months[grid.Month{Year: 2023, Month: grid.Month{Month: 1}.Add(mo - 1).Month}] = r
	}
	tab := Tables(months, Baseline{FromYear: 2015, ToYear: 2022})
	if len(tab.Annual) == 0 || tab.Annual[0].TopDownProducts != 2 || math.Abs(tab.Annual[0].NetLandTopDown-12*td.NetLand.GtC) > 1e-9 {
		t.Errorf("annual top-down: %+v, want 2 products and 12 × the month's net land", tab.Annual)
	}
}

// TestAgreementFlagsTheOutlier: against a baseline where every side is
// steady, one product's anomaly of −0.4 GtC in a region is flagged, the
// other product's and the bottom-up's agreement is not, and steady
// offsets (E_LUC in the inversions' land flux) never are.
func TestAgreementFlagsTheOutlier(t *testing.T) {
	var rows []lake.RegionRow
	row := func(m grid.Month, comp string, v, sigma float64) {
		rows = append(rows, lake.RegionRow{Month: m.String(), RegionID: "reccap2-land/north-america", Name: "North America",
			Kind: "reccap2-land", Component: comp, GtC: v, SigmaGtC: sigma})
	}
	for y := 2015; y <= 2023; y++ {
		for mo := 1; mo <= 12; mo++ {
			m := grid.Month{Year: y, Month: grid.Month{Month: 1}.Add(mo - 1).Month}
			bad := 0.0
			if y == 2023 && mo >= 6 && mo <= 8 {
				bad = -0.4
			}
			// Bottom-up 0.1 ± 0.05; the products 0.1 lower (E_LUC, say),
			// with a little noise, and CT 0.4 lower in the 2023 summer.
			noise := 0.01 * math.Sin(float64(y*12+mo))
			row(m, lake.CompLand, 0.1, 0.05)
			// Two members whose values differ by a steady 0.1 (their
			// σ row, 0.05, says so) but whose anomalies barely do.
			row(m, lake.ProductComponent(lake.CompLand, "A"), 0.05+0.002*math.Cos(float64(y*12+mo)), 0)
			row(m, lake.ProductComponent(lake.CompLand, "B"), 0.15-0.002*math.Cos(float64(y*12+mo)), 0)
			ct, cams := 0.0+noise+bad, 0.0-noise
			mean := (ct + cams) / 2
			row(m, lake.CompLandTopDown, mean, math.Abs(ct-cams)/math.Sqrt2)
			row(m, lake.ProductComponent(lake.CompLandTopDown, "CT"), ct, 0)
			row(m, lake.ProductComponent(lake.CompLandTopDown, "CAMS"), cams, 0)
		}
	}
	RegionalAnomalies(rows, Baseline{FromYear: 2015, ToYear: 2022})
	agr := Agreement(rows, Baseline{FromYear: 2015, ToYear: 2022})
	flagged := map[string]bool{}
	for _, a := range agr {
		if !a.Agree {
			flagged[a.Period+"|"+a.Product] = true
		}
	}
	for _, want := range []string{"2023-06|CT", "2023-07|CT", "2023-08|CT", "2023|CT"} {
		if !flagged[want] {
			t.Errorf("%s not flagged; flagged: %v", want, flagged)
		}
	}
	for k := range flagged {
		if strings.Contains(k, "CAMS") || strings.HasPrefix(k, "2015") || strings.HasPrefix(k, "2023-01") {
			t.Errorf("%s flagged: the product that is right, and months without the error, must agree", k)
		}
	}
	for _, a := range agr {
		// The members' anomalies spread by ~0.003 a month: the annual σ
		// must come from the spread of the sums, not 12 × the rows' 0.05.
		if a.Period == "2023" && a.Product == "CT" && (a.BottomUpSigmaGtC > 0.05 || math.Abs(a.TopDownSigmaGtC-1.2/math.Sqrt2) > 0.05) {
			t.Errorf("2023 CT: bottom-up σ %g, top-down %g; want the members' annual spread (~0.01) and the products' (1.2/√2)", a.BottomUpSigmaGtC, a.TopDownSigmaGtC)
		}
	}
	d := Disagreements("2023-07", agr)
	if len(d) == 0 || !strings.Contains(d[0].Text, "weaker sink") || d[0].Domain != "land" {
		t.Errorf("July 2023 disagreements %+v, want CT's weaker land sink in words", d)
	}
}
