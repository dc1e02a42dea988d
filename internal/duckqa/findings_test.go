package duckqa

import (
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// TestFindingsInDuckDB checks that the findings table reads in DuckDB
// from Parquet, with the driver shares as a list that unnests to one row
// per driver, and from CSV without the list.
func TestFindingsInDuckDB(t *testing.T) {
	out := t.TempDir()
	t1 := lake.Tables{Findings: []lake.Finding{
		{Period: "2023-07", Rank: 1, Kind: "sign_change", RegionID: "CAN", Name: "Canada", Component: lake.CompLand, AnomalyGtC: -0.5, Z: -8.3,
			TopDriver: "fire", Maturity: "emulated", Text: "Canada",
			DriverShares: []lake.DriverShare{{Driver: "fire", AnomalyGtC: -0.19, Source: "observed"}, {Driver: "heat", AnomalyGtC: -0.05, SigmaGtC: 0.01, Source: "emulators"}}},
		{Period: "2023", Rank: 1, Kind: "anomaly", RegionID: "global", Name: "Globe", Component: lake.CompOcean, AnomalyGtC: 0.2, Z: 2.4, Maturity: "emulated"},
	}}
	if err := lake.WriteTables(out, t1); err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	var n int
	var heat float64
	q := `SELECT count(*), sum(d.anomaly_gtc) FILTER (WHERE d.driver = 'heat') FROM (SELECT unnest(driver_shares) AS d FROM '` + out + `/findings.parquet')`
	if err := db.QueryRow(q).Scan(&n, &heat); err != nil {
		t.Fatal(err)
	}
	if n != 2 || heat != -0.05 {
		t.Errorf("unnested %d driver shares, heat %v; want 2, -0.05", n, heat)
	}
	var rows int
	var z float64
	if err := db.QueryRow(`SELECT count(*), min(z) FROM read_csv('`+out+`/findings.csv', header = true)`).Scan(&rows, &z); err != nil {
		t.Fatal(err)
	}
	if rows != 2 || z != -8.3 {
		t.Errorf("CSV: %d rows, min z %v; want 2, -8.3", rows, z)
	}
}
