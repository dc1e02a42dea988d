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

// Monthly is a monthly-mean CO2 record (co2_mm_gl, co2_mm_mlo, …) in month
// order.
type Monthly struct {
	Name string
	// Vintage is the text after "File Creation:" in the header, trimmed
	// ("Fri Dec  5 11:34:08 2025"); empty when the file has none.
	Vintage string
	// Created is Vintage as a time (UTC assumed: NOAA does not say); zero
	// when Vintage is empty or not in the asctime layout.
	Created time.Time
	// Layout names the column layout found: "gl", "gl-old", "mlo",
	// "mlo-old", "csv", or "csv-mirror" (a header naming the values but
	// not the uncertainty column after each).
	Layout string
	Rows   []MonthRow
}

// MonthRow is one month. Values NOAA marks missing, and columns the file
// does not have, are NaN (Days is -1).
type MonthRow struct {
	Month         grid.Month
	Decimal       float64 // decimal year as written in the file
	AveragePPM    float64 // monthly mean
	AverageUncPPM float64 // average_unc, or MLO's "unc. of mon mean"
	// TrendPPM is the de-seasonalised value: "trend" in the global files,
	// "deseasonalized" in Mauna Loa's.
	TrendPPM    float64
	TrendUncPPM float64
	Days        int     // days with data (Mauna Loa); -1 when unknown
	StdDevPPM   float64 // standard deviation of the days (Mauna Loa)
}

// The roles a monthly column can play.
const (
	colDate = iota // "YYYY-MM" in one column (mirrors' CSV)
	colYear
	colMonth
	colDecimal
	colAverage
	colAverageUnc
	colTrend
	colTrendUnc
	colDays
	colStdDev
	nRoles
)

var roleNames = [nRoles]string{"date", "year", "month", "decimal", "average", "average_unc", "trend", "trend_unc", "#days", "st.dev"}

// monthlyAliases maps CSV header names (lower-cased) to roles. Names not
// here ("interpolated", anything new) are ignored.
var monthlyAliases = map[string]int{
	"date": colDate, "year": colYear, "yr": colYear, "month": colMonth, "mon": colMonth,
	"decimal": colDecimal, "decimal date": colDecimal, "decimal_date": colDecimal,
	"average": colAverage, "monthly average": colAverage, "monthly_average": colAverage,
	"average_unc": colAverageUnc, "unc": colAverageUnc,
	"trend": colTrend, "deseasonalized": colTrend, "de-seasonalized": colTrend,
	"trend_unc": colTrendUnc,
	"ndays":     colDays, "#days": colDays, "days": colDays,
	"sdev": colStdDev, "stdev": colStdDev, "st.dev": colStdDev,
}

// whitespaceLayouts are the positional layouts of NOAA's .txt files, whose
// column names sit in free-form comment lines.
var whitespaceLayouts = map[string][]int{
	// co2_mm_gl.txt since about 2019.
	"gl": {colYear, colMonth, colDecimal, colAverage, colAverageUnc, colTrend, colTrendUnc},
	// co2_mm_gl.txt before the uncertainty columns.
	"gl-old": {colYear, colMonth, colDecimal, colAverage, colTrend},
	// co2_mm_mlo.txt since 2021: de-seasonalized, #days, st.dev, unc.
	"mlo": {colYear, colMonth, colDecimal, colAverage, colTrend, colDays, colStdDev, colAverageUnc},
	// co2_mm_mlo.txt before 2021: average (-99.99 missing), interpolated
	// (dropped: it is not a measurement), trend, #days.
	"mlo-old": {colYear, colMonth, colDecimal, colAverage, -1, colTrend, colDays},
}

// ReadMonthly parses a NOAA monthly-mean CO2 file, text or CSV; name is
// used in error messages. The layout is told from the header and the
// column count, never from the file name.
func ReadMonthly(r io.Reader, name string) (*Monthly, error) {
	t, err := scan(r, name)
	if err != nil {
		return nil, err
	}
	layout, cols, err := monthlyColumns(t)
	if err != nil {
		return nil, err
	}
	out := &Monthly{Name: name, Vintage: t.vintage, Created: parseCreated(t.vintage), Layout: layout}
	out.Rows = make([]MonthRow, 0, len(t.rows))
	for _, r := range t.rows {
		mr, err := t.monthRow(r, cols)
		if err != nil {
			return nil, err
		}
		if n := len(out.Rows); n > 0 && !out.Rows[n-1].Month.Before(mr.Month) {
			return nil, ingest.Errorf(name, "month", mr.Month, "line %d: month %s follows %s: months must increase", r.line, mr.Month, out.Rows[n-1].Month)
		}
		out.Rows = append(out.Rows, mr)
	}
	return out, nil
}

// monthlyColumns gives the column index of each role (-1 if absent).
func monthlyColumns(t *table) (string, [nRoles]int, error) {
	var cols [nRoles]int
	for i := range cols {
		cols[i] = -1
	}
	layout, roles := "csv", []int(nil)
	if t.csv && t.header != nil {
		shift := 0 // unnamed uncertainty columns before the current one
		for i, h := range t.header {
			role, ok := monthlyAliases[h]
			if !ok {
				continue
			}
			if cols[role] >= 0 {
				return "", cols, ingest.Errorf(t.name, h, grid.Month{}, "two columns are %q", roleNames[role])
			}
			cols[role] = i + shift
			if t.uncUnnamed && (role == colAverage || role == colTrend) {
				shift++
				cols[role+1] = i + shift // colAverageUnc, colTrendUnc follow their value
			}
		}
		layout = "csv"
		if t.uncUnnamed {
			layout = "csv-mirror"
		}
	} else {
		var err error
		if layout, err = t.whitespaceLayout(); err != nil {
			return "", cols, err
		}
		roles = whitespaceLayouts[layout]
	}
	for i, role := range roles {
		if role >= 0 {
			cols[role] = i
		}
	}
	need := []int{colYear, colMonth, colAverage}
	if cols[colDate] >= 0 && cols[colYear] < 0 {
		need = []int{colAverage} // year and month come from the date
	}
	for _, role := range need {
		if cols[role] < 0 {
			return "", cols, ingest.Errorf(t.name, roleNames[role], grid.Month{}, "no %q column in header %v: %w", roleNames[role], t.header, ErrWrongKind)
		}
	}
	return layout, cols, nil
}

// whitespaceLayout tells the .txt layouts apart by column count and, for
// the two 7-column ones, by the column names in the comments or else by
// content (column 5 is a CO2 value in mlo-old, a small uncertainty in gl).
func (t *table) whitespaceLayout() (string, error) {
	switch n := len(t.rows[0].fields); n {
	case 5:
		return "gl-old", nil
	case 8:
		return "mlo", nil
	case 7:
		switch {
		case t.hasHint("interpolated"):
			return "mlo-old", nil
		case t.hasHint("average_unc", "trend_unc"):
			return "gl", nil
		}
		if v, err := strconv.ParseFloat(t.rows[0].fields[4], 64); err == nil && v > 100 {
			return "mlo-old", nil
		}
		return "gl", nil
	default:
		return "", ingest.Errorf(t.name, "", grid.Month{}, "%d columns on line %d: no monthly layout has that many (5, 7 or 8): %w", n, t.rows[0].line, ErrWrongKind)
	}
}

// Plausible CO2 mole fractions in ppm: wider than any record (SIO 1958
// starts at 313), narrow enough to catch a misread column or a ppb file.
const minPPM, maxPPM = 150, 1000

func (t *table) monthRow(r row, cols [nRoles]int) (MonthRow, error) {
	m, err := t.month(r, cols)
	if err != nil {
		return MonthRow{}, err
	}
	mr := MonthRow{Month: m, Days: -1}
	dst := [nRoles]*float64{colDecimal: &mr.Decimal, colAverage: &mr.AveragePPM, colAverageUnc: &mr.AverageUncPPM,
		colTrend: &mr.TrendPPM, colTrendUnc: &mr.TrendUncPPM, colStdDev: &mr.StdDevPPM}
	for role, p := range dst {
		if p == nil {
			continue
		}
		*p = math.NaN()
		if cols[role] >= 0 {
			if *p, err = t.cell(r, cols[role], roleNames[role], m); err != nil {
				return MonthRow{}, err
			}
		}
	}
	if cols[colDays] >= 0 {
		if mr.Days, err = t.days(r, cols[colDays], m); err != nil {
			return MonthRow{}, err
		}
	}
	return mr, t.checkMonthRow(r, mr)
}

func (t *table) days(r row, col int, m grid.Month) (int, error) {
	d, err := strconv.Atoi(r.fields[col])
	if err != nil || d > 31 {
		return 0, ingest.Errorf(t.name, "#days", m, "line %d: %q is not a day count", r.line, r.fields[col])
	}
	return max(d, -1), nil
}

// checkMonthRow rejects values no CO2 file can hold: they mean the
// columns were mapped wrongly.
func (t *table) checkMonthRow(r row, mr MonthRow) error {
	m := mr.Month
	if d := mr.Decimal; !math.IsNaN(d) && (d < float64(m.Year) || d > float64(m.Year+1)) {
		return ingest.Errorf(t.name, "decimal", m, "line %d: decimal date %g is not in year %d", r.line, d, m.Year)
	}
	if err := t.checkRange(r, mr.AveragePPM, minPPM, maxPPM, "average", "ppm", m); err != nil {
		return err
	}
	return t.checkRange(r, mr.TrendPPM, minPPM, maxPPM, "trend", "ppm", m)
}

// At returns the row of month m.
func (mo *Monthly) At(m grid.Month) (MonthRow, bool) {
	i := sort.Search(len(mo.Rows), func(i int) bool { return !mo.Rows[i].Month.Before(m) })
	if i < len(mo.Rows) && mo.Rows[i].Month == m {
		return mo.Rows[i], true
	}
	return MonthRow{}, false
}

// month reads a row's month from its year and month columns, or from a
// "YYYY-MM" date column.
func (t *table) month(r row, cols [nRoles]int) (grid.Month, error) {
	if cols[colYear] < 0 {
		m, err := grid.ParseMonth(r.fields[cols[colDate]])
		if err != nil {
			return grid.Month{}, ingest.Errorf(t.name, "date", grid.Month{}, "line %d: %q is not a YYYY-MM month", r.line, r.fields[cols[colDate]])
		}
		return m, nil
	}
	y, err := t.year(r, cols[colYear])
	if err != nil {
		return grid.Month{}, err
	}
	mo, err := strconv.Atoi(r.fields[cols[colMonth]])
	if err != nil || mo < 1 || mo > 12 {
		return grid.Month{}, ingest.Errorf(t.name, "month", grid.Month{}, "line %d: %q is not a month", r.line, r.fields[cols[colMonth]])
	}
	return grid.Month{Year: y, Month: time.Month(mo)}, nil
}
