package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// grid serves a month's grid file whole, or a subset of cells (bbox) and
// columns (vars) as Parquet (default) or CSV.
func (s *Server) grid(w http.ResponseWriter, r *http.Request) error {
	m, _, err := s.monthParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	bbox, err := parseBBox(q.Get("bbox"))
	if err != nil {
		return err
	}
	path := output.GridPath(s.out, m)
	// The whole file is streamed as it is, which costs no computing: it
	// takes no heavy-request slot, so slow downloaders lock nobody out.
	if q.Get("bbox") == "" && q.Get("vars") == "" && q.Get("format") == "" {
		f, err := os.Open(path)
		if err != nil {
			return s.unreadable(m, err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return s.unreadable(m, err)
		}
		if err := parquetIntact(f, st.Size()); err != nil {
			return s.unreadable(m, err)
		}
		w.Header().Set("Content-Type", "application/vnd.apache.parquet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="grid_%s.parquet"`, m))
		http.ServeContent(w, r, "grid.parquet", st.ModTime(), f)
		return nil
	}
	// A subset is computed under a slot into a buffer (Parquet) or a
	// temporary file (CSV), and the slot is freed before the client reads.
	acquired, err := s.acquire(r)
	if err != nil {
		return err
	}
	var once sync.Once
	release := func() { once.Do(acquired) }
	defer release()
	gf, err := output.ReadGrid(r.Context(), path)
	if err != nil {
		return s.unreadable(m, err)
	}
	vars, err := pickVars(gf, q.Get("vars"))
	if err != nil {
		return err
	}
	var cells []int
	for i := range gf.CellIDs {
		if bbox.contains(float64(gf.Lon[i]), float64(gf.Lat[i])) {
			cells = append(cells, i)
		}
	}
	name := fmt.Sprintf("grid_%s_subset", m)
	switch q.Get("format") {
	case "", "parquet":
		var buf bytes.Buffer
		if err := writeSubsetParquet(r.Context(), &buf, gf, cells, vars); err != nil {
			return err
		}
		release()
		w.Header().Set("Content-Type", "application/vnd.apache.parquet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.parquet"`, name))
		_, err = buf.WriteTo(w)
		return err
	case "csv":
		tmp, err := os.CreateTemp("", "carbonbudget-subset-*.csv")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		bw := bufio.NewWriterSize(tmp, 1<<20)
		if err := writeSubsetCSV(r.Context(), bw, gf, cells, vars); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		release()
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
		_, err = io.Copy(w, tmp)
		return err
	}
	return errBadRequest("format %q: want parquet or csv", q.Get("format"))
}

type bbox struct{ w, s, e, n float64 }

func (b bbox) contains(lon, lat float64) bool {
	return lon >= b.w && lon <= b.e && lat >= b.s && lat <= b.n
}

// parseBBox parses "W,S,E,N" in degrees; empty means the whole globe.
func parseBBox(v string) (bbox, error) {
	if v == "" {
		return bbox{-180, -90, 180, 90}, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return bbox{}, errBadRequest("bbox %q: want W,S,E,N in degrees", v)
	}
	var x [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bbox{}, errBadRequest("bbox %q: %q is not a number", v, p)
		}
		x[i] = f
	}
	b := bbox{x[0], x[1], x[2], x[3]}
	if b.w < -180 || b.e > 180 || b.s < -90 || b.n > 90 || b.w >= b.e || b.s >= b.n {
		return bbox{}, errBadRequest("bbox %q: want -180 <= W < E <= 180 and -90 <= S < N <= 90", v)
	}
	return b, nil
}

// pickVars validates the requested columns against the file's.
func pickVars(gf *output.GridFile, v string) ([]string, error) {
	var have []string
	for name := range gf.Columns {
		have = append(have, name)
	}
	sort.Strings(have)
	if v == "" {
		return have, nil
	}
	// Each variable once, in the order asked: a name repeated ten thousand
	// times must cost what it costs once.
	var out []string
	for _, name := range strings.Split(v, ",") {
		if _, ok := gf.Columns[name]; !ok {
			if len(name) > 64 {
				name = name[:64] + "…"
			}
			return nil, errBadRequest("unknown variable %q (have %s)", name, strings.Join(have, ", "))
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out, nil
}

func writeSubsetCSV(ctx context.Context, w io.Writer, gf *output.GridFile, cells []int, vars []string) error {
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"cell_id", "lat", "lon", "area_m2"}, vars...))
	rec := make([]string, 4+len(vars))
	for n, i := range cells {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err() // the client went away: stop encoding
		}
		rec[0] = strconv.Itoa(int(gf.CellIDs[i]))
		rec[1] = strconv.FormatFloat(float64(gf.Lat[i]), 'g', -1, 32)
		rec[2] = strconv.FormatFloat(float64(gf.Lon[i]), 'g', -1, 32)
		rec[3] = strconv.FormatFloat(gf.AreaM2[i], 'g', -1, 64)
		for k, name := range vars {
			x := gf.Columns[name][i]
			rec[4+k] = ""
			if x == x {
				rec[4+k] = strconv.FormatFloat(float64(x), 'g', -1, 32)
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func writeSubsetParquet(ctx context.Context, buf *bytes.Buffer, gf *output.GridFile, cells []int, vars []string) error {
	g := parquet.Group{
		"cell_id": parquet.Leaf(parquet.Int32Type),
		"lat":     parquet.Leaf(parquet.FloatType),
		"lon":     parquet.Leaf(parquet.FloatType),
		"area_m2": parquet.Leaf(parquet.DoubleType),
	}
	for _, v := range vars {
		g[v] = parquet.Optional(parquet.Leaf(parquet.FloatType))
	}
	schema := parquet.NewSchema("cell", g)
	idx := map[string]int{}
	for i, col := range schema.Columns() {
		idx[col[0]] = i
	}
	kv := []parquet.WriterOption{schema, parquet.Compression(&zstd.Codec{Level: zstd.SpeedDefault})}
	for _, v := range vars {
		kv = append(kv, parquet.KeyValueMetadata("units:"+v, gf.Units[v]))
	}
	pw := parquet.NewWriter(buf, kv...)
	row := make(parquet.Row, len(idx))
	for n, i := range cells {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err() // the client went away: stop encoding
		}
		row[idx["cell_id"]] = parquet.Int32Value(gf.CellIDs[i]).Level(0, 0, idx["cell_id"])
		row[idx["lat"]] = parquet.FloatValue(gf.Lat[i]).Level(0, 0, idx["lat"])
		row[idx["lon"]] = parquet.FloatValue(gf.Lon[i]).Level(0, 0, idx["lon"])
		row[idx["area_m2"]] = parquet.DoubleValue(gf.AreaM2[i]).Level(0, 0, idx["area_m2"])
		for _, v := range vars {
			c := idx[v]
			if x := gf.Columns[v][i]; x == x {
				row[c] = parquet.FloatValue(x).Level(0, 1, c)
			} else {
				row[c] = parquet.NullValue().Level(0, 0, c)
			}
		}
		if _, err := pw.WriteRows([]parquet.Row{row}); err != nil {
			return err
		}
	}
	return pw.Close()
}

// unreadable answers for a month's grid file that cannot be served: 404
// when it is no longer published, 503 when it is damaged (or being
// replaced), never the file's path; the detail goes to the log.
func (s *Server) unreadable(m grid.Month, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return errNotFound("month %s is not published (any more)", m)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err // the client went away while the file was read: not damage
	}
	s.opt.Log.Error("grid file unreadable", "month", m, "err", err)
	return &apiError{http.StatusServiceUnavailable, fmt.Sprintf("the grid of %s cannot be read (damaged or being republished); retry later", m)}
}

// parquetIntact checks a Parquet file's frame: the magic at both ends and
// a footer that fits, so a truncated file is never served as a whole one.
func parquetIntact(f *os.File, size int64) error {
	const magic = "PAR1"
	if size < 12 {
		return fmt.Errorf("%d bytes: too short for Parquet", size)
	}
	head := make([]byte, 4)
	tail := make([]byte, 8)
	if _, err := f.ReadAt(head, 0); err != nil {
		return err
	}
	if _, err := f.ReadAt(tail, size-8); err != nil {
		return err
	}
	footer := int64(binary.LittleEndian.Uint32(tail[:4]))
	if string(head) != magic || string(tail[4:]) != magic || footer <= 0 || footer > size-12 {
		return fmt.Errorf("not a whole Parquet file (%d bytes)", size)
	}
	return nil
}
