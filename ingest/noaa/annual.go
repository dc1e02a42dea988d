package noaa

import (
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// AnnualKind is what a year-per-row NOAA table holds.
type AnnualKind string

// The two kinds of annual table.
const (
	// Growth is an annual growth-rate table (co2_gr_gl, co2_gr_mlo): the
	// increase from 1 January to 31 December of each year, ppm/yr.
	Growth AnnualKind = "growth"
	// Mean is an annual-mean table (co2_annmean_gl, co2_annmean_mlo), ppm.
	Mean AnnualKind = "mean"
)

// Annual is a year-per-row NOAA CO2 table, growth rates or annual means,
// in year order.
type Annual struct {
	Name    string
	Vintage string    // see Monthly.Vintage
	Created time.Time // see Monthly.Created
	Kind    AnnualKind
	// Layout names the layout found: "text" (NOAA's whitespace .txt),
	// "csv" (NOAA's CSV, "year,ann inc,unc" or "year,mean,unc"),
	// "csv-mirror" (the mirrors' "Year,Annual Increase,Uncertainty" or
	// "Year,Mean,Uncertainty") or "csv-noheader".
	Layout string
	// HasUnc is false when the file has no uncertainty column: then every
	// row's uncertainty is NaN because the file does not give one, not
	// because NOAA marked it missing.
	HasUnc bool
	Rows   []AnnualRow
}

// AnnualRow is one year. In a Growth table the Mean fields are NaN and
// in a Mean table the Growth fields are; a value or uncertainty NOAA marks
// missing (-99.99, or any negative uncertainty) is NaN too.
type AnnualRow struct {
	Year                int
	GrowthPPMPerYear    float64
	GrowthUncPPMPerYear float64 // 1σ
	MeanPPM             float64
	MeanUncPPM          float64 // 1σ
}

// Bounds of the values of each kind. When the header says the kind, a
// value outside the wide bounds means a misread column (a growth rate of
// 400 ppm/yr is a mean). When it does not, the kind is told from the
// magnitude, and only if every value falls in one of the narrow ranges:
// means since the pre-industrial era are 280..500 ppm, NOAA's global growth
// rates since 1959 lie within 0.4..3.8 ppm/yr (science.md, section 1), so
// -1..5 leaves a margin without overlapping the means.
const (
	maxAbsGrowth                     = 20
	missingGrowth                    = -99 // NOAA's -99.99 marker, and anything below
	silentMinMean, silentMaxMean     = 280, 500
	silentMinGrowth, silentMaxGrowth = -1, 5
)

// annualCols are the column indexes of an annual table; unc is -1 when
// the table has none.
type annualCols struct{ year, value, unc int }

// Header names (lower-cased) of the annual columns: NOAA's and the
// mirrors'.
var (
	annualYearNames   = []string{"year", "yr"}
	annualGrowthNames = []string{"ann inc", "ann_inc", "annual increase", "annual_increase", "growth", "growth rate"}
	annualMeanNames   = []string{"mean", "annual mean", "annual_mean"}
	annualUncNames    = []string{"unc", "uncertainty"}
)

// ReadAnnualFile reads the growth-rate or annual-mean file at path.
func ReadAnnualFile(path string) (*Annual, error) {
	return readFile(path, ReadAnnual)
}

// ReadAnnual parses a NOAA annual table, growth rates ("year ann inc
// unc") or means ("year mean unc"), as NOAA's text or CSV or a mirror's
// CSV; name is used in error messages. The kind comes from the column
// names; where the file has none, from the values' magnitude, and the file
// is refused when that does not settle it.
func ReadAnnual(r io.Reader, name string) (*Annual, error) {
	t, err := scan(r, name)
	if err != nil {
		return nil, err
	}
	cols, layout, err := annualColumns(t)
	if err != nil {
		return nil, err
	}
	kind, err := annualKind(t, cols)
	if err != nil {
		return nil, err
	}
	a := &Annual{Name: name, Vintage: t.vintage, Created: parseCreated(t.vintage), Kind: kind, Layout: layout,
		HasUnc: cols.unc >= 0, Rows: make([]AnnualRow, 0, len(t.rows))}
	for _, r := range t.rows {
		ar, err := t.annualRow(r, cols, kind)
		if err != nil {
			return nil, err
		}
		if n := len(a.Rows); n > 0 && a.Rows[n-1].Year >= ar.Year {
			return nil, ingest.Errorf(name, "year", januaryOf(ar.Year), "line %d: year %d follows %d: years must increase", r.line, ar.Year, a.Rows[n-1].Year)
		}
		a.Rows = append(a.Rows, ar)
	}
	return a, nil
}

// annualColumns finds the columns by name in a CSV with a header (any
// order, extra columns ignored), else by position: year, value[, unc]. A
// whitespace file's header line is only a hint of the kind, since "ann
// inc" splits in two.
func annualColumns(t *table) (annualCols, string, error) {
	if !t.csv || t.header == nil {
		layout := "text"
		if t.csv {
			layout = "csv-noheader"
		}
		switch n := len(t.rows[0].fields); n {
		case 2:
			return annualCols{0, 1, -1}, layout, nil
		case 3:
			return annualCols{0, 1, 2}, layout, nil
		default:
			return annualCols{}, "", ingest.Errorf(t.name, "", grid.Month{}, "%d columns on line %d: annual tables have 2 or 3 (year, value, unc): %w", n, t.rows[0].line, ErrWrongKind)
		}
	}
	c, mirror := annualCols{-1, -1, -1}, false
	for i, h := range t.header {
		switch {
		case h == "month" || h == "mon" || h == "date":
			return c, "", ingest.Errorf(t.name, h, grid.Month{}, "a table with a %q column is monthly, not annual: %w", h, ErrWrongKind)
		case contains(annualYearNames, h):
			c.year = i
		case contains(annualGrowthNames, h) || contains(annualMeanNames, h):
			if c.value >= 0 {
				return c, "", ingest.Errorf(t.name, h, grid.Month{}, "two value columns, %q and %q", t.header[c.value], h)
			}
			c.value = i
		case contains(annualUncNames, h):
			c.unc = i
		}
		mirror = mirror || h == "uncertainty" || h == "annual increase"
	}
	if c.year < 0 || c.value < 0 {
		return c, "", ingest.Errorf(t.name, "", grid.Month{}, "header %v has no year and value (ann inc or mean) columns: %w", t.header, ErrWrongKind)
	}
	if mirror {
		return c, "csv-mirror", nil
	}
	return c, "csv", nil
}

// annualKind says whether the table holds growth rates or means: by the
// column names (the CSV header, or the comment line above a .txt file's
// data), else by the magnitude of every value.
func annualKind(t *table, cols annualCols) (AnnualKind, error) {
	growth := t.hasHint("ann inc", "ann_inc", "increase", "growth")
	mean := t.hasHint("mean")
	switch {
	case growth && mean:
		return "", ingest.Errorf(t.name, "", grid.Month{}, "the column names %v%v name both a growth rate and a mean", t.header, t.tail)
	case growth:
		return Growth, nil
	case mean:
		return Mean, nil
	}
	return t.kindByMagnitude(cols)
}

// kindByMagnitude settles the kind of a table without column names: every
// value (missing markers aside) must be a plausible mean, or every one a
// plausible growth rate; the first row that breaks this is named.
func (t *table) kindByMagnitude(cols annualCols) (AnnualKind, error) {
	var kind AnnualKind
	for _, r := range t.rows {
		v, err := strconv.ParseFloat(r.fields[cols.value], 64)
		if err != nil || math.IsNaN(v) || v <= missingGrowth {
			continue // not a number (annualRow names it), or NOAA's missing marker
		}
		k := AnnualKind("")
		switch {
		case v >= silentMinMean && v <= silentMaxMean:
			k = Mean
		case v >= silentMinGrowth && v <= silentMaxGrowth:
			k = Growth
		}
		if k == "" || (kind != "" && k != kind) {
			return "", ingest.Errorf(t.name, "", grid.Month{}, "line %d: %g is neither a mean (%d..%d ppm) nor a growth rate (%d..%d ppm/yr) like the rows above, and no column name says which: "+
				"refused rather than guessed", r.line, v, silentMinMean, silentMaxMean, silentMinGrowth, silentMaxGrowth)
		}
		kind = k
	}
	if kind == "" {
		return "", ingest.Errorf(t.name, "", grid.Month{}, "every value is missing, and no column name says whether this is a growth or a mean table")
	}
	return kind, nil
}

// annualRow parses one row of a table of the given kind.
func (t *table) annualRow(r row, cols annualCols, kind AnnualKind) (AnnualRow, error) {
	y, err := t.year(r, cols.year)
	if err != nil {
		return AnnualRow{}, err
	}
	m := januaryOf(y)
	column := t.columnName(cols.value, string(kind))
	s := r.fields[cols.value]
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return AnnualRow{}, ingest.Errorf(t.name, column, m, "line %d: %q is not a number", r.line, s)
	}
	unc := math.NaN()
	if cols.unc >= 0 {
		if unc, err = t.cell(r, cols.unc, t.columnName(cols.unc, "unc"), m); err != nil {
			return AnnualRow{}, err
		}
	}
	ar := AnnualRow{Year: y, GrowthPPMPerYear: math.NaN(), GrowthUncPPMPerYear: math.NaN(), MeanPPM: math.NaN(), MeanUncPPM: math.NaN()}
	if kind == Growth {
		if v <= missingGrowth || math.IsNaN(v) {
			v = math.NaN()
		}
		ar.GrowthPPMPerYear, ar.GrowthUncPPMPerYear = v, unc
		return ar, t.checkRange(r, v, -maxAbsGrowth, maxAbsGrowth, column, "ppm/yr", m)
	}
	if v < 0 || math.IsNaN(v) {
		v = math.NaN()
	}
	ar.MeanPPM, ar.MeanUncPPM = v, unc
	return ar, t.checkRange(r, v, minPPM, maxPPM, column, "ppm", m)
}

// columnName is the CSV header's name of column i, or def: a whitespace
// file's header line does not name its columns one to one.
func (t *table) columnName(i int, def string) string {
	if t.csv && t.header != nil && i < len(t.header) {
		return t.header[i]
	}
	return def
}

// Year returns the row of year y.
func (a *Annual) Year(y int) (AnnualRow, bool) {
	i := sort.Search(len(a.Rows), func(i int) bool { return a.Rows[i].Year >= y })
	if i < len(a.Rows) && a.Rows[i].Year == y {
		return a.Rows[i], true
	}
	return AnnualRow{}, false
}

// januaryOf is the month errors about year y name: an annual table has
// no month, and SourceError wants one.
func januaryOf(y int) grid.Month { return grid.Month{Year: y, Month: time.January} }

func contains(names []string, h string) bool {
	for _, n := range names {
		if strings.EqualFold(n, h) {
			return true
		}
	}
	return false
}
