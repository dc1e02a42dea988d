package noaa

import (
	"io"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Growth is an annual CO2 growth-rate record (co2_gr_gl, co2_gr_mlo): the
// increase from 1 January to 31 December of each year, in year order.
type Growth struct {
	Name    string
	Vintage string    // see Monthly.Vintage
	Created time.Time // see Monthly.Created
	Rows    []GrowthRow
}

// GrowthRow is one year's growth; UncPPMPerYear is NaN when the file has
// no uncertainty column or marks it missing.
type GrowthRow struct {
	Year          int
	PPMPerYear    float64
	UncPPMPerYear float64
}

// AnnualMean is an annual-mean CO2 record (co2_annmean_gl, …).
type AnnualMean struct {
	Name    string
	Vintage string
	Created time.Time
	Rows    []AnnualRow
}

// AnnualRow is one year's mean, NaN where missing.
type AnnualRow struct {
	Year    int
	MeanPPM float64
	UncPPM  float64
}

// Growth rates outside ±maxGrowth ppm/yr do not occur (the largest,
// 1998 and 2024, are under 4); values at or below missingGrowth are NOAA's
// -99.99 marker.
const (
	maxGrowth     = 20
	missingGrowth = -99
)

// annualKind says whether a year-per-row table holds growth rates or
// means: by the column names if the file has them, else by magnitude
// (means are hundreds of ppm, growth rates a few ppm/yr).
func annualKind(t *table, cols annualCols) (string, error) {
	switch {
	case t.hasHint("ann inc", "ann_inc", "growth"):
		return "growth", nil
	case t.hasHint("mean"):
		return "mean", nil
	}
	vals := make([]float64, 0, len(t.rows))
	for _, r := range t.rows {
		if v, err := strconv.ParseFloat(r.fields[cols.value], 64); err == nil && v > 0 {
			vals = append(vals, v)
		}
	}
	sort.Float64s(vals)
	if len(vals) > 0 && vals[len(vals)/2] > 100 {
		return "mean", nil
	}
	return "growth", nil
}

// annualCols are the column indexes of an annual table; unc is -1 when
// the table has none.
type annualCols struct{ year, value, unc int }

// annualColumns finds the columns by name in a CSV with a header (any
// order, extra columns ignored), else by position: year, value, unc.
func annualColumns(t *table) (annualCols, error) {
	if !t.csv || t.header == nil {
		switch n := len(t.rows[0].fields); n {
		case 2:
			return annualCols{0, 1, -1}, nil
		case 3:
			return annualCols{0, 1, 2}, nil
		default:
			return annualCols{}, ingest.Errorf(t.name, "", grid.Month{}, "%d columns on line %d: annual tables have 2 or 3 (year, value, unc): %w", n, t.rows[0].line, ErrWrongKind)
		}
	}
	c := annualCols{-1, -1, -1}
	for i, h := range t.header {
		switch h {
		case "year":
			c.year = i
		case "ann inc", "ann_inc", "growth", "mean":
			c.value = i
		case "unc":
			c.unc = i
		case "month":
			return c, ingest.Errorf(t.name, "month", grid.Month{}, "a table with a month column is monthly, not annual: %w", ErrWrongKind)
		}
	}
	if c.year < 0 || c.value < 0 {
		return c, ingest.Errorf(t.name, "", grid.Month{}, "header %v has no year and value (ann inc or mean) columns: %w", t.header, ErrWrongKind)
	}
	return c, nil
}

// yearRows parses the year, value and optional uncertainty of every row
// of a table of kind want, years strictly increasing.
func yearRows(t *table, want string, value func(r row, v float64, y int) (float64, error)) ([]AnnualRow, error) {
	cols, err := annualColumns(t)
	if err != nil {
		return nil, err
	}
	kind, err := annualKind(t, cols)
	if err != nil {
		return nil, err
	}
	if kind != want {
		return nil, ingest.Errorf(t.name, "", grid.Month{}, "this is an annual %s table, not %s: %w", kind, want, ErrWrongKind)
	}
	out := make([]AnnualRow, 0, len(t.rows))
	for _, r := range t.rows {
		y, err := t.year(r, cols.year)
		if err != nil {
			return nil, err
		}
		m := grid.Month{Year: y, Month: time.January}
		v, err := strconv.ParseFloat(r.fields[cols.value], 64)
		if err != nil || math.IsInf(v, 0) {
			return nil, ingest.Errorf(t.name, want, m, "line %d: %q is not a number", r.line, r.fields[cols.value])
		}
		if v, err = value(r, v, y); err != nil {
			return nil, err
		}
		unc := math.NaN()
		if cols.unc >= 0 {
			if unc, err = t.cell(r, cols.unc, "unc", m); err != nil {
				return nil, err
			}
		}
		if n := len(out); n > 0 && out[n-1].Year >= y {
			return nil, ingest.Errorf(t.name, "year", m, "line %d: year %d follows %d: years must increase", r.line, y, out[n-1].Year)
		}
		out = append(out, AnnualRow{Year: y, MeanPPM: v, UncPPM: unc})
	}
	return out, nil
}

// ReadGrowth parses a NOAA annual growth-rate file (`year ann inc unc`),
// text or CSV; name is used in error messages.
func ReadGrowth(r io.Reader, name string) (*Growth, error) {
	t, err := scan(r, name)
	if err != nil {
		return nil, err
	}
	rows, err := yearRows(t, "growth", func(r row, v float64, y int) (float64, error) {
		if v <= missingGrowth || math.IsNaN(v) {
			return math.NaN(), nil
		}
		if math.Abs(v) > maxGrowth {
			return 0, ingest.Errorf(t.name, "ann inc", grid.Month{Year: y, Month: time.January}, "line %d: %g ppm/yr is outside ±%d", r.line, v, maxGrowth)
		}
		return v, nil
	})
	if err != nil {
		return nil, err
	}
	g := &Growth{Name: name, Vintage: t.vintage, Created: parseCreated(t.vintage), Rows: make([]GrowthRow, len(rows))}
	for i, r := range rows {
		g.Rows[i] = GrowthRow{Year: r.Year, PPMPerYear: r.MeanPPM, UncPPMPerYear: r.UncPPM}
	}
	return g, nil
}

// ReadAnnualMean parses a NOAA annual-mean file (`year mean unc`), text or
// CSV; name is used in error messages.
func ReadAnnualMean(r io.Reader, name string) (*AnnualMean, error) {
	t, err := scan(r, name)
	if err != nil {
		return nil, err
	}
	rows, err := yearRows(t, "mean", func(r row, v float64, y int) (float64, error) {
		if v < 0 || math.IsNaN(v) {
			return math.NaN(), nil
		}
		return v, t.checkRange(r, v, minPPM, maxPPM, "mean", "ppm", grid.Month{Year: y, Month: time.January})
	})
	if err != nil {
		return nil, err
	}
	return &AnnualMean{Name: name, Vintage: t.vintage, Created: parseCreated(t.vintage), Rows: rows}, nil
}

// Year returns the growth of year y.
func (g *Growth) Year(y int) (GrowthRow, bool) {
	i := sort.Search(len(g.Rows), func(i int) bool { return g.Rows[i].Year >= y })
	if i < len(g.Rows) && g.Rows[i].Year == y {
		return g.Rows[i], true
	}
	return GrowthRow{}, false
}

// Year returns the mean of year y.
func (a *AnnualMean) Year(y int) (AnnualRow, bool) {
	i := sort.Search(len(a.Rows), func(i int) bool { return a.Rows[i].Year >= y })
	if i < len(a.Rows) && a.Rows[i].Year == y {
		return a.Rows[i], true
	}
	return AnnualRow{}, false
}
