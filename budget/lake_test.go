package budget

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// TestTablesThroughTheLake writes months as the pipeline does, reads
// them back and writes the tables computed from them.
func TestTablesThroughTheLake(t *testing.T) {
	out := t.TempDir()
	months := syntheticMonths(grid.Month{Year: 2015, Month: 1}, grid.Month{Year: 2023, Month: 12})
	for m, rec := range months {
		rec.Regional = []lake.RegionRow{{Month: m.String(), RegionID: "BRA", Name: "Brazil", Kind: "country", Component: lake.CompLand, GtC: rec.Budget.SLand.GtC / 10}}
		if err := lake.WriteMonth(lake.MonthDir(out, m), rec); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(out, lake.MonthsDir, ".staging-2024-01"), 0o755) // a crashed run's leftovers are ignored
	published, err := lake.ReadMonths(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := lake.WriteTables(out, Tables(published, Baseline{FromYear: 2015, ToYear: 2022})); err != nil {
		t.Fatal(err)
	}
	monthly, err := output.ReadParquet[lake.Row](filepath.Join(out, "budget_monthly.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(monthly) != len(months) {
		t.Errorf("budget_monthly has %d rows, want %d", len(monthly), len(months))
	}
	regions, err := output.ReadParquet[lake.RegionRow](filepath.Join(out, "regions.parquet"))
	if err != nil || len(regions) != len(months) {
		t.Fatalf("regions.parquet: %d rows, %v", len(regions), err)
	}
	last := regions[len(regions)-1]
	if last.Month != "2023-12" || last.AnomalyGtC > -0.014 || last.AnomalyGtC < -0.016 {
		t.Errorf("last regional row %+v: want 2023-12 with anomaly -0.015", last)
	}
	f, _ := os.Open(filepath.Join(out, "budget_annual.csv"))
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != 1+9+8 || recs[0][0] != "period" {
		t.Errorf("budget_annual.csv: %d records, err %v", len(recs), err)
	}
}
