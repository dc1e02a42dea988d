package validation

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// TestTermsAgainstTruth publishes 2022-01..2023-12 with S_LAND 0.01 GtC a
// month above the truth in 2022 and 0.03 below it in 2023, and E_FOS exact.
func TestTermsAgainstTruth(t *testing.T) {
	out, truthDir := t.TempDir(), t.TempDir()
	var rows []lake.Row
	csv := []string{"year,month,E_FOS,S_LAND"}
	for _, m := range grid.Range(grid.Month{Year: 2022, Month: 1}, grid.Month{Year: 2023, Month: 12}) {
		off := 0.01
		if m.Year == 2023 {
			off = -0.03
		}
		rows = append(rows, lake.Row{Period: m.String(), Window: "month", EFos: 0.8, SLand: 0.2 + off, Months: 1})
		csv = append(csv, fmt.Sprintf("%d,%d,0.8,0.2", m.Year, int(m.Month)))
	}
	if err := lake.WriteTables(out, lake.Tables{Monthly: rows}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(truthDir, "budget_monthly.csv"), []byte(strings.Join(csv, "\n")+"\n"), 0o644)
	skills, err := Terms(out, truthDir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]TermSkill{}
	for _, s := range skills {
		got[s.Term] = s
	}
	if len(got) != 2 {
		t.Fatalf("scored %d terms, want E_FOS and S_LAND (the truth has no others): %+v", len(got), skills)
	}
	if s := got["E_FOS"]; s.Months != 24 || s.RMSEGtC > 1e-12 {
		t.Errorf("E_FOS: %+v, want 24 months without error", s)
	}
	s := got["S_LAND"]
	if math.Abs(s.BiasGtC-(-0.01)) > 1e-9 || math.Abs(s.RMSEGtC-math.Sqrt((0.01*0.01+0.03*0.03)/2)) > 1e-9 {
		t.Errorf("S_LAND bias %g RMSE %g, want -0.01 and %g", s.BiasGtC, s.RMSEGtC, math.Sqrt((0.01*0.01+0.03*0.03)/2))
	}
	if s.WorstYear != 2023 || math.Abs(s.WorstYearErrGtC-(-0.36)) > 1e-9 {
		t.Errorf("S_LAND worst year %d error %g, want 2023 and -0.36 GtC/yr", s.WorstYear, s.WorstYearErrGtC)
	}
	annual, err := TruthAnnual(truthDir)
	if err != nil {
		t.Fatal(err)
	}
	if v := annual[2023]["S_LAND"]; math.Abs(v-2.4) > 1e-9 {
		t.Errorf("truth S_LAND 2023 = %g GtC/yr, want 2.4", v)
	}
}

// TestRegionsBothApproaches: the bottom-up land sink is scored against the
// truth's S_LAND (nbp) and the inversions' net land flux against
// S_LAND − E_LUC, each region on its own, so a top-down value that is
// right about the net flux scores zero while the same value as a
// bottom-up S_LAND would be off by E_LUC.
func TestRegionsBothApproaches(t *testing.T) {
	out, truthDir := t.TempDir(), t.TempDir()
	g := grid.MustNew(2)
	set, err := regions.Load(g)
	if err != nil {
		t.Fatal(err)
	}
	m := grid.Month{Year: 2023, Month: 7}
	uniform := func(v float32) []float32 {
		f := make([]float32, g.Cells())
		for i := range f {
			f[i] = v
		}
		return f
	}
	// Per m² of land: nbp 2, eluc 0.5, so the net land flux is 1.5.
	if err := output.WriteGrid(output.GridPath(truthDir, m), output.GridMonth{Grid: g, Month: m, Columns: []output.Column{
		{Name: "nbp", Units: "g C m-2 month-1", Values: uniform(2)}, {Name: "eluc", Units: "g C m-2 month-1", Values: uniform(0.5)},
		{Name: "ocean_sink", Units: "g C m-2 month-1", Values: uniform(1)}}}); err != nil {
		t.Fatal(err)
	}
	land := set.SumLand(uniform(1))
	var rows []lake.RegionRow
	for i, r := range set.Regions() {
		if r.ID != "global" && r.ID != "reccap2-land/europe" {
			continue
		}
		a := land[i] / 1e15 // GtC per g C m-2 of land
		rows = append(rows,
			lake.RegionRow{Month: m.String(), RegionID: r.ID, Component: lake.CompLand, GtC: 2 * a},
			lake.RegionRow{Month: m.String(), RegionID: r.ID, Component: lake.CompLandTopDown, GtC: 1.6 * a})
	}
	if err := lake.WriteTables(out, lake.Tables{Regional: rows}); err != nil {
		t.Fatal(err)
	}
	skills, err := Regions(context.Background(), out, truthDir, g)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]RegionSkill{}
	for _, s := range skills {
		got[s.RegionID+"|"+s.Sink+"|"+s.Approach] = s
	}
	for i, r := range set.Regions() {
		if r.ID != "reccap2-land/europe" {
			continue
		}
		a := land[i] / 1e15
		if s := got[r.ID+"|land|bottom-up"]; s.Months != 1 || math.Abs(s.BiasGtC) > 1e-9 {
			t.Errorf("Europe bottom-up %+v, want no error", s)
		}
		if s := got[r.ID+"|land|top-down"]; s.Months != 1 || math.Abs(s.BiasGtC-0.1*a) > 1e-9*a {
			t.Errorf("Europe top-down %+v, want a bias of 0.1 g C m-2 over its land = %g GtC", s, 0.1*a)
		}
	}
}
