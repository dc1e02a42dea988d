package socat

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// The columns the reader uses.
const (
	colExpocode = iota
	colQC
	colYear
	colMonth
	colDay
	colHour
	colMinute
	colSecond
	colLon
	colLat
	colSST
	colSal
	colFCO2
	colFlag
	nCols
)

// colNames are the SOCAT spellings, used in error messages.
var colNames = [nCols]string{"Expocode", "QC_Flag", "yr", "mon", "day", "hh", "mm", "ss",
	"longitude", "latitude", "SST", "sal", "fCO2rec", "fCO2rec_flag"}

// required columns; ss, SST and sal may be absent (ss = 0, SST and sal NaN).
var required = []int{colExpocode, colQC, colYear, colMonth, colDay, colHour, colMinute, colLon, colLat, colFCO2, colFlag}

// aliases maps a normalised header name (see normalise) to its column.
// QC_ID is the numeric data-set flag of older single-cruise files.
var aliases = map[string]int{
	"expocode": colExpocode,
	"qc_flag":  colQC, "qc_id": colQC,
	"yr": colYear, "year": colYear,
	"mon": colMonth, "month": colMonth,
	"day": colDay,
	"hh":  colHour, "hour": colHour,
	"mm": colMinute, "minute": colMinute, "min": colMinute,
	"ss": colSecond, "second": colSecond, "sec": colSecond,
	"longitude": colLon, "lon": colLon, "long": colLon,
	"latitude": colLat, "lat": colLat,
	"sst": colSST,
	"sal": colSal, "salinity": colSal,
	"fco2rec": colFCO2, "fco2_rec": colFCO2,
	"fco2rec_flag": colFlag, "fco2_rec_flag": colFlag,
}

// normalise lower-cases a header name, drops its bracketed units and
// turns inner spaces into underscores: "fCO2rec [uatm]" → "fco2rec",
// "QC Flag" → "qc_flag".
func normalise(h string) string {
	if i := strings.IndexByte(h, '['); i >= 0 {
		h = h[:i]
	}
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(h)), " ", "_")
}

// isHeader reports whether line is a header candidate: a tab-separated
// line with a field named "Expocode" (SOCAT puts it first; other writers
// may not). A metadata line such as "Expocode: unique identifier…" is not.
func isHeader(line []byte) bool {
	if bytes.IndexByte(line, '\t') < 0 {
		return false
	}
	for f := range bytes.SplitSeq(line, []byte{'\t'}) {
		if bytes.EqualFold(bytes.TrimSpace(f), []byte("expocode")) {
			return true
		}
	}
	return false
}

// preambleQC matches a data-set QC flag stated in a single-cruise file's
// metadata block, "Data set QC flag: B (see below)" in SOCAT's reports, and
// takes the one-letter flag. The synthesis file's column explanation
// ("QC_Flag: Data set QC flag ...") is not a flag: its value is a word.
var preambleQC = regexp.MustCompile(`(?i)^\s*(?:data\s*set\s+)?qc[ _]flag\s*:\s*([A-Z])(?:\s|\(|$)`)

// mapColumns gives the field index of each column (-1 if absent) and the
// number of fields in the header. qcStated says the metadata block states
// the data set's QC flag, which stands in for a missing QC column.
func mapColumns(line []byte, qcStated bool) (idx [nCols]int, width int, err error) {
	for i := range idx {
		idx[i] = -1
	}
	fields := strings.Split(string(line), "\t")
	for i, f := range fields {
		c, ok := aliases[normalise(f)]
		if !ok {
			continue
		}
		if idx[c] >= 0 {
			return idx, 0, fmt.Errorf("columns %d and %d are both %s", idx[c]+1, i+1, colNames[c])
		}
		idx[c] = i
	}
	var missing []string
	for _, c := range required {
		if idx[c] < 0 && !(c == colQC && qcStated) {
			missing = append(missing, colNames[c])
		}
	}
	if len(missing) > 0 {
		return idx, 0, fmt.Errorf("%w %s", ErrMissingColumn, strings.Join(missing, ", "))
	}
	return idx, len(fields), nil
}
