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
	s, err := readSeries(r, name, ELUCColumn)
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
// Carbonation Sink" sheet. In the GCB 2025 global budget workbook
// (Global_Carbon_Budget_2025_v1.0.xlsx) the sheet has notes and a units
// row above the table; exported as the other sheets are (data/real/gcb,
// PROVENANCE.md) it is a header row "Year,GCB,Cao,Huang" and one row per
// year from 1959, where "GCB" is the budget's value (the mean of the Cao
// and Huang estimates, which stop a few years before the GCB column).
// The 2025 sheet is in GtC/yr (2024: 0.2243); older workbooks state
// MtC/yr. The CSV has no units row, so the magnitude decides: a sink of
// at most 2 is GtC/yr, one between 10 and 2000 is MtC/yr and is converted;
// anything else is an error. name is used in messages.
func ReadCement(r io.Reader, name string) (*Series, error) {
	s, err := readSeries(r, name, CementColumn)
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
	switch {
	case most <= 2: // GtC/yr
	case most >= 10 && most <= 2000: // MtC/yr
		for i := range s.GtCPerYear {
			s.GtCPerYear[i] /= 1000
		}
	default:
		return nil, ingest.Errorf(name, s.Variable, grid.Month{}, "largest value %g is neither GtC/yr (≤ 2) nor MtC/yr (10..2000): wrong units?", most)
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
func readSeries(r io.Reader, name, col string) (*Series, error) {
	t, err := Read(r, name)
	if err != nil {
		return nil, &ingest.SourceError{Path: name, Variable: col, Err: err}
	}
	have := ""
	for _, c := range t.Columns {
		if normColumn(c) == normColumn(col) {
			have = c
			break
		}
	}
	if have == "" {
		return nil, ingest.Errorf(name, col, grid.Month{}, "%w (have %s)", ErrNoColumn, strings.Join(t.Columns, ", "))
	}
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

func normColumn(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }

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
	share := float64(m.Days()) / float64(daysInYear(m.Year))
	return ingest.MonthValue{
		GtC:       v * share,
		SigmaGtC:  (s.SigmaGtCPerYear + s.SigmaFraction*math.Abs(v)) * share,
		Projected: m.Year > s.LastYear(),
		FromYear:  year,
	}, nil
}

func daysInYear(y int) int {
	return int(grid.Month{Year: y + 1, Month: 1}.Start().Sub(grid.Month{Year: y, Month: 1}.Start()).Hours() / 24)
}
