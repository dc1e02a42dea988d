// Package gcb reads Global Carbon Budget tables in CSV form: one sheet of a
// GCB workbook (Global_Carbon_Budget_YYYY_vX.Y.xlsx) a file, either exported
// whole (the sheet's notes, a units line, then the table) or reduced to the
// table alone (the CSVs in data/real/gcb, the twin world's E_LUC series).
// The table is a header row whose first cell is "Year" (any case), then one
// row per year, empty cells for values not given.
//
// Values are GtC/yr once a reader returns them. Sheets that state MtC/yr
// (the 2022–2024 "Fossil Emissions by Category" and "Cement Carbonation
// Sink" sheets) are converted; where a sheet states its units the values
// must agree with them in magnitude, and where it does not the magnitude
// decides. Sinks are positive numbers, as in the sheets.
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
	// Notes holds the non-empty cells of the rows above the header, in
	// order (nil for a CSV that starts with the header).
	Notes []string
	// UnitsLine is the first non-empty cell of the row just above the
	// header when it is a units label such as "GtC/yr" (the GCB 2025 budget
	// sheet has one in column A); "" otherwise.
	UnitsLine string
	// HeaderLine is the CSV record number (1-based) of the header row.
	HeaderLine int
}

// ErrNoColumn means a requested column is not in the table.
var ErrNoColumn = errors.New("no such column")

// maxNoteRows bounds the rows searched for the header: the GCB sheets have
// 8 to 40 rows of notes, and a file with none of its first 200 rows
// starting "Year" is not a GCB sheet.
const maxNoteRows = 200

// ReadFile reads the table at path.
func ReadFile(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Read parses a GCB CSV from r; name is used in error messages. Rows above
// the header are kept as Notes. Columns with an empty header (the sheets'
// spacer columns) are left out. Blank rows are skipped; the first row after
// the years whose first cell is neither empty nor a year ends the table
// (the sheets put footnotes there), and a year row after it is an error,
// since a table interrupted by text cannot be read without guessing.
func Read(r io.Reader, name string) (*Table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	t := &Table{Values: map[string][]float64{}}
	header, err := t.findHeader(cr, name)
	if err != nil {
		return nil, err
	}
	cols, err := t.setColumns(header)
	if err != nil {
		return nil, fmt.Errorf("%s: line %d: %w", name, t.HeaderLine, err)
	}
	footer := 0 // record number of the first footnote row, 0 while in the table
	for line := t.HeaderLine + 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if blank(rec) {
			continue
		}
		_, isYear := parseYear(first(rec))
		switch {
		case !isYear && len(t.Years) == 0:
			return nil, fmt.Errorf("%s: line %d: year %q is not a whole number", name, line, first(rec))
		case !isYear && footer == 0:
			footer = line
			continue
		case !isYear:
			continue
		case footer != 0:
			return nil, fmt.Errorf("%s: line %d: year row after the text on line %d: the table is interrupted", name, line, footer)
		}
		if err := t.addRow(rec, cols); err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", name, line, err)
		}
	}
	if len(t.Years) == 0 {
		return nil, fmt.Errorf("%s: no year rows", name)
	}
	return t, nil
}

// findHeader reads up to the header row, keeping the rows above it as
// notes, and returns the header.
func (t *Table) findHeader(cr *csv.Reader, name string) ([]string, error) {
	var prev []string
	for line := 1; line <= maxNoteRows; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: header: %w", name, err)
		}
		if line == 1 && len(rec) > 0 {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
		}
		if strings.EqualFold(strings.TrimSpace(first(rec)), "year") {
			if len(rec) < 2 {
				return nil, fmt.Errorf("%s: line %d: header has no column after Year", name, line)
			}
			t.HeaderLine = line
			t.UnitsLine = unitsLabel(firstNonEmpty(prev))
			return rec, nil
		}
		if blank(rec) {
			continue
		}
		for _, c := range rec {
			if c = strings.TrimSpace(c); c != "" {
				t.Notes = append(t.Notes, c)
			}
		}
		prev = rec
	}
	return nil, fmt.Errorf("%s: no header row in the first %d rows: want Year as the first cell of one", name, maxNoteRows)
}

// setColumns records the named columns of header and returns, for each
// field of a row, the column it belongs to ("" for a spacer column).
func (t *Table) setColumns(header []string) ([]string, error) {
	cols := make([]string, len(header))
	for i, h := range header[1:] {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if _, dup := t.Values[h]; dup {
			return nil, fmt.Errorf("column %q appears twice", h)
		}
		cols[i+1] = h
		t.Columns = append(t.Columns, h)
		t.Values[h] = nil
	}
	if len(t.Columns) == 0 {
		return nil, fmt.Errorf("header has no named column after Year")
	}
	return cols, nil
}

func firstNonEmpty(rec []string) string {
	for _, c := range rec {
		if c = strings.TrimSpace(c); c != "" {
			return c
		}
	}
	return ""
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseYear reads a year cell. Spreadsheet exports may write the year as
// a float ("1959.0"); anything with a fraction is not a year.
func parseYear(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if y, err := strconv.Atoi(s); err == nil {
		return y, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e6 {
		return 0, false
	}
	return int(f), true
}

func (t *Table) addRow(rec, cols []string) error {
	year, _ := parseYear(first(rec))
	if n := len(t.Years); n > 0 && year <= t.Years[n-1] {
		return fmt.Errorf("year %d after %d: years must increase", year, t.Years[n-1])
	}
	t.Years = append(t.Years, year)
	for _, col := range t.Columns {
		t.Values[col] = append(t.Values[col], math.NaN())
	}
	n := len(t.Years) - 1
	for i := 1; i < len(rec) && i < len(cols); i++ {
		col := cols[i]
		s := strings.TrimSpace(rec[i])
		if col == "" || s == "" {
			continue
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(x, 0) {
			return fmt.Errorf("column %q: %q is not a number", col, s)
		}
		t.Values[col][n] = x
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
