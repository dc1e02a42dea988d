// Package enso reads NOAA Climate Prediction Center's Oceanic Niño Index
// file (oni.ascii.txt): the 3-month running mean of ERSST v5 Niño-3.4 sea
// surface temperature ("TOTAL") and its anomaly from the centred 30-year base
// period ("ANOM"), both in °C.
//
// Each row names a season of three months (DJF, JFM, …, NDJ) and a year.
// The season is assigned to its centre month: DJF 1979 is January 1979,
// NDJ 1979 is December 1979. That is the month the value describes, and it
// is published after the season's last month ends, one month after the
// centre; callers that replay the past must account for that delay.
//
// The file is a whitespace table with the header line "SEAS YR TOTAL ANOM".
// A row whose season name is not one of the twelve, whose year or values are
// not numbers, or that breaks the month order is an error naming the file
// and line: a skipped row would shift every lag after it.
package enso

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// ErrNoRows means the input has no data rows.
var ErrNoRows = errors.New("no data rows")

// Index is the ONI in month order, one value per centre month, without
// gaps.
type Index struct {
	Name string
	Rows []Row
}

// Row is one season, dated by its centre month.
type Row struct {
	Month  grid.Month // centre month of the season
	Season string     // "DJF", "JFM", …
	TotalC float64    // Niño-3.4 SST, 3-month mean, °C
	AnomC  float64    // the ONI: anomaly from the base period, °C
}

// seasons lists the season names by their centre month (index 0 = January).
var seasons = [12]string{"DJF", "JFM", "FMA", "MAM", "AMJ", "MJJ", "JJA", "JAS", "ASO", "SON", "OND", "NDJ"}

// Bounds of plausible values: Niño-3.4 SSTs lie near 24..30 °C and the
// ONI's record since 1950 within ±2.7 °C; ±6 °C leaves a margin while
// catching a misread column (the TOTAL in the ANOM column).
const (
	minTotalC, maxTotalC = 15, 35
	maxAbsAnomC          = 6
)

// ReadFile reads the ONI file at path.
func ReadFile(path string) (*Index, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Read reads an ONI table from r; name is used in messages.
func Read(r io.Reader, name string) (*Index, error) {
	idx := &Index{Name: name}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.EqualFold(f[0], "SEAS") {
			continue
		}
		row, err := parseRow(f)
		if err != nil {
			return nil, ingest.Errorf(name, "ANOM", grid.Month{}, "line %d: %v", line, err)
		}
		if n := len(idx.Rows); n > 0 && row.Month != idx.Rows[n-1].Month.Add(1) {
			return nil, ingest.Errorf(name, "ANOM", row.Month, "line %d: season %s %d does not follow %s", line, row.Season, row.Month.Year, idx.Rows[n-1].Month)
		}
		idx.Rows = append(idx.Rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(idx.Rows) == 0 {
		return nil, &ingest.SourceError{Path: name, Variable: "ANOM", Err: ErrNoRows}
	}
	return idx, nil
}

func parseRow(f []string) (Row, error) {
	if len(f) != 4 {
		return Row{}, fmt.Errorf("%d columns, want 4 (SEAS YR TOTAL ANOM)", len(f))
	}
	k := -1
	for i, s := range seasons {
		if strings.EqualFold(f[0], s) {
			k = i
		}
	}
	if k < 0 {
		return Row{}, fmt.Errorf("season %q is not one of %v", f[0], seasons)
	}
	year, err := strconv.Atoi(f[1])
	if err != nil || year < 1850 || year > 2200 {
		return Row{}, fmt.Errorf("year %q is not a year", f[1])
	}
	total, err1 := strconv.ParseFloat(f[2], 64)
	anom, err2 := strconv.ParseFloat(f[3], 64)
	if err1 != nil || err2 != nil {
		return Row{}, fmt.Errorf("TOTAL %q or ANOM %q is not a number", f[2], f[3])
	}
	if !(total >= minTotalC && total <= maxTotalC) || !(anom >= -maxAbsAnomC && anom <= maxAbsAnomC) {
		return Row{}, fmt.Errorf("TOTAL %g °C or ANOM %g °C out of range", total, anom)
	}
	return Row{Month: grid.Month{Year: year, Month: time.Month(k + 1)}, Season: seasons[k], TotalC: total, AnomC: anom}, nil
}

// At returns the ONI of the season centred on m.
func (x *Index) At(m grid.Month) (float64, bool) {
	if len(x.Rows) == 0 {
		return 0, false
	}
	i := m.Sub(x.Rows[0].Month)
	if i < 0 || i >= len(x.Rows) {
		return 0, false
	}
	return x.Rows[i].AnomC, true
}

// Last returns the centre month of the last season in the file.
func (x *Index) Last() grid.Month { return x.Rows[len(x.Rows)-1].Month }
