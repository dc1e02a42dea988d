package socat

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// maxLine bounds one line (a SOCAT row is a few hundred bytes).
const maxLine = 1 << 20

// parser carries the state of one Read.
type parser struct {
	name    string
	idx     [nCols]int
	width   int
	qcKeep  []string
	fco2OK  []int
	fields  [][]byte
	interns map[string]string
	// fileQC is the data-set QC flag the metadata block states, used when
	// the table has no QC column; qcConflict names two differing ones.
	fileQC     []byte
	qcConflict string
	res        *Result
}

// Read parses a SOCAT file from r; name is used in error messages.
func Read(r io.Reader, name string, opt Options) (*Result, error) {
	br := bufio.NewReaderSize(r, maxLine)
	p := &parser{name: name, qcKeep: opt.QCFlags, fco2OK: opt.FCO2Flags, interns: map[string]string{},
		res: &Result{Name: name, Dropped: map[string]int{}}}
	if p.qcKeep == nil {
		p.qcKeep = DefaultQCFlags
	}
	if p.fco2OK == nil {
		p.fco2OK = DefaultFCO2Flags
	}
	line, err := p.findHeader(br)
	if err != nil {
		return nil, err
	}
	for {
		line++
		b, err := readLine(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, ingest.Errorf(name, "", grid.Month{}, "line %d: %w", line, err)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		p.res.Rows++
		if err := p.row(b, line); err != nil {
			return nil, err
		}
	}
	if len(p.res.Obs) == 0 {
		return nil, ingest.Errorf(name, "fCO2rec", grid.Month{}, "%w: %d data rows, dropped %v", ErrNoValidRows, p.res.Rows, p.res.Dropped)
	}
	return p.res, nil
}

// findHeader skips the metadata block up to the header line and maps its
// columns; it returns the header's line number. An "Expocode" line that
// lacks needed columns is skipped (a metadata table could start so), and
// reported if no later line qualifies.
func (p *parser) findHeader(br *bufio.Reader) (int, error) {
	var firstErr error
	for line := 1; ; line++ {
		b, err := readLine(br)
		if err == io.EOF {
			if firstErr != nil {
				return 0, firstErr
			}
			return 0, ingest.Errorf(p.name, "Expocode", grid.Month{}, "%w (read %d lines)", ErrNoHeader, line-1)
		}
		if err != nil {
			return 0, ingest.Errorf(p.name, "", grid.Month{}, "line %d: %w", line, err)
		}
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
		}
		if !isHeader(b) {
			p.notePreambleQC(b)
			continue
		}
		idx, width, err := mapColumns(b, p.fileQC != nil && p.qcConflict == "")
		if err != nil {
			if firstErr == nil {
				firstErr = ingest.Errorf(p.name, "", grid.Month{}, "header on line %d: %w", line, err)
				if p.qcConflict != "" {
					firstErr = ingest.Errorf(p.name, "QC_Flag", grid.Month{}, "header on line %d: %w (no QC column, and %s)", line, err, p.qcConflict)
				}
			}
			continue
		}
		p.idx, p.width, p.res.HeaderLine = idx, width, line
		return line, nil
	}
}

// notePreambleQC records a data-set QC flag stated on a metadata line.
func (p *parser) notePreambleQC(line []byte) {
	m := preambleQC.FindSubmatch(line)
	if m == nil {
		return
	}
	flag := bytes.ToUpper(m[1])
	if p.fileQC != nil && !bytes.Equal(p.fileQC, flag) && p.qcConflict == "" {
		p.qcConflict = fmt.Sprintf("the metadata block states QC flags %s and %s", p.fileQC, flag)
	}
	if p.fileQC == nil {
		p.fileQC = append([]byte(nil), flag...)
	}
}

// readLine returns the next line without its line end; the slice is valid
// until the next call.
func readLine(br *bufio.Reader) ([]byte, error) {
	b, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return nil, fmt.Errorf("line longer than %d bytes", maxLine)
	}
	if err == io.EOF && len(b) > 0 {
		err = nil // last line without a newline
	}
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r")), nil
}

// split cuts a row at tabs into p.fields, reusing its storage.
func (p *parser) split(b []byte) {
	p.fields = p.fields[:0]
	for {
		i := bytes.IndexByte(b, '\t')
		if i < 0 {
			p.fields = append(p.fields, bytes.TrimSpace(b))
			return
		}
		p.fields = append(p.fields, bytes.TrimSpace(b[:i]))
		b = b[i+1:]
	}
}

// row parses one data row, appending an Obs or counting a drop.
func (p *parser) row(b []byte, line int) error {
	p.split(b)
	if len(p.fields) < p.width {
		return ingest.Errorf(p.name, "", grid.Month{}, "line %d: %d fields, header has %d", line, len(p.fields), p.width)
	}
	for _, extra := range p.fields[p.width:] {
		if len(extra) > 0 {
			return ingest.Errorf(p.name, "", grid.Month{}, "line %d: %d fields, header has %d", line, len(p.fields), p.width)
		}
	}
	expo := p.field(colExpocode)
	if len(expo) == 0 {
		return ingest.Errorf(p.name, "Expocode", grid.Month{}, "line %d: empty Expocode", line)
	}
	// A single-cruise file without a QC column has its data set's flag in
	// the metadata block (findHeader only accepts such a header then).
	qc := p.fileQC
	if p.idx[colQC] >= 0 {
		qc = qcLetter(p.field(colQC))
	}
	if !p.keepQC(qc) {
		p.drop("QC_Flag ", qc)
		return nil
	}
	o := Obs{Expocode: p.intern(expo), QC: p.intern(qc)}
	keep, err := p.fill(&o, line)
	if err != nil || !keep {
		return err
	}
	p.res.Obs = append(p.res.Obs, o)
	return nil
}

// fill parses the flag, time, position and values of a row into o; keep
// is false when the row was dropped (and counted).
func (p *parser) fill(o *Obs, line int) (keep bool, err error) {
	flag, err := p.num(colFlag, line, grid.Month{})
	if err != nil {
		return false, err
	}
	if math.IsNaN(flag) {
		p.res.Dropped["missing fCO2rec_flag"]++
		return false, nil
	}
	if o.FCO2Flag = int(flag); float64(o.FCO2Flag) != flag {
		return false, ingest.Errorf(p.name, "fCO2rec_flag", grid.Month{}, "line %d: flag %g is not an integer", line, flag)
	}
	if !p.keepFlag(o.FCO2Flag) {
		p.drop("fCO2rec_flag ", []byte(strconv.Itoa(o.FCO2Flag)))
		return false, nil
	}
	if o.Time, keep, err = p.time(line); err != nil || !keep {
		return false, err
	}
	m := grid.MonthOf(o.Time)
	if keep, err = p.position(o, line, m); err != nil || !keep {
		return false, err
	}
	if o.FCO2RecUatm, err = p.ranged(colFCO2, line, m, 0, 1e5); err != nil {
		return false, err
	}
	if math.IsNaN(o.FCO2RecUatm) {
		p.res.Dropped["missing fCO2rec"]++
		return false, nil
	}
	if o.SSTDegC, err = p.ranged(colSST, line, m, -5, 50); err != nil {
		return false, err
	}
	o.Salinity, err = p.ranged(colSal, line, m, 0, 60)
	return err == nil, err
}

func (p *parser) position(o *Obs, line int, m grid.Month) (bool, error) {
	lat, err := p.ranged(colLat, line, m, -90, 90)
	if err != nil {
		return false, err
	}
	lon, err := p.ranged(colLon, line, m, -180, 360)
	if err != nil {
		return false, err
	}
	if math.IsNaN(lat) || math.IsNaN(lon) {
		p.res.Dropped["missing position"]++
		return false, nil
	}
	if lon >= 180 {
		lon -= 360
	}
	o.LatDeg, o.LonDeg = lat, lon
	return true, nil
}

// time reads yr mon day hh mm ss; a missing part drops the row, an
// impossible one is an error.
func (p *parser) time(line int) (time.Time, bool, error) {
	var v [6]float64
	for i, c := range []int{colYear, colMonth, colDay, colHour, colMinute, colSecond} {
		var err error
		if v[i], err = p.num(c, line, grid.Month{}); err != nil {
			return time.Time{}, false, err
		}
		if math.IsNaN(v[i]) {
			p.res.Dropped["missing time"]++
			return time.Time{}, false, nil
		}
	}
	y, mo, d, h, mi := int(v[0]), int(v[1]), int(v[2]), int(v[3]), int(v[4])
	sec := v[5]
	whole := float64(y) == v[0] && float64(mo) == v[1] && float64(d) == v[2] && float64(h) == v[3] && float64(mi) == v[4]
	t := time.Date(y, time.Month(mo), d, h, mi, 0, 0, time.UTC)
	if !whole || y < 1900 || y > 2200 || t.Month() != time.Month(mo) || t.Day() != d || t.Hour() != h || t.Minute() != mi || !(sec >= 0 && sec < 60) {
		return time.Time{}, false, ingest.Errorf(p.name, "yr mon day hh mm ss", grid.Month{}, "line %d: %g-%g-%g %g:%g:%g is not a time", line, v[0], v[1], v[2], v[3], v[4], sec)
	}
	// Seconds just under 60 can round up into the next minute, and so
	// into year 2201: check the bound on the final time.
	if t = t.Add(time.Duration(math.Round(sec * 1e9))); t.Year() > 2200 {
		return time.Time{}, false, ingest.Errorf(p.name, "yr", grid.Month{}, "line %d: %v is after 2200", line, t)
	}
	return t, true, nil
}

// field returns column c of the current row, nil if the file lacks it.
func (p *parser) field(c int) []byte {
	if p.idx[c] < 0 {
		return nil
	}
	return p.fields[p.idx[c]]
}

// num parses column c: NaN when absent, empty or "NaN"; an error naming
// the line and column when it is not a number.
func (p *parser) num(c, line int, m grid.Month) (float64, error) {
	b := p.field(c)
	if len(b) == 0 || isNaNText(b) {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, ingest.Errorf(p.name, colNames[c], m, "line %d: %q is not a number", line, b)
	}
	return v, nil
}

// ranged is num with a check that the value lies in [lo, hi].
func (p *parser) ranged(c, line int, m grid.Month, lo, hi float64) (float64, error) {
	v, err := p.num(c, line, m)
	if err == nil && !math.IsNaN(v) && (v < lo || v > hi) {
		err = ingest.Errorf(p.name, colNames[c], m, "line %d: %g is outside %g..%g", line, v, lo, hi)
	}
	return v, err
}

func isNaNText(b []byte) bool {
	return bytes.EqualFold(b, []byte("nan")) || bytes.EqualFold(b, []byte("na"))
}

// qcLetter turns the numeric QC_ID of old single-cruise files (11 = A …
// 14 = D, as their metadata block says) into the letter; other values are
// returned as written.
func qcLetter(b []byte) []byte {
	if len(b) == 2 && b[0] == '1' && b[1] >= '1' && b[1] <= '4' {
		return qcLetters[b[1]-'1']
	}
	return b
}

var qcLetters = [][]byte{[]byte("A"), []byte("B"), []byte("C"), []byte("D")}

func (p *parser) keepQC(qc []byte) bool {
	for _, k := range p.qcKeep {
		if string(qc) == k {
			return true
		}
	}
	return false
}

func (p *parser) keepFlag(f int) bool {
	for _, k := range p.fco2OK {
		if f == k {
			return true
		}
	}
	return false
}

// drop counts a row dropped for a flag value, truncating odd flag text so
// a corrupt column cannot fill the map with long keys.
func (p *parser) drop(prefix string, value []byte) {
	if len(value) > 8 {
		value = value[:8]
	}
	if len(value) == 0 {
		value = []byte("(empty)")
	}
	p.res.Dropped[prefix+string(value)]++
}

// intern returns a shared copy of b, so observations keep no line buffer
// and a cruise's code is stored once.
func (p *parser) intern(b []byte) string {
	if s, ok := p.interns[string(b)]; ok {
		return s
	}
	s := string(b)
	p.interns[s] = s
	return s
}
