package carbonmonitor

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// columns holds the index of each column the reader needs.
type columns struct {
	country, date, sector, value int
	dateName, valueName          string
	// timestamp is the "timestamp" column when a "date" column is there
	// too (the older layout country,date,sector,value,timestamp): the two
	// must name the same day. -1 without it.
	timestamp int
	width     int // fields a data row needs at least
}

// parser carries the state of one Read.
type parser struct {
	name      string
	cols      columns
	countryID map[string]int // index into names
	names     []string       // interned: the records keep no CSV line buffers
	seen      []daySet       // per series (country × sector)
	data      *Data
	lines     []int32 // the CSV line of each record, for messages
	order     dayOrder
}

// Read parses a Carbon Monitor CSV from r; name is used in error messages.
func Read(r io.Reader, name string) (*Data, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, ingest.Errorf(name, "", grid.Month{}, "header: %w", err)
	}
	cols, unitsFromHeader, err := headerColumns(header)
	if err != nil {
		return nil, ingest.Errorf(name, "", grid.Month{}, "header %q: %w", strings.Join(header, ","), err)
	}
	p := &parser{
		name: name, cols: cols,
		countryID: map[string]int{},
		data:      &Data{Name: name, UnitsFromHeader: unitsFromHeader},
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, ingest.Errorf(name, "", grid.Month{}, "%w", err)
		}
		line, _ := cr.FieldPos(0)
		if err := p.row(rec, line); err != nil {
			return nil, err
		}
	}
	if len(p.data.Records) == 0 {
		return nil, ingest.Errorf(name, "", grid.Month{}, "%w", ErrNoRecords)
	}
	if err := p.order.resolve(p.data.Records); err != nil {
		return nil, ingest.Errorf(name, p.cols.dateName, grid.Month{}, "%w", err)
	}
	if err := p.checkDuplicates(); err != nil {
		return nil, err
	}
	return p.data, nil
}

// headerColumns finds the columns by name (any case and order; extra and
// empty-named columns are ignored).
func headerColumns(header []string) (columns, bool, error) {
	c := columns{country: -1, date: -1, sector: -1, value: -1, timestamp: -1}
	unitsFromHeader := false
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		var dst *int
		switch h {
		case "country":
			dst = &c.country
		case "date":
			if c.date >= 0 && c.dateName == "timestamp" { // timestamp came first: it is the check
				c.timestamp = c.date
				c.date = -1
			}
			dst, c.dateName = &c.date, h
		case "timestamp":
			if c.date >= 0 && c.dateName == "date" {
				dst = &c.timestamp
				break
			}
			dst, c.dateName = &c.date, h
		case "sector":
			dst = &c.sector
		case "mtco2 per day", "mtco2/day", "mtco2":
			dst, c.valueName, unitsFromHeader = &c.value, h, true
		case "value":
			dst, c.valueName = &c.value, h
		default:
			continue
		}
		if *dst >= 0 {
			return c, false, fmt.Errorf("two %q columns", h)
		}
		*dst = i
		c.width = max(c.width, i+1)
	}
	for _, need := range []struct {
		idx  int
		name string
	}{{c.country, "country"}, {c.date, "date"}, {c.sector, "sector"}, {c.value, "value or MtCO2 per day"}} {
		if need.idx < 0 {
			return c, false, fmt.Errorf("no %s column", need.name)
		}
	}
	return c, unitsFromHeader, nil
}

// row handles one CSV record: blank and trailer rows are skipped, data
// rows checked and appended.
func (p *parser) row(rec []string, line int) error {
	first, rest := "", false
	for i, f := range rec {
		f = strings.TrimSpace(f)
		if i == 0 {
			first = f
		} else if f != "" {
			rest = true
		}
	}
	if !rest {
		if first != "" { // "carbonmonitor.org", "September 17th, 2024"
			p.data.Notes = append(p.data.Notes, first)
		}
		return nil
	}
	if len(rec) < p.cols.width {
		return ingest.Errorf(p.name, "", grid.Month{}, "line %d: %d fields, want at least %d", line, len(rec), p.cols.width)
	}
	r, err := p.record(rec, line)
	if err != nil {
		return err
	}
	p.data.Records = append(p.data.Records, r)
	return nil
}

func (p *parser) record(rec []string, line int) (Record, error) {
	country := strings.TrimSpace(rec[p.cols.country])
	if country == "" {
		return Record{}, ingest.Errorf(p.name, "country", grid.Month{}, "line %d: empty country", line)
	}
	date, err := p.order.parse(strings.TrimSpace(rec[p.cols.date]), len(p.data.Records), line)
	if err != nil {
		return Record{}, ingest.Errorf(p.name, p.cols.dateName, grid.Month{}, "line %d: %w", line, err)
	}
	m := grid.MonthOf(date)
	if p.cols.timestamp >= 0 {
		ts, err := parseDate(strings.TrimSpace(rec[p.cols.timestamp]))
		if err != nil {
			return Record{}, ingest.Errorf(p.name, "timestamp", m, "line %d: %w", line, err)
		}
		p.order.check(len(p.data.Records), line, ts) // once the day order is settled
	}
	sector, ok := canonicalSector(rec[p.cols.sector])
	if !ok {
		return Record{}, ingest.Errorf(p.name, "sector", m, "line %d: %w %q (known: %s)", line, ErrUnknownSector, rec[p.cols.sector], strings.Join(Sectors, ", "))
	}
	v, err := parseValue(strings.TrimSpace(rec[p.cols.value]))
	if err != nil {
		return Record{}, ingest.Errorf(p.name, p.cols.valueName, m, "line %d: %s %s on %s: %w", line, country, sector, date.Format(time.DateOnly), err)
	}
	id := p.intern(country)
	p.lines = append(p.lines, int32(line))
	return Record{Country: p.names[id], Date: date, Sector: sector, MtCO2PerDay: v}, nil
}

func (p *parser) intern(s string) int {
	if id, ok := p.countryID[s]; ok {
		return id
	}
	c := strings.Clone(s)
	p.countryID[c] = len(p.names)
	p.names = append(p.names, c)
	return len(p.names) - 1
}

// Dates must fall in minYear..maxYear: no Carbon Monitor day is outside
// it, and a typo in the year is caught.
const minYear, maxYear = 1900, 2200

// checkDuplicates rejects a country, sector and day given twice: a
// concatenated or repeated export would otherwise double the emissions.
// It runs once the file's day order is settled.
func (p *parser) checkDuplicates() error {
	for i, r := range p.data.Records {
		if err := p.checkDuplicate(p.countryID[r.Country], r.Sector, r.Date); err != nil {
			return ingest.Errorf(p.name, "", grid.MonthOf(r.Date), "line %d: %w", p.lines[i], err)
		}
	}
	return nil
}

// checkDuplicate rejects a country, sector and day seen before.
// A bitset of days per series keeps this cheap for a decade of data (a
// map keyed by row took a third of the parse time).
func (p *parser) checkDuplicate(countryID int, sector string, date time.Time) error {
	series := countryID * len(Sectors)
	for i, known := range Sectors {
		if known == sector {
			series += i
		}
	}
	for len(p.seen) <= series {
		p.seen = append(p.seen, daySet{})
	}
	if !p.seen[series].add(date.Unix() / 86400) {
		return fmt.Errorf("%s %s on %s appears twice", p.names[countryID], sector, date.Format(time.DateOnly))
	}
	return nil
}

// daySet is a set of day numbers: a bitset covering only the span of days
// added so far, so a series costs a bit per day of its own range.
type daySet struct {
	base  int64 // day of bit 0 of words[0], a multiple of 64
	words []uint64
}

// add inserts day and reports whether it was new.
func (s *daySet) add(day int64) bool {
	if s.words == nil {
		s.base = day &^ 63
		s.words = make([]uint64, 1, 8)
	}
	if day < s.base {
		n := (s.base - day + 63) / 64
		s.words = append(make([]uint64, n, n+int64(len(s.words))), s.words...)
		s.base -= 64 * n
	}
	i := (day - s.base) / 64
	for int64(len(s.words)) <= i {
		s.words = append(s.words, 0)
	}
	mask := uint64(1) << ((day - s.base) % 64)
	if s.words[i]&mask != 0 {
		return false
	}
	s.words[i] |= mask
	return true
}

func parseValue(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a number", s)
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Errorf("%q is not a finite value", s)
	case v < 0:
		return 0, fmt.Errorf("%g MtCO2/day is negative", v)
	}
	return v, nil
}

var errDate = errors.New("want DD/MM/YYYY, YYYY-MM-DD or Unix seconds")

// parseDate reads DD/MM/YYYY (the export's form), YYYY-MM-DD, or a
// Unix time in seconds (the older "timestamp" column, taken as UTC and
// truncated to the day: an assumption, no sample was available). A date
// that does not exist (31/02/2023) is an error, not the next valid day.
func parseDate(s string) (time.Time, error) {
	var y, m, d int
	var ok bool
	switch {
	case strings.Count(s, "/") == 2:
		a, b, c := split3(s, '/')
		d, m, y, ok = ymd(c, b, a)
	case strings.Count(s, "-") == 2:
		a, b, c := split3(s, '-')
		d, m, y, ok = ymd(a, b, c)
	default:
		sec, err := strconv.ParseInt(s, 10, 64)
		if t := time.Unix(sec, 0).UTC(); err == nil && sec >= 0 && t.Year() >= minYear && t.Year() <= maxYear {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
		}
		return time.Time{}, fmt.Errorf("date %q: %w", s, errDate)
	}
	if !ok || y < minYear || y > maxYear {
		return time.Time{}, fmt.Errorf("date %q: %w", s, errDate)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, fmt.Errorf("date %q does not exist", s)
	}
	return t, nil
}

// split3 splits s at the two seps it holds, without allocating (a slice
// per row was half the allocations of a parse).
func split3(s string, sep byte) (a, b, c string) {
	i := strings.IndexByte(s, sep)
	j := i + 1 + strings.IndexByte(s[i+1:], sep)
	return s[:i], s[i+1 : j], s[j+1:]
}

// ymd parses a four-digit year and one- or two-digit month and day.
func ymd(year, month, day string) (d, m, y int, ok bool) {
	y, oky := atoi(year, 4)
	m, okm := atoi(month, 2)
	d, okd := atoi(day, 2)
	return d, m, y, oky && okm && okd && len(year) == 4
}

// atoi parses 1..maxDigits decimal digits.
func atoi(s string, maxDigits int) (int, bool) {
	if len(s) == 0 || len(s) > maxDigits {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
