package duckqa

import (
	"context"
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// TestTopDownTablesInDuckDB publishes January 2022 (the baseline) and
// January 2023 with two inversion products and checks with DuckDB that the
// new columns and the agreement table read, that Parquet and CSV agree,
// and that the agreement's top-down anomaly is the regional rows'.
func TestTopDownTablesInDuckDB(t *testing.T) {
	g := grid.MustNew(2)
	set, err := regions.Load(g)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	lf := set.LandFraction()
	uniform := func(v float32, land bool) *grid.Field {
		f := grid.NewField(g, "x", "g C m-2 month-1")
		for i := range f.Values {
			f.Values[i] = v
			if land {
				f.Values[i] = v * lf[i]
			}
		}
		return f
	}
	months := map[grid.Month]lake.MonthRecord{}
	for k, m := range []grid.Month{{Year: 2022, Month: 1}, {Year: 2023, Month: 1}} {
		rec := &budget.CO2Record{}
		for i, mm := range grid.Range(m.Add(-1), m.Add(1)) {
			rec.Months = append(rec.Months, budget.CO2Month{Month: mm, MeanPPM: 418 + 0.2*float64(i), TrendPPM: 418 + 0.2*float64(i)})
		}
		in := budget.Inputs{Grid: g, LandFraction: lf, Regions: set, CO2: rec,
			Fossil: budget.Flux{Term: lake.Term{GtC: 0.8}, Mean: uniform(1, false)},
			Land:   budget.Flux{Term: lake.Term{GtC: 0.3}, Mean: uniform(1, false), Sigma: uniform(0.1, false)},
			Ocean:  budget.Flux{Term: lake.Term{GtC: 0.25}, Mean: uniform(0.5, false)},
			Inversions: []budget.Inversion{{Name: "A", Land: uniform(1+float32(k), true), Ocean: uniform(0.5, false)},
				{Name: "B", Land: uniform(1, true), Ocean: uniform(0.5, false)}}}
		res, err := budget.Run(context.Background(), m, in, budget.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := lake.WriteMonth(lake.MonthDir(out, m), res.Record()); err != nil {
			t.Fatal(err)
		}
		months[m] = res.Record()
	}
	if err := lake.WriteTables(out, budget.Tables(months, budget.Baseline{FromYear: 2022, ToYear: 2022})); err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	var nParquet, nCSV int
	if err := db.QueryRow(`SELECT count(*) FROM '` + out + `/agreement.parquet'`).Scan(&nParquet); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM read_csv('` + out + `/agreement.csv', header = true)`).Scan(&nCSV); err != nil {
		t.Fatal(err)
	}
	if nParquet == 0 || nParquet != nCSV {
		t.Errorf("agreement.parquet %d rows, agreement.csv %d: want equal and some", nParquet, nCSV)
	}
	var tdAnom, rowAnom, netTD float64
	var agree bool
	if err := db.QueryRow(`SELECT top_down_anomaly_gtc, agree FROM '`+out+`/agreement.parquet'
		WHERE period = '2023-01' AND region_id = 'reccap2-land/europe' AND domain = 'land' AND product = 'A'`).Scan(&tdAnom, &agree); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT anomaly_gtc FROM read_csv('` + out + `/regions.csv', header = true)
		WHERE month = '2023-01' AND region_id = 'reccap2-land/europe' AND component = 'land_topdown:A'`).Scan(&rowAnom); err != nil {
		t.Fatal(err)
	}
	if tdAnom <= 0 || math.Abs(tdAnom-rowAnom) > 1e-9 || agree {
		t.Errorf("Europe 2023-01, product A: agreement anomaly %g, regional row's %g, agree %v; want equal, positive, and a disagreement (A doubled its sink, the emulators did not move)", tdAnom, rowAnom, agree)
	}
	if err := db.QueryRow(`SELECT net_land_topdown_gtc FROM '` + out + `/budget_monthly.parquet' WHERE period = '2023-01'`).Scan(&netTD); err != nil || netTD <= 0 {
		t.Errorf("budget_monthly net_land_topdown_gtc = %g (%v), want the products' positive mean", netTD, err)
	}
}
