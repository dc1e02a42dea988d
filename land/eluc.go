package land

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/carbonbudget/carbonbudget/ingest/gcb"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// ELUCSigmaGtCPerYear is the Global Carbon Budget's 1σ uncertainty of
// E_LUC, ±0.7 GtC/yr (science.md §5; Friedlingstein et al. 2023).
const ELUCSigmaGtCPerYear = 0.7

// ELUCColumn is the column of the GCB land-use sheet holding the budget's
// net land-use change emission (the mean of the bookkeeping models).
const ELUCColumn = "GCB | Net"

// ELUCSeries is an annual land-use change emission series, GtC/yr,
// positive to the atmosphere, for consecutive years.
type ELUCSeries struct {
	Source     string // file name, for messages
	FirstYear  int
	GtCPerYear []float64 // FirstYear, FirstYear+1, ...
}

// ELUCMonth is E_LUC of one month.
type ELUCMonth struct {
	GtC      float64 // GtC in the month, to the atmosphere
	SigmaGtC float64 // 1σ, GtC in the month
	// Projected is set when the month's year is beyond the series: the
	// last known year's value is carried forward, as the GCB does for its
	// projection year.
	Projected bool
	FromYear  int // the series year the value comes from
}

// ReadELUCFile reads the E_LUC series from a GCB-layout land-use CSV (see
// ReadELUC).
func ReadELUCFile(path string) (*ELUCSeries, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read E_LUC: %w", err)
	}
	defer f.Close()
	return ReadELUC(f, path)
}

// ReadELUC reads the E_LUC series from a CSV in the layout of the GCB
// land-use change sheet: a header row starting with "Year" and the net
// emission in the column "GCB | Net" (compared without case or spaces, so
// "GCB|Net" also matches), one row per year, GtC/yr. Empty cells at the end
// of the series (a year not yet estimated) are dropped; a gap inside it is
// an error, since carrying a value across it would hide missing data. name
// is used in messages.
func ReadELUC(r io.Reader, name string) (*ELUCSeries, error) {
	t, err := gcb.Read(r, name)
	if err != nil {
		return nil, fmt.Errorf("read E_LUC: %w", err)
	}
	col := ""
	for _, c := range t.Columns {
		if normColumn(c) == normColumn(ELUCColumn) {
			col = c
			break
		}
	}
	if col == "" {
		return nil, fmt.Errorf("read E_LUC %s: variable %q: no such column (have %s)", name, ELUCColumn, strings.Join(t.Columns, ", "))
	}
	years, values, err := t.Series(col)
	if err != nil {
		return nil, fmt.Errorf("read E_LUC %s: %w", name, err)
	}
	if len(years) == 0 {
		return nil, fmt.Errorf("read E_LUC %s: variable %q: no values", name, col)
	}
	for i := 1; i < len(years); i++ {
		if years[i] != years[i-1]+1 {
			return nil, fmt.Errorf("read E_LUC %s: variable %q: no value for %d (series jumps from %d to %d)", name, col, years[i-1]+1, years[i-1], years[i])
		}
	}
	for i, v := range values {
		if v < -10 || v > 10 {
			return nil, fmt.Errorf("read E_LUC %s: variable %q, %d: %g GtC/yr is outside ±10 (wrong units?)", name, col, years[i], v)
		}
	}
	return &ELUCSeries{Source: name, FirstYear: years[0], GtCPerYear: values}, nil
}

func normColumn(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }

// LastYear is the last year of the series.
func (s *ELUCSeries) LastYear() int { return s.FirstYear + len(s.GtCPerYear) - 1 }

// Month returns E_LUC of month m: the year's value times the month's share
// of the year's days (days(m)/days(year)). Spreading by days keeps the flux
// rate constant through the year, as an annual bookkeeping value implies,
// and the twelve months still add up to the annual value exactly, leap
// years included. σ is spread the same way, as an error fully correlated
// between the months of a year (bookkeeping errors are systematic), so the
// months' σ add up to the annual ±0.7 GtC/yr. Years after the series carry
// its last value forward, flagged Projected; years before it are an error.
func (s *ELUCSeries) Month(m grid.Month) (ELUCMonth, error) {
	if m.Year < s.FirstYear {
		return ELUCMonth{}, fmt.Errorf("E_LUC %s: %s is before the series starts (%d)", s.Source, m, s.FirstYear)
	}
	year := min(m.Year, s.LastYear())
	share := float64(m.Days()) / float64(daysInYear(m.Year))
	return ELUCMonth{
		GtC:       s.GtCPerYear[year-s.FirstYear] * share,
		SigmaGtC:  ELUCSigmaGtCPerYear * share,
		Projected: m.Year > s.LastYear(),
		FromYear:  year,
	}, nil
}

func daysInYear(y int) int {
	return int(grid.Month{Year: y + 1, Month: 1}.Start().Sub(grid.Month{Year: y, Month: 1}.Start()).Hours() / 24)
}
