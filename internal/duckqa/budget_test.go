package duckqa

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/lake"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// TestBudgetOutputsInDuckDB publishes three months of the budget stage
// with the real 2° region masks and checks with DuckDB that the tables
// have the rows they should, that regions.parquet and regions.csv agree,
// and that a regional total summed from the grid lake in SQL equals the
// region's row: the per-m²-of-land convention holds end to end.
func TestBudgetOutputsInDuckDB(t *testing.T) {
	out, set := publishBudget(t, 3, true)
	db := openDB(t)
	var nParquet, nCSV, nMonthly int
	if err := db.QueryRow(`SELECT count(*) FROM '` + out + `/regions.parquet'`).Scan(&nParquet); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM read_csv('` + out + `/regions.csv', header = true)`).Scan(&nCSV); err != nil {
		t.Fatal(err)
	}
	db.QueryRow(`SELECT count(*) FROM '` + out + `/budget_monthly.parquet'`).Scan(&nMonthly)
	if nParquet != nCSV || nParquet < 3*len(set.Regions()) || nMonthly != 3 {
		t.Errorf("regions.parquet %d rows, regions.csv %d, budget_monthly %d: want equal, at least 3 per region, and 3", nParquet, nCSV, nMonthly)
	}
	checks := []struct {
		region, component, sql string
	}{
		{"global", "land_sink", `sum(nbp_mean * area_m2 * land_fraction)`},
		{"global", "ocean_sink", `sum(ocean_uptake_mean * area_m2 * (1 - land_fraction))`},
		{"global", "net_flux_to_atmosphere", `sum(net_flux * area_m2)`},
	}
	for _, c := range checks {
		var fromGrid, fromCSV float64
		q := `SELECT ` + c.sql + ` / 1e15 FROM read_parquet('` + out + `/grid/*/*/*.parquet', hive_partitioning = true) WHERE year = 2023 AND month = 2`
		if err := db.QueryRow(q).Scan(&fromGrid); err != nil {
			t.Fatal(err)
		}
		q = `SELECT value_gtc FROM read_csv('` + out + `/regions.csv', header = true) WHERE month = '2023-02' AND region_id = '` + c.region + `' AND component = '` + c.component + `'`
		if err := db.QueryRow(q).Scan(&fromCSV); err != nil {
			t.Fatalf("%s/%s: %v", c.region, c.component, err)
		}
		// 1e-5 relative: the grid holds float32 values; the table float64 sums.
		if math.Abs(fromGrid-fromCSV) > 1e-5*math.Abs(fromCSV) {
			t.Errorf("%s %s: grid lake sums to %.6f GtC, regions.csv says %.6f", c.region, c.component, fromGrid, fromCSV)
		}
	}
}

// publishBudget publishes the budget stage's first months of 2023 (up to
// month last) on the real 2° region masks, with the land sink growing
// month by month when landGrows is set, writes the tables, and returns
// the output directory and the masks.
func publishBudget(t *testing.T, last time.Month, landGrows bool) (string, *regions.Set) {
	t.Helper()
	g := grid.MustNew(2)
	set, err := regions.Load(g)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	rec := &budget.CO2Record{}
	for i, m := range grid.Range(grid.Month{Year: 2022, Month: 12}, grid.Month{Year: 2023, Month: last + 1}) {
		rec.Months = append(rec.Months, budget.CO2Month{Month: m, MeanPPM: 418 + 0.2*float64(i), TrendPPM: 418 + 0.2*float64(i)})
	}
	field := func(f func(lat, lon float64) float32) *grid.Field {
		x := grid.NewField(g, "x", "g C m-2 month-1")
		for i := range x.Values {
			x.Values[i] = f(g.Centre(i))
		}
		return x
	}
	for k, m := range grid.Range(grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: last}) {
		scale := float32(1)
		if landGrows {
			scale = float32(k + 1)
		}
		in := budget.Inputs{Grid: g, LandFraction: set.LandFraction(), Regions: set, CO2: rec,
			Fossil: budget.Flux{Term: lake.Term{GtC: 0.8, SigmaGtC: 0.04}, Mean: field(func(lat, _ float64) float32 { return float32(1 + math.Abs(lat)/90) })},
			Land:   budget.Flux{Term: lake.Term{GtC: 0.3}, Mean: field(func(lat, _ float64) float32 { return scale * float32(math.Cos(lat*math.Pi/180)) })},
			Ocean:  budget.Flux{Term: lake.Term{GtC: 0.25}, Mean: field(func(lat, _ float64) float32 { return 0.5 + float32(lat)/180 })}}
		res, err := budget.Run(context.Background(), m, in, budget.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := output.WriteGrid(output.GridPath(out, m), res.Grid); err != nil {
			t.Fatal(err)
		}
		if err := lake.WriteMonth(lake.MonthDir(out, m), res.Record()); err != nil {
			t.Fatal(err)
		}
	}
	months, err := lake.ReadMonths(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := lake.WriteTables(out, budget.Tables(months, budget.Baseline{FromYear: 2015, ToYear: 2022})); err != nil {
		t.Fatal(err)
	}
	return out, set
}
