package budget

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

func TestWriteMonthAndTables(t *testing.T) {
	out := t.TempDir()
	months := syntheticMonths(grid.Month{Year: 2015, Month: 1}, grid.Month{Year: 2023, Month: 12})
	for m, rec := range months {
		rec.Regional = []RegionRow{{Month: m.String(), RegionID: "BRA", Name: "Brazil", Kind: "country", Component: CompLand, GtC: rec.Budget.SLand.GtC / 10}}
		r := &Result{Month: m, Budget: rec.Budget, GAtmDeseasonalisedGtC: rec.GAtmDeseasonalisedGtC, Regional: rec.Regional}
		if err := WriteMonth(MonthDir(out, m), r); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(out, MonthsDir, ".staging-2024-01"), 0o755) // a crashed run's leftovers are ignored
	if err := WriteTables(out, Baseline{2015, 2022}); err != nil {
		t.Fatal(err)
	}
	monthly, err := output.ReadParquet[Row](filepath.Join(out, "budget_monthly.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(monthly) != len(months) {
		t.Errorf("budget_monthly has %d rows, want %d", len(monthly), len(months))
	}
	regions, err := output.ReadParquet[RegionRow](filepath.Join(out, "regions.parquet"))
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

// TestRegionRowAnomalyJSON: an anomaly that does not exist yet is null in
// budget.json (never 0, which would claim "no anomaly") and reads back as
// NaN; a real one round-trips exactly.
func TestRegionRowAnomalyJSON(t *testing.T) {
	for _, a := range []float64{math.NaN(), 0, -0.125, 1e-9} {
		row := RegionRow{Month: "2023-07", RegionID: "BRA", Component: "land_sink", GtC: 0.5, AnomalyGtC: a}
		b, err := json.Marshal(row)
		if err != nil {
			t.Fatal(err)
		}
		if isNull := bytes.Contains(b, []byte(`"anomaly_gtc":null`)); isNull != math.IsNaN(a) {
			t.Errorf("anomaly %v encoded as %s", a, b)
		}
		if bytes.Count(b, []byte(`"anomaly_gtc"`)) != 1 {
			t.Errorf("anomaly_gtc appears %d times in %s", bytes.Count(b, []byte(`"anomaly_gtc"`)), b)
		}
		var back RegionRow
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back.RegionID != "BRA" || back.GtC != 0.5 || !(back.AnomalyGtC == a || math.IsNaN(a) && math.IsNaN(back.AnomalyGtC)) {
			t.Errorf("round trip of %+v gave %+v", row, back)
		}
	}
}
