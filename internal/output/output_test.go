package output

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func testMonth(g grid.Grid, ncols int) GridMonth {
	gm := GridMonth{Grid: g, Month: grid.Month{Year: 2023, Month: 12}}
	for k := 0; k < ncols; k++ {
		v := make([]float32, g.Cells())
		for i := range v {
			lat, lon := g.Centre(i)
			v[i] = float32(float64(k) + math.Sin(lat*0.1)*math.Cos(lon*0.05))
		}
		gm.Columns = append(gm.Columns, Column{Name: "v" + string(rune('a'+k)), Units: "g C m-2 month-1", Values: v})
	}
	return gm
}

func TestWriteGridRoundTrip(t *testing.T) {
	g := grid.MustNew(2)
	gm := testMonth(g, 3)
	gm.Columns[1].Values[5] = float32(math.NaN()) // must come back as NULL -> NaN
	gm.Columns[2].Values[7] = 0                   // a real zero must stay 0, not NULL
	gm.Meta = map[string]string{"carbonbudget:version": "test"}
	path := GridPath(t.TempDir(), gm.Month)
	if !strings.HasSuffix(path, filepath.Join("grid", "year=2023", "month=12", "part-0.parquet")) {
		t.Fatalf("GridPath = %s, want Hive layout", path)
	}
	if err := WriteGrid(path, gm); err != nil {
		t.Fatal(err)
	}
	got, err := ReadGrid(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.CellIDs) != g.Cells() {
		t.Fatalf("read %d rows, want %d", len(got.CellIDs), g.Cells())
	}
	areas := g.AreasM2()
	for i, id := range got.CellIDs {
		if int(id) != i {
			t.Fatalf("row %d has cell_id %d, want sorted ids", i, id)
		}
		lat, lon := g.Centre(i)
		if got.Lat[i] != float32(lat) || got.Lon[i] != float32(lon) || got.AreaM2[i] != areas[i] {
			t.Fatalf("cell %d: lat/lon/area %g %g %g, want %g %g %g", i, got.Lat[i], got.Lon[i], got.AreaM2[i], lat, lon, areas[i])
		}
	}
	for _, c := range gm.Columns {
		back := got.Columns[c.Name]
		for i := range c.Values {
			a, b := c.Values[i], back[i]
			if a != b && !(a != a && b != b) {
				t.Fatalf("column %s cell %d: wrote %g, read %g", c.Name, i, a, b)
			}
		}
		if got.Units[c.Name] != c.Units {
			t.Errorf("units of %s = %q, want %q", c.Name, got.Units[c.Name], c.Units)
		}
	}
	if !math.IsNaN(float64(got.Columns["vb"][5])) || got.Columns["vc"][7] != 0 {
		t.Error("NaN/zero distinction lost")
	}
	var geo struct {
		Version       string `json:"version"`
		PrimaryColumn string `json:"primary_column"`
		Columns       map[string]struct {
			Encoding      string    `json:"encoding"`
			GeometryTypes []string  `json:"geometry_types"`
			BBox          []float64 `json:"bbox"`
		} `json:"columns"`
	}
	if err := json.Unmarshal([]byte(got.Meta["geo"]), &geo); err != nil {
		t.Fatalf("geo metadata %q: %v", got.Meta["geo"], err)
	}
	gc := geo.Columns[geo.PrimaryColumn]
	if geo.Version != "1.1.0" || geo.PrimaryColumn != "geometry" || gc.Encoding != "WKB" || len(gc.GeometryTypes) != 1 || gc.GeometryTypes[0] != "Point" {
		t.Errorf("geo metadata = %+v", geo)
	}
	if want := []float64{-179, -89, 179, 89}; len(gc.BBox) != 4 || gc.BBox[0] != want[0] || gc.BBox[1] != want[1] || gc.BBox[2] != want[2] || gc.BBox[3] != want[3] {
		t.Errorf("bbox = %v, want %v (cell centres of the 2° grid)", gc.BBox, want)
	}
	if got.Meta["carbonbudget:version"] != "test" {
		t.Error("extra metadata lost")
	}
	// Only the columns asked for, with the same values.
	some, err := ReadGridColumns(context.Background(), path, []string{"vb"})
	if err != nil {
		t.Fatal(err)
	}
	if len(some.Columns) != 1 || len(some.Columns["vb"]) != g.Cells() || !math.IsNaN(float64(some.Columns["vb"][5])) ||
		some.Columns["vb"][6] != got.Columns["vb"][6] {
		t.Errorf("ReadGridColumns(vb) gave columns %d, vb of length %d", len(some.Columns), len(some.Columns["vb"]))
	}
}

func TestWriteGridRejectsBadColumns(t *testing.T) {
	g := grid.MustNew(2)
	gm := testMonth(g, 1)
	gm.Columns[0].Values = gm.Columns[0].Values[:10]
	if err := WriteGrid(filepath.Join(t.TempDir(), "x.parquet"), gm); err == nil {
		t.Error("short column accepted")
	}
	gm = testMonth(g, 1)
	gm.Columns[0].Name = "lat"
	if err := WriteGrid(filepath.Join(t.TempDir(), "x.parquet"), gm); err == nil {
		t.Error("column named like a fixed column accepted")
	}
}

// cancelAfter is a context whose Err turns to Canceled on its n-th call,
// so a test can abandon a read part-way through without timing.
type cancelAfter struct {
	context.Context
	n *int
}

func (c cancelAfter) Err() error {
	*c.n--
	if *c.n <= 0 {
		return context.Canceled
	}
	return nil
}

// TestReadGridStopsWhenAbandoned: the server reads grids for clients that
// may go away; a 0.5° read abandoned part-way must stop with the
// context's error, not decode the remaining rows.
func TestReadGridStopsWhenAbandoned(t *testing.T) {
	g := grid.MustNew(0.5)
	path := GridPath(t.TempDir(), grid.Month{Year: 2023, Month: 12})
	if err := WriteGrid(path, testMonth(g, 2)); err != nil {
		t.Fatal(err)
	}
	calls := 3
	_, err := ReadGrid(cancelAfter{context.Background(), &calls}, path)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("read abandoned after two batches: err = %v, want context.Canceled", err)
	}
	if calls != 0 {
		t.Errorf("context checked %d more times than needed after it was cancelled", -calls)
	}
}
