package output

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

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
		case isFixed(name):
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
	for _, name := range value {
		out.Columns[name] = make([]float32, 0, n)
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	buf := make([]parquet.Row, 4096)
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("read grid %s: %w", path, err)
		}
		k, err := r.ReadRows(buf)
		for _, row := range buf[:k] {
			for _, v := range row {
				c := v.Column()
				switch c {
				case idCol:
					out.CellIDs = append(out.CellIDs, v.Int32())
					continue
				case latCol:
					out.Lat = append(out.Lat, v.Float())
					continue
				case lonCol:
					out.Lon = append(out.Lon, v.Float())
					continue
				case areaCol:
					out.AreaM2 = append(out.AreaM2, v.Double())
					continue
				}
				if name, ok := value[c]; ok {
					x := float32(math.NaN())
					if !v.IsNull() {
						x = v.Float()
					}
					out.Columns[name] = append(out.Columns[name], x)
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read grid %s: %w", path, err)
		}
	}
	return out, nil
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
