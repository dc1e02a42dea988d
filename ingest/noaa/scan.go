package noaa

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// table is a NOAA text file split into its parts, before any column is
// given a meaning.
type table struct {
	name    string
	vintage string
	// tail holds those of the last two comment lines before the first
	// data line that look like column names, lower-cased: the whitespace
	// files spell their column names there.
	tail   []string
	header []string // lower-cased column names of a CSV header line, nil if none
	csv    bool
	// uncUnnamed is set when every data row carries two more fields than
	// the header names, the header has "average" and "trend" and no
	// uncertainty columns: a mirror's CSV (datahub's co2-mm-gl.csv,
	// "Date,Decimal Date,Average,Trend") that kept NOAA's average_unc and
	// trend_unc values but not their names. Each follows its value.
	uncUnnamed bool
	rows       []row
}

type row struct {
	line   int
	fields []string
}

// maxLine bounds one line; NOAA lines are under 200 bytes, so a longer one
// means the input is not a NOAA file.
const maxLine = 64 << 10

// scan splits r into comments, an optional header line and data rows. It
// checks only the shape: every data row has as many fields as the first.
func scan(r io.Reader, name string) (*table, error) {
	t := &table{name: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	var comments []string
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if line == 1 {
			text = strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
		}
		switch {
		case text == "":
			continue
		case text[0] == '#':
			c := strings.TrimSpace(text[1:])
			if v, ok := strings.CutPrefix(c, "File Creation:"); ok && t.vintage == "" {
				t.vintage = strings.TrimSpace(v)
			}
			if len(t.rows) == 0 && t.header == nil {
				comments = append(comments, strings.ToLower(c))
			}
			continue
		}
		if err := t.addLine(text, line, comments); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, ingest.Errorf(name, "", grid.Month{}, "read: %w", err)
	}
	if len(t.rows) == 0 {
		return nil, ingest.Errorf(name, "", grid.Month{}, "no data rows: %w", ErrNoRows)
	}
	return t, nil
}

// addLine adds a header or data line.
func (t *table) addLine(text string, line int, comments []string) error {
	if len(t.rows) == 0 && t.header == nil {
		t.csv = strings.Contains(text, ",")
		t.tail = columnNameLines(lastN(comments, 2))
	}
	fields := t.split(text)
	if len(t.rows) == 0 && t.header == nil && !isNumber(fields[0]) {
		for i := range fields {
			fields[i] = strings.ToLower(fields[i])
		}
		t.header = fields
		return nil
	}
	want := 0
	if t.csv { // a whitespace header splits "ann inc" in two: only a hint
		want = len(t.header)
		if len(t.rows) == 0 && len(fields) == want+2 && t.unnamedUncertainties() {
			t.uncUnnamed = true
		}
		if t.uncUnnamed {
			want += 2
		}
	}
	if len(t.rows) > 0 {
		want = len(t.rows[0].fields)
	}
	if want > 0 && len(fields) != want {
		return ingest.Errorf(t.name, "", grid.Month{}, "line %d: %d columns, want %d like the %s", line, len(fields), want, t.shapeSource())
	}
	t.rows = append(t.rows, row{line: line, fields: fields})
	return nil
}

// unnamedUncertainties reports whether the header names a value and a
// trend but neither uncertainty (see uncUnnamed).
func (t *table) unnamedUncertainties() bool {
	has := func(role int) bool {
		for _, h := range t.header {
			if r, ok := monthlyAliases[h]; ok && r == role {
				return true
			}
		}
		return false
	}
	return has(colAverage) && has(colTrend) && !has(colAverageUnc) && !has(colTrendUnc)
}

func (t *table) shapeSource() string {
	if len(t.rows) == 0 {
		return "header"
	}
	return "first data line"
}

func (t *table) split(text string) []string {
	if !t.csv {
		return strings.Fields(text)
	}
	fields := strings.Split(text, ",")
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}
	return fields
}

// hasHint reports whether the column names (CSV header or the comment lines
// above the data) mention any of the words.
func (t *table) hasHint(words ...string) bool {
	// The header joined with blanks too: a whitespace header line splits
	// "ann inc" into two names.
	text := strings.Join(t.header, ",") + "\n" + strings.Join(t.header, " ") + "\n" + strings.Join(t.tail, "\n")
	for _, w := range words {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

func lastN(s []string, n int) []string {
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return append([]string(nil), s...)
}

// columnNameLines keeps the comment lines that start like NOAA's column
// name lines ("year month decimal …", "decimal  average …", "date …"), so
// that free text above the data cannot pass for a column name.
func columnNameLines(lines []string) []string {
	var out []string
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 0 && (f[0] == "year" || f[0] == "decimal" || f[0] == "date") {
			out = append(out, l)
		}
	}
	return out
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// parseCreated reads the vintage text ("Fri Dec  5 11:34:08 2025", the C
// asctime layout NOAA writes); the zero time when it is in another form.
func parseCreated(vintage string) time.Time {
	t, err := time.Parse("Mon Jan 2 15:04:05 2006", strings.Join(strings.Fields(vintage), " "))
	if err != nil {
		return time.Time{}
	}
	return t
}

// cell parses one field of a data row: a NaN for a negative value (NOAA's
// missing markers -1, -9.99, -0.99 and -99.99 are all negative and none of
// these columns can be) or for "NaN"/empty, and an error naming the line
// and column for text that is not a number.
func (t *table) cell(r row, col int, column string, m grid.Month) (float64, error) {
	s := r.fields[col]
	if s == "" {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, ingest.Errorf(t.name, column, m, "line %d: %q is not a number", r.line, s)
	}
	if v < 0 {
		return math.NaN(), nil
	}
	return v, nil
}

// year parses a year field; years outside 1000..9999 are rejected because
// no CO2 record has them and grid.Month prints four digits.
func (t *table) year(r row, col int) (int, error) {
	s := r.fields[col]
	y, err := strconv.Atoi(s)
	if err != nil || y < 1000 || y > 9999 {
		return 0, ingest.Errorf(t.name, "year", grid.Month{}, "line %d: %q is not a year", r.line, s)
	}
	return y, nil
}

// checkRange rejects a value outside [lo, hi]: in a CO2 file such a value
// means a column was misread, not an odd measurement.
func (t *table) checkRange(r row, v, lo, hi float64, column, unit string, m grid.Month) error {
	if math.IsNaN(v) || (v >= lo && v <= hi) {
		return nil
	}
	return ingest.Errorf(t.name, column, m, "line %d: %g %s is outside %g..%g", r.line, v, unit, lo, hi)
}
