package duckqa

import (
	"database/sql"
	"math"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestGridFileInDuckDB writes two months with internal/output and reads the
// lake back through DuckDB: row count, column names and order, NULLs, the
// Hive partition columns, and the GeoParquet geometry.
func TestGridFileInDuckDB(t *testing.T) {
	g := grid.MustNew(2)
	root := t.TempDir()
	var wantSum float64
	for _, m := range []grid.Month{{Year: 2023, Month: 11}, {Year: 2023, Month: 12}} {
		v := make([]float32, g.Cells())
		for i := range v {
			v[i] = float32(i%7) + float32(m.Month)
			wantSum += float64(v[i])
		}
		v[3] = float32(math.NaN())
		wantSum -= float64(float32(3%7) + float32(m.Month))
		gm := output.GridMonth{Grid: g, Month: m, Columns: []output.Column{{Name: "nbp", Units: "g C m-2 month-1", Values: v}}}
		if err := output.WriteGrid(output.GridPath(root, m), gm); err != nil {
			t.Fatal(err)
		}
	}
	db := openDB(t)
	lake := root + "/grid/*/*/*.parquet"

	var n, nulls int
	var sum float64
	q := `SELECT count(*), count(*) - count(nbp), sum(nbp) FROM read_parquet('` + lake + `', hive_partitioning = true)`
	if err := db.QueryRow(q).Scan(&n, &nulls, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 2*g.Cells() || nulls != 2 {
		t.Errorf("DuckDB sees %d rows and %d NULLs, want %d and 2", n, nulls, 2*g.Cells())
	}
	// 1e-9 relative: float32 values summed in double by both sides.
	if math.Abs(sum-wantSum)/wantSum > 1e-9 {
		t.Errorf("sum(nbp) = %f, want %f", sum, wantSum)
	}

	rows, err := db.Query(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('` + output.GridPath(root, grid.Month{Year: 2023, Month: 12}) + `', hive_partitioning = false))`)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for rows.Next() {
		var c string
		rows.Scan(&c)
		cols = append(cols, c)
	}
	want := []string{"time", "cell_id", "lat", "lon", "area_m2", "nbp", "geometry"}
	if len(cols) != len(want) {
		t.Fatalf("columns %v, want %v", cols, want)
	}
	for i := range want {
		if cols[i] != want[i] {
			t.Fatalf("columns %v, want %v", cols, want)
		}
	}

	var typ, wkt string
	var year, month int
	q = `SELECT typeof(geometry), ST_AsText(geometry), year, month FROM read_parquet('` + lake + `', hive_partitioning = true) WHERE cell_id = 0 AND month = 12`
	if err := db.QueryRow(q).Scan(&typ, &wkt, &year, &month); err != nil {
		t.Fatal(err)
	}
	if typ != "GEOMETRY('OGC:CRS84')" && typ != "GEOMETRY" {
		t.Errorf("typeof(geometry) = %q, want a GEOMETRY (GeoParquet metadata not recognised)", typ)
	}
	if wkt != "POINT (-179 89)" || year != 2023 || month != 12 {
		t.Errorf("cell 0 = %s in %d-%d, want POINT (-179 89) in 2023-12", wkt, year, month)
	}
}
