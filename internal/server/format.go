package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// writeTable writes a slice of structs as JSON, CSV or Parquet (format,
// from parseFormat). Column names are the json tags; NaN becomes null in
// JSON and an empty cell in CSV. Encoded bodies are cached under key (see
// reqKey); rowsFn, which filters the tables, only runs on a cache miss.
// wholeTable serves a table that takes no parameter but its format and
// changes only with a publication: rows makes its rows when the cache has
// no body for them.
func (s *Server) wholeTable(w http.ResponseWriter, r *http.Request, name string, rows func(*snapshot) (any, error)) error {
	snap := s.data.get()
	format, err := parseFormat(r)
	if err != nil {
		return err
	}
	key := reqKey(snap.etag, r.URL.Path, "format="+format)
	if notModified(w, r, snap, key) {
		return nil
	}
	v, err := rows(snap)
	if err != nil {
		return err
	}
	return s.writeTable(w, r, name, key, format, func() any { return v })
}

func (s *Server) writeTable(w http.ResponseWriter, r *http.Request, name, key, format string, rowsFn func() any) error {
	ctype := formatTypes[format]
	if format != "json" {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
	}
	body, err := s.cache.getOrMake(key, func() ([]byte, error) {
		rows := rowsFn()
		var buf bytes.Buffer
		var err error
		switch format {
		case "json":
			err = writeJSON(&buf, rows)
		case "csv":
			err = writeCSV(&buf, rows)
		case "parquet":
			release, aerr := s.acquire(r)
			if aerr != nil {
				return nil, aerr
			}
			err = writeParquet(&buf, rows)
			release()
		}
		return buf.Bytes(), err
	})
	if err != nil {
		return err
	}
	return s.send(w, r, ctype, body, key)
}

var formatTypes = map[string]string{"json": "application/json", "csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}

// parseFormat validates the format parameter of a table; no format is
// "json".
func parseFormat(r *http.Request) (string, error) {
	f := nonEmpty(r.URL.Query().Get("format"), "json")
	if formatTypes[f] == "" {
		return "", errBadRequest("format: want json, csv or parquet")
	}
	return f, nil
}

type column struct {
	name  string
	index int
}

func columns(t reflect.Type) []column {
	var cols []column
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		cols = append(cols, column{name, i})
	}
	return cols
}

func writeJSON(w io.Writer, rows any) error {
	v := reflect.ValueOf(rows)
	var b bytes.Buffer
	b.WriteByte('[')
	if v.Len() > 0 {
		cols := columns(v.Index(0).Type())
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('{')
			for k, c := range cols {
				if k > 0 {
					b.WriteByte(',')
				}
				key, _ := json.Marshal(c.name)
				b.Write(key)
				b.WriteByte(':')
				writeJSONValue(&b, v.Index(i).Field(c.index))
			}
			b.WriteByte('}')
		}
	}
	b.WriteString("]\n")
	_, err := b.WriteTo(w)
	return err
}

// jsonObject encodes one struct as a JSON object, like writeJSON does.
func jsonObject(row any) []byte {
	var b bytes.Buffer
	v := reflect.ValueOf(row)
	b.WriteByte('{')
	for k, c := range columns(v.Type()) {
		if k > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(c.name)
		b.Write(key)
		b.WriteByte(':')
		writeJSONValue(&b, v.Field(c.index))
	}
	b.WriteByte('}')
	return b.Bytes()
}

func writeJSONValue(b *bytes.Buffer, f reflect.Value) {
	if f.Kind() == reflect.Float64 || f.Kind() == reflect.Float32 {
		x := f.Float()
		if math.IsNaN(x) || math.IsInf(x, 0) {
			b.WriteString("null")
			return
		}
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		return
	}
	enc, _ := json.Marshal(f.Interface())
	b.Write(enc)
}

func writeCSV(w io.Writer, rows any) error {
	v := reflect.ValueOf(rows)
	cw := csv.NewWriter(w)
	if v.Len() == 0 {
		cw.Flush()
		return cw.Error()
	}
	// A list (a finding's driver shares) has no cell; the JSON answer
	// carries it.
	cols := slices.DeleteFunc(columns(v.Index(0).Type()), func(c column) bool {
		return v.Index(0).Field(c.index).Kind() == reflect.Slice
	})
	header := make([]string, len(cols))
	for k, c := range cols {
		header[k] = c.name
	}
	cw.Write(header)
	rec := make([]string, len(cols))
	for i := 0; i < v.Len(); i++ {
		for k, c := range cols {
			rec[k] = cell(v.Index(i).Field(c.index))
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func cell(f reflect.Value) string {
	switch f.Kind() {
	case reflect.Float64, reflect.Float32:
		if math.IsNaN(f.Float()) {
			return ""
		}
		return strconv.FormatFloat(f.Float(), 'g', -1, 64)
	case reflect.Bool:
		return strconv.FormatBool(f.Bool())
	case reflect.String:
		return f.String()
	}
	return fmt.Sprint(f.Interface())
}

func writeParquet(buf *bytes.Buffer, rows any) error {
	v := reflect.ValueOf(rows)
	elem := reflect.New(v.Type().Elem()).Interface()
	pw := parquet.NewWriter(buf, parquet.SchemaOf(elem), parquet.Compression(&zstd.Codec{Level: zstd.SpeedDefault}))
	for i := 0; i < v.Len(); i++ {
		if err := pw.Write(v.Index(i).Interface()); err != nil {
			return err
		}
	}
	return pw.Close()
}
