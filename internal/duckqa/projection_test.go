package duckqa

import (
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// TestProjectionInDuckDB checks that the projection table reads in DuckDB
// from Parquet and CSV alike, with the documented columns, and that a
// query for computed and projected values cannot confuse them: every row
// is maturity 'projected'.
func TestProjectionInDuckDB(t *testing.T) {
	out := t.TempDir()
	rows := []lake.ProjectionRow{
		{Year: 2024, Term: "s_land", Unit: lake.UnitGtCPerYear, Maturity: lake.MaturityProjected, AsOf: "2024-06", MadeAt: "2024-07-05T06:00:00Z", Value: 1.3, Sigma: 0.9, YTD: 0.9, MonthsObserved: 6},
		{Year: 2024, Term: "growth_global", Unit: lake.UnitPPMPerYear, Maturity: lake.MaturityProjected, AsOf: "2024-06", MadeAt: "2024-07-05T06:00:00Z", Value: 2.6, Sigma: 0.45, YTD: 3.1, MonthsObserved: 6},
	}
	doc := lake.ProjectionDoc{Year: 2024, AsOf: "2024-06", Maturity: lake.MaturityProjected, Terms: map[string]lake.ProjectedTerm{}}
	if err := lake.WriteProjection(out, rows, []lake.ProjectionDoc{doc}); err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	for _, from := range []string{`'` + out + `/projection.parquet'`, `read_csv('` + out + `/projection.csv', header = true)`} {
		var n, projected int
		var sigma float64
		q := `SELECT count(*), count(*) FILTER (WHERE maturity = 'projected'), sum(sigma) FILTER (WHERE term = 's_land' AND year = 2024 AND as_of = '2024-06' AND months_observed = 6) FROM ` + from
		if err := db.QueryRow(q).Scan(&n, &projected, &sigma); err != nil {
			t.Fatalf("%s: %v", from, err)
		}
		if n != 2 || projected != 2 || sigma != 0.9 {
			t.Errorf("%s: %d rows, %d projected, S_LAND σ %v; want 2, 2, 0.9", from, n, projected, sigma)
		}
	}
}
