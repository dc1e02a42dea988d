package output

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/parquet-go/parquet-go"
)

// GridFile is a gridded month read back: the value columns by name, and
// the cell ids they belong to.
type GridFile struct {
	CellIDs []int32
	Lat     []float32 // cell centres
	Lon     []float32
	AreaM2  []float64
	Columns map[string][]float32 // NULL -> NaN
	Units   map[string]string
	Meta    map[string]string // all key/value metadata
}

// ReadGrid reads a file written by WriteGrid. It is used by validation,
// the server and tests; analysts are expected to use DuckDB or Polars.
// Decoding a 0.25° month takes about a second, so ctx is checked between
// batches of rows: a server request whose client went away stops reading
// within milliseconds instead of finishing the file.
func ReadGrid(ctx context.Context, path string) (*GridFile, error) {
	return ReadGridColumns(ctx, path, nil)
}

// ReadGridColumns is ReadGrid reading only the value columns named (all
// with nil): a reader that needs two of a month's columns does not decode
// the others.
func ReadGridColumns(ctx context.Context, path string, names []string) (*GridFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read grid: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read grid %s: %w", path, err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("read grid %s: %w", path, err)
	}
	out := &GridFile{Columns: map[string][]float32{}, Units: map[string]string{}, Meta: map[string]string{}}
	for _, kv := range pf.Metadata().KeyValueMetadata {
		out.Meta[kv.Key] = kv.Value
	}
	leaves := pf.Schema().Columns()
	value := map[int]string{}
	idCol, latCol, lonCol, areaCol := -1, -1, -1, -1
	for i, path := range leaves {
		name := path[0]
		switch {
		case name == "cell_id":
			idCol = i
		case name == "lat":
			latCol = i
		case name == "lon":
			lonCol = i
		case name == "area_m2":
			areaCol = i
		case isFixed(name), names != nil && !slices.Contains(names, name):
		default:
			value[i] = name
			out.Units[name] = out.Meta["units:"+name]
		}
	}
	if idCol < 0 {
		return nil, fmt.Errorf("read grid %s: no cell_id column", path)
	}
	n := int(pf.NumRows())
	out.CellIDs = make([]int32, 0, n)
	out.Lat, out.Lon, out.AreaM2 = make([]float32, 0, n), make([]float32, 0, n), make([]float64, 0, n)
	for _, name := range value {
		out.Columns[name] = make([]float32, 0, n)
	}
	// Column by column, page by page, from the pages' decoded values: no
	// parquet.Row per cell, and the time and geometry columns are never
	// read (the geometry is most of the file's bytes).
	for _, rg := range pf.RowGroups() {
		chunks := rg.ColumnChunks()
		for c := range leaves {
			name, isValue := value[c]
			if !isValue && c != idCol && c != latCol && c != lonCol && c != areaCol {
				continue
			}
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("read grid %s: %w", path, err)
			}
			err := readPages(chunks[c].Pages(), func(p parquet.Page) error {
				if p.Dictionary() != nil {
					return fmt.Errorf("column %q is dictionary-encoded; WriteGrid writes plain pages", leaves[c][0])
				}
				data := p.Data()
				switch c {
				case idCol:
					out.CellIDs = append(out.CellIDs, data.Int32()...)
				case latCol:
					out.Lat = append(out.Lat, data.Float()...)
				case lonCol:
					out.Lon = append(out.Lon, data.Float()...)
				case areaCol:
					out.AreaM2 = append(out.AreaM2, data.Double()...)
				default:
					col, ok := appendNullable(out.Columns[name], data.Float(), p.DefinitionLevels())
					if !ok {
						return fmt.Errorf("column %q: a page's definition levels and values disagree", name)
					}
					out.Columns[name] = col
				}
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("read grid %s: %w", path, err)
			}
		}
	}
	for name, col := range out.Columns {
		if len(col) != len(out.CellIDs) {
			return nil, fmt.Errorf("read grid %s: column %q has %d values for %d cells", path, name, len(col), len(out.CellIDs))
		}
	}
	return out, nil
}

// readPages calls f on every page of a column chunk.
func readPages(pages parquet.Pages, f func(parquet.Page) error) error {
	defer pages.Close()
	for {
		p, err := pages.ReadPage()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		err = f(p)
		parquet.Release(p)
		if err != nil {
			return err
		}
	}
}

// appendNullable appends a page of an optional column: vals holds the
// non-NULL values in order, def one definition level per row (0: NULL,
// which becomes NaN). A page without levels has no NULLs. ok is false
// when the levels ask for more values than the page holds.
func appendNullable(dst, vals []float32, def []byte) (_ []float32, ok bool) {
	if len(def) == 0 {
		return append(dst, vals...), true
	}
	n := len(dst)
	dst = slices.Grow(dst, len(def))[:n+len(def)]
	out := dst[n:]
	nan := float32(math.NaN())
	j := 0
	for i, d := range def {
		if d == 0 {
			out[i] = nan
			continue
		}
		if j == len(vals) {
			return dst[:n+i], false
		}
		out[i] = vals[j]
		j++
	}
	return dst, j == len(vals)
}

func isFixed(name string) bool {
	if name == geometryColumn {
		return true
	}
	for _, f := range fixedColumns {
		if f == name {
			return true
		}
	}
	return false
}

// BaselineMean averages each named column over the grids published under
// outDir for m's calendar month in the years from to to: the reference
// that anomaly maps subtract. own, when not nil, holds the columns of a
// month that is not read from disk (the month being published, so that a
// rerun of a baseline month gives the same bytes). It is nil, nil when a
// baseline month is not published or lacks a column; a reader whose
// client has gone gets ctx's error.
func BaselineMean(ctx context.Context, outDir string, m grid.Month, from, to int, cols []string, own map[grid.Month]map[string][]float32) (map[string][]float32, error) {
	sums := make([][]float64, len(cols))
	n := 0
	for y := from; y <= to; y++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		bm := grid.Month{Year: y, Month: m.Month}
		values, ok := own[bm]
		if !ok {
			gf, err := ReadGridColumns(ctx, GridPath(outDir, bm), cols)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, nil // not published (yet)
			}
			values = gf.Columns
		}
		for k, c := range cols {
			v := values[c]
			if v == nil || (sums[k] != nil && len(v) != len(sums[k])) {
				return nil, nil
			}
			if sums[k] == nil {
				sums[k] = make([]float64, len(v))
			}
			for i, x := range v {
				sums[k][i] += float64(x)
			}
		}
		n++
	}
	if n == 0 {
		return nil, nil
	}
	out := map[string][]float32{}
	for k, c := range cols {
		mean := make([]float32, len(sums[k]))
		for i, s := range sums[k] {
			mean[i] = float32(s / float64(n))
		}
		out[c] = mean
	}
	return out, nil
}
