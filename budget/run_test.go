package budget

import (
	"context"
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/lake"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

func TestRunRegionalSums(t *testing.T) {
	g := grid.MustNew(2)
	set, err := regions.Load(g)
	if err != nil {
		t.Fatal(err)
	}
	field := func(v float32) *grid.Field {
		f := grid.NewField(g, "x", "g C m-2 month-1")
		for i := range f.Values {
			f.Values[i] = v
		}
		return f
	}
	m := grid.Month{Year: 2023, Month: 7}
	rec := synthetic(grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 12}, 0.2)
	in := Inputs{Grid: g, LandFraction: set.LandFraction(), Regions: set, CO2: rec,
		Fossil: Flux{Term: lake.Term{GtC: 0.8, SigmaGtC: 0.04}, Mean: field(2)},
		Land:   Flux{Term: lake.Term{GtC: 0.25, SigmaGtC: 0.04}, Mean: field(1), Sigma: field(0.5)},
		Ocean: Flux{Term: lake.Term{GtC: 0.24, SigmaGtC: 0.03}, Mean: field(3),
			Drivers:      map[string]*grid.Field{"heat": field(1), "circulation": field(2)},
			DriversSigma: map[string]*grid.Field{"heat": field(0.25)}},
		Fire: field(0.1), SCement: lake.Term{GtC: 0.017}}
	res, err := Run(context.Background(), m, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.GAtmDeseasonalisedGtC-0.2*GtCPerPPM) > 1e-9 {
		t.Errorf("de-seasonalised G_ATM = %g, want 0.2 ppm × 2.124", res.GAtmDeseasonalisedGtC)
	}
	// The monthly G_ATM keeps the seasonal cycle: July's central difference of the means.
	jun, aug := rec.Months[5].MeanPPM, rec.Months[7].MeanPPM
	if want := (aug - jun) / 2 * GtCPerPPM; math.Abs(res.Budget.GAtm.GtC-want) > 1e-9 {
		t.Errorf("G_ATM = %g, want %g", res.Budget.GAtm.GtC, want)
	}
	rows := map[string]lake.RegionRow{}
	for _, r := range res.Regional {
		rows[r.RegionID+"|"+r.Component] = r
	}
	if _, ok := rows["FRA|"+lake.CompOcean]; ok {
		t.Error("a country has an ocean row")
	}
	if _, ok := rows["reccap2-ocean/pacific|"+lake.CompLand]; ok {
		t.Error("an ocean basin has a land row")
	}
	fraW, _ := set.Weights("FRA")
	wantFRA := 1 * g.TotalAreaM2(fraW) / 1e15
	if got := rows["FRA|"+lake.CompLand].GtC; math.Abs(got-wantFRA)/wantFRA > 1e-6 {
		t.Errorf("France land sink %g GtC, want %g", got, wantFRA)
	}
	landArea := g.TotalAreaM2(set.LandFraction())
	oceanArea := g.TotalAreaM2(set.OceanFraction())
	glob := rows["global|"+lake.CompNetToAtmos]
	want := (2*landArea - 1*landArea - 3*oceanArea) / 1e15
	if math.Abs(glob.GtC-want)/math.Abs(want) > 1e-6 {
		t.Errorf("global net flux %g GtC, want fossil − land − ocean = %g", glob.GtC, want)
	}
	if sig := rows["global|"+lake.CompLand].SigmaGtC; math.Abs(sig-0.5*landArea/1e15)/sig > 1e-6 {
		t.Errorf("global land σ %g, want Σ per-cell σ·area = %g", sig, 0.5*landArea/1e15)
	}
	// The ocean's driver rows are on ocean regions only and add up to its
	// sink; a group without σ has none.
	pac := "reccap2-ocean/pacific|"
	if heat, circ := rows[pac+lake.CompOceanDriver+":heat"], rows[pac+lake.CompOceanDriver+":circulation"]; math.Abs(heat.GtC+circ.GtC-rows[pac+lake.CompOcean].GtC) > 1e-9 ||
		math.Abs(heat.SigmaGtC-heat.GtC/4) > 1e-9 || circ.SigmaGtC != 0 {
		t.Errorf("Pacific ocean drivers heat %+v, circulation %+v; sink %g GtC", heat, circ, rows[pac+lake.CompOcean].GtC)
	}
	if _, ok := rows["FRA|"+lake.CompOceanDriver+":heat"]; ok {
		t.Error("a country has an ocean driver row")
	}
	var net *[]float32
	for _, c := range res.Grid.Columns {
		if c.Name == "net_flux" {
			net = &c.Values
		}
	}
	if net == nil {
		t.Fatal("no net_flux grid column")
	}
	if got := g.Sum(*net, nil) / 1e15; math.Abs(got-want)/math.Abs(want) > 1e-6 {
		t.Errorf("Σ net_flux·area = %g GtC, want %g", got, want)
	}
}
