package gcb

import (
	"io"
	"math"
	"os"
	"strings"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// The budget terms read from GCB sheets.
const (
	// ELUCColumn is the column of the land-use change sheet holding the
	// budget's net land-use change emission (the mean of the bookkeeping
	// models), GtC/yr, positive to the atmosphere.
	ELUCColumn = "GCB | Net"
	// ELUCSigmaGtCPerYear is the GCB's 1σ of E_LUC, ±0.7 GtC/yr
	// (science.md §5; Friedlingstein et al. 2023).
	ELUCSigmaGtCPerYear = 0.7

	// CementColumn is the column of the cement carbonation sheet holding
	// the budget's S_CEMENT, positive = uptake.
	CementColumn = "GCB"
	// CementSigmaFraction is the 1σ of S_CEMENT as a fraction of its
	// value: the GCB gives none; its two estimates (Cao, Huang) differ by
	// about 20 %, which serves as the 1σ.
	CementSigmaFraction = 0.2
)

// Series is one annual budget term from a GCB sheet, GtC/yr, for
// consecutive years. Its 1σ is SigmaGtCPerYear plus SigmaFraction of the
// year's value.
type Series struct {
	Path            string // the file, for messages
	Variable        string // the column read
	FirstYear       int
	GtCPerYear      []float64 // FirstYear, FirstYear+1, ...
	SigmaGtCPerYear float64
	SigmaFraction   float64
}

// ReadELUCFile reads the E_LUC series from the GCB land-use sheet at path
// (see ReadELUC).
func ReadELUCFile(path string) (*Series, error) { return readFile(path, ReadELUC) }

// ReadELUC reads E_LUC from a CSV in the layout of the GCB "Land-Use Change
// Emissions" sheet: a header row starting with "Year" and the net emission
// in the column "GCB | Net" (compared without case or spaces), one row per
// year, GtC/yr. name is used in messages.
func ReadELUC(r io.Reader, name string) (*Series, error) {
	s, _, err := readSeries(r, name, ELUCColumn)
	if err != nil {
		return nil, err
	}
	for i, v := range s.GtCPerYear {
		if v < -10 || v > 10 {
			return nil, ingest.Errorf(name, s.Variable, grid.Month{}, "%d: %g GtC/yr is outside ±10 (wrong units?)", s.FirstYear+i, v)
		}
	}
	s.SigmaGtCPerYear = ELUCSigmaGtCPerYear
	return s, nil
}

// ReadCementFile reads S_CEMENT from the GCB cement carbonation sheet at
// path (see ReadCement).
func ReadCementFile(path string) (*Series, error) { return readFile(path, ReadCement) }

// ReadCement reads S_CEMENT from a CSV export of the GCB "Cement
// Carbonation Sink" sheet: a header row "Year,GCB,<estimates>" (Cao and Guo
// in 2022, Cao and Huang since 2023, behind an empty spacer column in the
// whole-sheet export) and one row per year from 1959, where "GCB" is the
// budget's value (the mean of the estimates, which stop a few years before
// the GCB column). The 2022–2024 sheets state MtC/yr, the 2025 sheet GtC/yr
// (2024: 0.2243). Units the sheet states are checked against the magnitude
// (a sink of at most 2 is GtC/yr, one between 10 and 2000 MtC/yr) and a
// disagreement is an error; a table-only CSV states none, and the magnitude
// decides. name is used in messages.
func ReadCement(r io.Reader, name string) (*Series, error) {
	s, t, err := readSeries(r, name, CementColumn)
	if err != nil {
		return nil, err
	}
	var most float64
	for i, v := range s.GtCPerYear {
		if v < 0 {
			return nil, ingest.Errorf(name, s.Variable, grid.Month{}, "%d: %g is negative; the sink is positive", s.FirstYear+i, v)
		}
		most = max(most, v)
	}
	if err := scaleToGtC(t, []*Series{s}, most, cementMagnitude); err != nil {
		return nil, ingest.Errorf(name, s.Variable, grid.Month{}, "%w", err)
	}
	s.SigmaFraction = CementSigmaFraction
	return s, nil
}

func readFile(path string, read func(io.Reader, string) (*Series, error)) (*Series, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &ingest.SourceError{Path: path, Err: err}
	}
	defer f.Close()
	return read(f, path)
}

// readSeries reads column col of a GCB sheet. Empty cells at the end of
// the series (a year not yet estimated) are dropped; a gap inside it is an
// error, since carrying a value across it would hide missing data.
func readSeries(r io.Reader, name, col string) (*Series, *Table, error) {
	t, err := Read(r, name)
	if err != nil {
		return nil, nil, &ingest.SourceError{Path: name, Variable: col, Err: err}
	}
	have := t.column(col)
	if have == "" {
		return nil, nil, ingest.Errorf(name, col, grid.Month{}, "%w (have %s)", ErrNoColumn, strings.Join(t.Columns, ", "))
	}
	s, err := t.series(name, have)
	return s, t, err
}

// column returns the table's spelling of col (compared by normColumn), ""
// if absent.
func (t *Table) column(col string) string {
	for _, c := range t.Columns {
		if normColumn(c) == normColumn(col) {
			return c
		}
	}
	return ""
}

// series returns column have of t as a Series of consecutive years.
func (t *Table) series(name, have string) (*Series, error) {
	years, values, err := t.Series(have)
	if err != nil {
		return nil, ingest.Errorf(name, have, grid.Month{}, "%w", err)
	}
	if len(years) == 0 {
		return nil, ingest.Errorf(name, have, grid.Month{}, "no values")
	}
	for i := 1; i < len(years); i++ {
		if years[i] != years[i-1]+1 {
			return nil, ingest.Errorf(name, have, grid.Month{}, "no value for %d (series jumps from %d to %d)", years[i-1]+1, years[i-1], years[i])
		}
	}
	return &Series{Path: name, Variable: have, FirstYear: years[0], GtCPerYear: values}, nil
}

// normColumn compares column names without case, blanks, dots or
// underscores: the fossil sheet writes "fossil.emissions.excluding.carbonation"
// where the budget sheet writes "fossil emissions excluding carbonation".
func normColumn(s string) string {
	s = strings.NewReplacer(".", " ", "_", " ").Replace(strings.ToLower(s))
	return strings.Join(strings.Fields(s), "")
}

// LastYear is the last year of the series.
func (s *Series) LastYear() int { return s.FirstYear + len(s.GtCPerYear) - 1 }

// Month returns the share of month m: the year's value times
// days(m)/days(year). Spreading by days keeps the rate constant through
// the year, as an annual value implies, and the twelve months add up to
// the annual value exactly, leap years included. σ is spread the same way,
// as an error fully correlated between the months of a year, so the
// months' σ add up to the annual σ. Years after the series carry its last
// value forward, flagged Projected; a month before it is an error.
func (s *Series) Month(m grid.Month) (ingest.MonthValue, error) {
	if m.Year < s.FirstYear {
		return ingest.MonthValue{}, ingest.Errorf(s.Path, s.Variable, m, "before the series starts (%d)", s.FirstYear)
	}
	year := min(m.Year, s.LastYear())
	v := s.GtCPerYear[year-s.FirstYear]
	share := m.YearShare()
	return ingest.MonthValue{
		GtC:       v * share,
		SigmaGtC:  (s.SigmaGtCPerYear + s.SigmaFraction*math.Abs(v)) * share,
		Projected: m.Year > s.LastYear(),
		FromYear:  year,
	}, nil
}
