package duckqa

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/release"
)

// TestReleaseAssetsReadInDuckDB publishes two months of the budget stage
// on the real 2° masks, makes a release, and reads every asset its STAC
// collection and items list with DuckDB: Parquet and CSV tables have rows
// and the columns (names and types) the catalogue declares; JSON parses;
// every other asset reads whole as a blob.
func TestReleaseAssetsReadInDuckDB(t *testing.T) {
	out, _ := publishBudget(t, 2, false)
	rel, _, err := release.Create(out, release.Options{Name: "duckdb"})
	if err != nil {
		t.Fatal(err)
	}
	tree := release.TreeDir(out, rel.ID)
	db := openDB(t)
	docs := []string{release.CollectionFile}
	for _, m := range rel.Months {
		docs = append(docs, filepath.Join(release.ItemsDir, m+".json"))
	}
	read := 0
	for _, doc := range docs {
		b, err := os.ReadFile(filepath.Join(tree, doc))
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			Assets map[string]struct {
				Href    string `json:"href"`
				Type    string `json:"type"`
				Columns []struct {
					Name, Type string
				} `json:"table:columns"`
				RowCount *int64 `json:"table:row_count"`
			} `json:"assets"`
		}
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		for key, a := range d.Assets {
			path := filepath.Join(tree, filepath.Dir(doc), filepath.FromSlash(a.Href))
			sqlPath := "'" + strings.ReplaceAll(path, "'", "''") + "'"
			var n int64
			var q string
			switch a.Type {
			case "application/vnd.apache.parquet":
				q = "SELECT count(*) FROM read_parquet(" + sqlPath + ", hive_partitioning = false)"
			case "text/csv":
				q = "SELECT count(*) FROM read_csv(" + sqlPath + ", header = true)"
			case "application/json":
				q = "SELECT count(*) FROM read_json_auto(" + sqlPath + ")"
			default:
				q = "SELECT sum(size) FROM read_blob(" + sqlPath + ")"
			}
			if err := db.QueryRow(q).Scan(&n); err != nil {
				t.Errorf("%s asset %s (%s): %v", doc, key, a.Href, err)
				continue
			}
			switch fi, _ := os.Stat(path); {
			case a.RowCount != nil && n != *a.RowCount:
				t.Errorf("%s asset %s: DuckDB reads %d rows, the catalogue says %d", doc, key, n, *a.RowCount)
			case a.RowCount == nil && strings.HasPrefix(q, "SELECT sum(size)") && n != fi.Size():
				t.Errorf("%s asset %s: DuckDB read %d of %d bytes", doc, key, n, fi.Size())
			case a.RowCount == nil && n < 1:
				t.Errorf("%s asset %s: DuckDB read nothing", doc, key)
			}
			if (key == "grid" || key == "budget_monthly" || key == "regions") && n < 2 {
				t.Errorf("%s asset %s has %d rows", doc, key, n)
			}
			read++
			if len(a.Columns) == 0 {
				continue
			}
			rows, err := db.Query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(" + sqlPath + ", hive_partitioning = false))")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for rows.Next() {
				var name, typ string
				rows.Scan(&name, &typ)
				if strings.HasPrefix(typ, "GEOMETRY") { // GEOMETRY('OGC:CRS84'): the CRS from the GeoParquet metadata
					typ = "GEOMETRY"
				}
				got = append(got, name+" "+typ)
			}
			rows.Close()
			var want []string
			for _, c := range a.Columns {
				want = append(want, c.Name+" "+c.Type)
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s asset %s: DuckDB sees columns\n%v\nthe catalogue declares\n%v", doc, key, got, want)
			}
		}
	}
	if read < 12 {
		t.Errorf("DuckDB read %d assets: want the tables, their CSVs, and each month's grid, budget and report", read)
	}
}
