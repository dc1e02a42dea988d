package output

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/carbonbudget/carbonbudget/internal/durable"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Column is one value column of a gridded month: float32 per cell, NaN for
// missing (written as NULL). Units go into the file's key/value metadata
// under "units:<name>", because Parquet has no per-column units field.
type Column struct {
	Name        string
	Units       string
	Description string
	Values      []float32
}

// GridMonth is one month of gridded values on one grid.
type GridMonth struct {
	Grid    grid.Grid
	Month   grid.Month
	Columns []Column
	// Meta is extra file key/value metadata (code version, config hash).
	Meta map[string]string
}

// GridPath is the Hive-style partition path of month m under root, which
// DuckDB, Spark and Polars read as a lake with year and month columns:
// root/grid/year=2023/month=12/part-0.parquet.
func GridPath(root string, m grid.Month) string {
	return filepath.Join(root, "grid", fmt.Sprintf("year=%04d", m.Year), fmt.Sprintf("month=%02d", int(m.Month)), "part-0.parquet")
}

// Fixed columns of every gridded file, in order. cell_id is row*NLon+col
// with row 0 at the north (internal/grid); geometry is the cell centre as a
// WKB Point, the GeoParquet primary column.
var fixedColumns = []string{"time", "cell_id", "lat", "lon", "area_m2"}

const geometryColumn = "geometry"

// WriteGrid writes gm as a GeoParquet 1.1 file at path, atomically. One row
// per cell in cell-id order (so rows are sorted by time and cell_id, as the
// file declares), zstd-compressed, rowGroupRows-row groups. See geoMetadata for the
// choice of a WKB point geometry.
func WriteGrid(path string, gm GridMonth) error {
	n := gm.Grid.Cells()
	for _, c := range gm.Columns {
		if len(c.Values) != n {
			return fmt.Errorf("write grid %s: column %q has %d values, grid %v has %d cells", path, c.Name, len(c.Values), gm.Grid, n)
		}
	}
	schema, order, err := gridSchema(gm.Columns)
	if err != nil {
		return fmt.Errorf("write grid %s: %w", path, err)
	}
	geo, err := geoMetadata(gm.Grid)
	if err != nil {
		return err
	}
	return durable.WriteFile(path, func(w io.Writer) error {
		opts := []parquet.WriterOption{
			schema,
			// SpeedFastest: on float fields the default level compressed only
			// a few percent better at twice the encoding time.
			parquet.Compression(&zstd.Codec{Level: zstd.SpeedFastest}),
			parquet.MaxRowsPerRowGroup(rowGroupRows),
			parquet.PageBufferSize(1 << 20),
			parquet.SortingWriterConfig(parquet.SortingColumns(parquet.Ascending("time"), parquet.Ascending("cell_id"))),
			parquet.KeyValueMetadata("geo", geo),
			parquet.KeyValueMetadata("carbonbudget:grid", gm.Grid.String()),
			parquet.KeyValueMetadata("carbonbudget:month", gm.Month.String()),
		}
		for _, c := range gm.Columns {
			opts = append(opts, parquet.KeyValueMetadata("units:"+c.Name, c.Units))
			if c.Description != "" {
				opts = append(opts, parquet.KeyValueMetadata("description:"+c.Name, c.Description))
			}
		}
		for _, k := range sortedKeys(gm.Meta) {
			opts = append(opts, parquet.KeyValueMetadata(k, gm.Meta[k]))
		}
		pw := parquet.NewWriter(w, opts...)
		if err := writeGridRows(pw, gm, order); err != nil {
			return err
		}
		return pw.Close()
	})
}

// gridSchema builds the schema: the fixed columns, the value columns as
// optional floats (NaN -> NULL) in the caller's order, then the geometry.
// order maps each schema position to its source: -1-k for fixed column k,
// -100 for geometry, else the index in cols.
func gridSchema(cols []Column) (*parquet.Schema, []int, error) {
	g := parquet.Group{
		"time":         parquet.Date(),
		"cell_id":      parquet.Leaf(parquet.Int32Type),
		"lat":          parquet.Leaf(parquet.FloatType),
		"lon":          parquet.Leaf(parquet.FloatType),
		"area_m2":      parquet.Leaf(parquet.DoubleType),
		geometryColumn: parquet.Leaf(parquet.ByteArrayType),
	}
	names := append([]string(nil), fixedColumns...)
	for _, c := range cols {
		if _, dup := g[c.Name]; dup || c.Name == "" {
			return nil, nil, fmt.Errorf("column name %q is empty or taken", c.Name)
		}
		g[c.Name] = parquet.Optional(parquet.Leaf(parquet.FloatType))
		names = append(names, c.Name)
	}
	names = append(names, geometryColumn)
	og := orderedGroup{Group: g, order: names}
	order := make([]int, len(names))
	for i, name := range names {
		switch {
		case i < len(fixedColumns):
			order[i] = -1 - i
		case name == geometryColumn:
			order[i] = -100
		default:
			order[i] = i - len(fixedColumns)
		}
	}
	return parquet.NewSchema("cell", og), order, nil
}

// orderedGroup is a parquet.Group whose columns keep the order given
// instead of parquet-go's alphabetical one, so files read as
// time, cell_id, lat, lon, area_m2, values..., geometry.
type orderedGroup struct {
	parquet.Group
	order []string
}

func (g orderedGroup) Fields() []parquet.Field {
	byName := map[string]parquet.Field{}
	for _, f := range g.Group.Fields() {
		byName[f.Name()] = f
	}
	out := make([]parquet.Field, len(g.order))
	for i, n := range g.order {
		out[i] = byName[n]
	}
	return out
}

// rowGroupRows is the number of cells per row group: 128k rows keep the
// writer's memory bounded (it follows the row group, not the file; see
// stack.md) while giving readers tight per-group lat/cell_id statistics.
const rowGroupRows = 128 * 1024

// writeGridRows writes the cells column by column, one row group at a time.
// Column-wise writes through ColumnWriters avoid assembling a parquet.Row
// per cell, and the columns of a row group are filled, encoded and
// compressed by two workers at once (parquet-go allows concurrent writes to
// distinct column writers). Workers take the next column as they finish
// one, the geometry (the costliest, 21 bytes a cell) first: split by a
// fixed rule the two workers' shares differed by a third.
func writeGridRows(pw *parquet.Writer, gm GridMonth, order []int) error {
	g := gm.Grid
	cw := pw.ColumnWriters()
	cols := columnSources{g: g, gm: gm, areas: g.RowAreasM2(), days: int32(gm.Month.Start().Unix() / 86400)}
	queue := make([]int, 0, len(order)) // schema positions, geometry first
	for col, src := range order {
		if src == -100 {
			queue = append([]int{col}, queue...)
		} else {
			queue = append(queue, col)
		}
	}
	const workers = 2
	bufs := make([][]parquet.Value, workers)
	for w := range bufs {
		bufs[w] = make([]parquet.Value, rowGroupRows)
	}
	wkb := make([]byte, rowGroupRows*21) // only one worker takes the geometry column of a row group
	for start := 0; start < g.Cells(); start += rowGroupRows {
		k := min(rowGroupRows, g.Cells()-start)
		errs := make([]error, workers)
		var next atomic.Int32
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for q := int(next.Add(1)) - 1; q < len(queue); q = int(next.Add(1)) - 1 {
					col := queue[q]
					vals := bufs[w][:k]
					cols.fill(vals, wkb, start, order[col])
					if _, err := cw[col].WriteRowValues(vals); err != nil {
						errs[w] = fmt.Errorf("column %d: %w", col, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		if err := pw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

type columnSources struct {
	g     grid.Grid
	gm    GridMonth
	areas []float64
	days  int32
}

// fill sets vals to the column of source src (see gridSchema) for the
// cells start..start+len(vals). Required columns need no levels; optional value
// columns carry definition level 1, or 0 for NULL.
func (s *columnSources) fill(vals []parquet.Value, wkb []byte, start, src int) {
	g := s.g
	switch src {
	case -1:
		for j := range vals {
			vals[j] = parquet.Int32Value(s.days)
		}
	case -2:
		for j := range vals {
			vals[j] = parquet.Int32Value(int32(start + j))
		}
	case -3:
		for j := range vals {
			vals[j] = parquet.FloatValue(float32(g.LatCentre((start + j) / g.NLon)))
		}
	case -4:
		for j := range vals {
			vals[j] = parquet.FloatValue(float32(g.LonCentre((start + j) % g.NLon)))
		}
	case -5:
		for j := range vals {
			vals[j] = parquet.DoubleValue(s.areas[(start+j)/g.NLon])
		}
	case -100:
		for j := range vals {
			r, c := g.RowCol(start + j)
			p := wkb[j*21 : (j+1)*21]
			putWKBPoint(p, g.LonCentre(c), g.LatCentre(r))
			vals[j] = parquet.ByteArrayValue(p)
		}
	default:
		// The column writer takes the column from itself, not from the
		// value, so only the definition level is set: through the
		// in-place setter, which inlines, where Value.Level copied the
		// value and cost as much as the rest of the loop.
		values := s.gm.Columns[src].Values[start : start+len(vals)]
		for j, x := range values {
			if x != x {
				vals[j] = parquet.NullValue()
			} else {
				vals[j] = parquet.FloatValue(x)
				vals[j].SetDefinitionLevel(1)
			}
		}
	}
}

// putWKBPoint encodes a little-endian WKB Point (x = lon, y = lat).
func putWKBPoint(b []byte, x, y float64) {
	b[0] = 1
	binary.LittleEndian.PutUint32(b[1:5], 1)
	binary.LittleEndian.PutUint64(b[5:13], math.Float64bits(x))
	binary.LittleEndian.PutUint64(b[13:21], math.Float64bits(y))
}

// geoMetadata is the GeoParquet 1.1 "geo" metadata. The geometry is the
// cell centre as a WKB Point: WKB is the encoding every GeoParquet reader
// (DuckDB, GDAL >= 3.8, QGIS) understands, while the native point encoding
// needs GDAL >= 3.9. Points, not cell polygons, keep the file small; the
// cell's extent follows from lat, lon and the grid spacing recorded under
// carbonbudget:grid. crs is omitted, which means OGC:CRS84 (lon, lat).
func geoMetadata(g grid.Grid) (string, error) {
	lat0, lon0 := g.Centre(0)
	lat1, lon1 := g.Centre(g.Cells() - 1)
	meta := map[string]any{
		"version":        "1.1.0",
		"primary_column": geometryColumn,
		"columns": map[string]any{
			geometryColumn: map[string]any{
				"encoding":       "WKB",
				"geometry_types": []string{"Point"},
				"bbox":           []float64{lon0, lat1, lon1, lat0},
			},
		},
	}
	b, err := json.Marshal(meta)
	return string(b), err
}
