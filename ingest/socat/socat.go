// Package socat reads SOCAT (Surface Ocean CO2 Atlas) tab-separated files,
// the synthesis file and single-cruise files alike, and grids their fCO2
// to cell-month means.
//
// A file is a free-text metadata block (hundreds to over a thousand lines
// in a synthesis file), then a header line with a field named "Expocode"
// (SOCAT's first), then one tab-separated row per measurement. Columns are
// found by name, in any order, with or without their units in brackets
// ("longitude [dec.deg.E]", "SST [deg.C]", "fCO2rec [uatm]"); extra
// columns are ignored. SOCAT writes missing values as "NaN".
//
// Units: fCO2 in µatm (fCO2rec, recomputed by SOCAT from the measured CO2),
// SST in °C, salinity on the practical salinity scale, time in UTC.
// Longitude is returned in [-180, 180); SOCAT writes 0..360 and both 0 and
// 360 occur.
//
// A single-cruise file states its data set's QC flag in the metadata block
// ("Data set QC flag: B"); when its table has no QC column, that flag
// applies to every row. A file with neither is an error.
//
// Selection: rows whose data-set QC flag is not kept (A–D by default; the
// old numeric QC_ID 11–14 stands for A–D) or whose fCO2rec_flag is not
// kept (WOCE 2, good, by default) are dropped, and so are rows missing
// fCO2rec, the position or the time. Every dropped row is counted by
// reason in Result.Dropped, so Rows = len(Obs) + the sum of Dropped.
//
// Strictness: a value that is present but unusable is an error naming the
// file, line and column, not a dropped row: text that is not a number, a
// latitude outside ±90, a longitude outside -180..360, a date that does
// not exist, a negative fCO2, an SST outside -5..50 °C or a salinity
// outside 0..60. SOCAT's own QC never passes such values, so they mean a
// corrupt file or a misread column, which counting would hide.
package socat

import (
	"errors"
	"os"
	"time"
)

// Obs is one ship measurement kept by Read.
type Obs struct {
	Expocode    string    // cruise identifier
	Time        time.Time // UTC
	LatDeg      float64
	LonDeg      float64 // [-180, 180)
	SSTDegC     float64 // NaN if missing or no column
	Salinity    float64 // NaN if missing or no column
	FCO2RecUatm float64
	FCO2Flag    int    // WOCE flag of fCO2rec
	QC          string // data-set QC flag, "A".."D" when kept by default
}

// Result is one file's kept observations and what was dropped.
type Result struct {
	Name string
	Obs  []Obs
	// Rows is the number of data rows after the header.
	Rows int
	// Dropped counts the rows skipped, by reason: "QC_Flag E",
	// "fCO2rec_flag 3", "missing fCO2rec", "missing position",
	// "missing time", "missing fCO2rec_flag".
	Dropped map[string]int
	// HeaderLine is the line number of the Expocode header.
	HeaderLine int
}

// Options selects rows. The zero value is the production setting.
type Options struct {
	// QCFlags lists the data-set QC flags kept; nil keeps DefaultQCFlags.
	QCFlags []string
	// FCO2Flags lists the fCO2rec WOCE flags kept; nil keeps
	// DefaultFCO2Flags.
	FCO2Flags []int
}

var (
	// DefaultQCFlags are the SOCAT data-set flags of usable cruises.
	DefaultQCFlags = []string{"A", "B", "C", "D"}
	// DefaultFCO2Flags keeps fCO2rec values flagged good (WOCE 2).
	DefaultFCO2Flags = []int{2}
)

var (
	// ErrNoHeader means no line has an "Expocode" field.
	ErrNoHeader = errors.New("no header line with an Expocode column")
	// ErrMissingColumn means the header lacks a column the reader needs.
	ErrMissingColumn = errors.New("missing column")
	// ErrNoValidRows means every data row was dropped (or there were none).
	ErrNoValidRows = errors.New("no valid rows")
)

// ReadFile reads the SOCAT file at path.
func ReadFile(path string, opt Options) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path, opt)
}
