// Package gcb reads Global Carbon Budget tables in CSV form: a header row
// whose first cell is "Year" (any case), then one row per year, empty cells
// for values not given. This is the layout of the CSVs extracted from the
// GCB workbooks (one sheet a file) and of the bookkeeping E_LUC series the
// twin world writes. Values are GtC/yr unless the column says otherwise.
package gcb

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// Table is a GCB sheet: Years in file order and one series per column,
// NaN where a cell is empty.
type Table struct {
	Columns []string
	Years   []int
	Values  map[string][]float64
}

// ErrNoColumn means a requested column is not in the table.
var ErrNoColumn = errors.New("no such column")

// ReadFile reads the table at path.
func ReadFile(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Read parses a GCB CSV from r; name is used in error messages.
func Read(r io.Reader, name string) (*Table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if len(header) < 2 || !strings.EqualFold(strings.TrimSpace(header[0]), "year") {
		return nil, fmt.Errorf("%s: first header cell is %q, want Year", name, first(header))
	}
	t := &Table{Values: map[string][]float64{}}
	for _, h := range header[1:] {
		h = strings.TrimSpace(h)
		if _, dup := t.Values[h]; dup {
			return nil, fmt.Errorf("%s: column %q appears twice", name, h)
		}
		t.Columns = append(t.Columns, h)
		t.Values[h] = nil
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := t.addRow(rec); err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", name, line, err)
		}
	}
	if len(t.Years) == 0 {
		return nil, fmt.Errorf("%s: no year rows", name)
	}
	return t, nil
}

func (t *Table) addRow(rec []string) error {
	ys := strings.TrimSpace(first(rec))
	year, err := strconv.Atoi(ys)
	if err != nil {
		return fmt.Errorf("year %q is not a whole number", ys)
	}
	if n := len(t.Years); n > 0 && year <= t.Years[n-1] {
		return fmt.Errorf("year %d after %d: years must increase", year, t.Years[n-1])
	}
	t.Years = append(t.Years, year)
	for i, col := range t.Columns {
		v := math.NaN()
		if i+1 < len(rec) {
			if s := strings.TrimSpace(rec[i+1]); s != "" {
				x, err := strconv.ParseFloat(s, 64)
				if err != nil || math.IsInf(x, 0) {
					return fmt.Errorf("column %q: %q is not a number", col, s)
				}
				v = x
			}
		}
		t.Values[col] = append(t.Values[col], v)
	}
	return nil
}

func first(rec []string) string {
	if len(rec) == 0 {
		return ""
	}
	return rec[0]
}

// Value returns column col in year; ok is false when the year is absent or
// the cell empty.
func (t *Table) Value(col string, year int) (v float64, ok bool, err error) {
	series, found := t.Values[col]
	if !found {
		return 0, false, fmt.Errorf("column %q: %w (have %s)", col, ErrNoColumn, strings.Join(t.Columns, ", "))
	}
	for i, y := range t.Years {
		if y == year {
			return series[i], !math.IsNaN(series[i]), nil
		}
	}
	return 0, false, nil
}

// Series returns the years with a value in col and those values.
func (t *Table) Series(col string) (years []int, values []float64, err error) {
	series, found := t.Values[col]
	if !found {
		return nil, nil, fmt.Errorf("column %q: %w (have %s)", col, ErrNoColumn, strings.Join(t.Columns, ", "))
	}
	for i, v := range series {
		if !math.IsNaN(v) {
			years = append(years, t.Years[i])
			values = append(values, v)
		}
	}
	return years, values, nil
}
