package gcb

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// magnitude gives the plausible range of a sheet's largest value in each
// unit, so that stated units can be checked and absent ones inferred.
type magnitude struct {
	maxGtC         float64 // largest plausible value in GtC/yr
	minMtC, maxMtC float64 // range of the largest value in MtC/yr
}

var (
	// S_CEMENT is 0.01–0.23 GtC/yr over 1959–2024 (GCB 2025).
	cementMagnitude = magnitude{maxGtC: 2, minMtC: 10, maxMtC: 2000}
	// Fossil CO2 emissions peak at about 10.5 GtC/yr (GCB 2025, 2024);
	// their largest value over any run of years since 1900 exceeds 0.5
	// GtC/yr (500 MtC/yr).
	fossilMagnitude = magnitude{maxGtC: 20, minMtC: 50, maxMtC: 20000}
)

// scaleToGtC converts series read from t to GtC/yr in place, given the
// largest absolute value most among them: the sheet's stated units when it
// states any, checked against most, or else most alone.
func scaleToGtC(t *Table, series []*Series, most float64, m magnitude) error {
	stated, err := t.StatedUnits()
	if err != nil {
		return fmt.Errorf("units are ambiguous: %w", err)
	}
	looksGtC := most <= m.maxGtC
	looksMtC := most >= m.minMtC && most <= m.maxMtC
	switch {
	case stated == GtCPerYear && !looksGtC:
		return fmt.Errorf("units are ambiguous: the sheet states GtC/yr but its largest value %g is above %g GtC/yr", most, m.maxGtC)
	case stated == MtCPerYear && !looksMtC:
		return fmt.Errorf("units are ambiguous: the sheet states MtC/yr but its largest value %g is outside %g..%g MtC/yr", most, m.minMtC, m.maxMtC)
	case stated == "" && !looksGtC && !looksMtC:
		return fmt.Errorf("largest value %g is neither GtC/yr (≤ %g) nor MtC/yr (%g..%g): wrong units?", most, m.maxGtC, m.minMtC, m.maxMtC)
	case stated == GtCPerYear || stated == "" && looksGtC:
		return nil
	}
	for _, s := range series {
		for i := range s.GtCPerYear {
			s.GtCPerYear[i] /= 1000
		}
	}
	return nil
}

// largest is the largest absolute value of the series.
func largest(series ...*Series) float64 {
	var most float64
	for _, s := range series {
		for _, v := range s.GtCPerYear {
			most = max(most, math.Abs(v))
		}
	}
	return most
}

// oneOf returns the one column of t among names (by normColumn), "" if
// none; two of them at once is an error, since either could be the term.
func (t *Table) oneOf(names ...string) (string, error) {
	var found []string
	for _, n := range names {
		if c := t.column(n); c != "" {
			found = append(found, c)
		}
	}
	if len(found) > 1 {
		return "", fmt.Errorf("columns %q and %q are alternative names of one term; the sheet has both", found[0], found[1])
	}
	if len(found) == 0 {
		return "", nil
	}
	return found[0], nil
}

// Budget is the "Global Carbon Budget" sheet of a GCB workbook: the global
// budget terms, GtC/yr, sinks positive. Each Series has the column it was
// read from as Variable and starts in its own first year.
type Budget struct {
	Path              string
	Fossil            *Series // E_FOS, excluding the cement carbonation sink
	LandUseChange     *Series // E_LUC
	AtmosphericGrowth *Series // G_ATM
	OceanSink         *Series // S_OCEAN
	LandSink          *Series // S_LAND
	CementSink        *Series // S_CEMENT; nil in sheets before it was split out (≤ 2019)
	Imbalance         *Series // B_IM
}

// Column names of the budget sheet. The fossil term was "fossil fuel and
// industry" up to GCB 2019 and "fossil emissions excluding carbonation"
// since 2020 (openclimatedata/openclimatedata tests); the 2025 sheet adds
// "fossil emissions including carbonation", which is not E_FOS.
var budgetColumns = struct {
	fossil                                   []string
	luc, atm, ocean, land, cement, imbalance string
}{
	fossil: []string{"fossil emissions excluding carbonation", "fossil fuel and industry"},
	luc:    "land-use change emissions", atm: "atmospheric growth", ocean: "ocean sink",
	land: "land sink", cement: "cement carbonation sink", imbalance: "budget imbalance",
}

// imbalanceToleranceGtC bounds |E_FOS + E_LUC − G_ATM − S_OCEAN − S_LAND −
// S_CEMENT − B_IM|: the sheet computes B_IM from the other columns (its
// notes define it so), and the GCB 2025 sheet meets it to 4e-14 GtC/yr.
const imbalanceToleranceGtC = 1e-6

// ReadBudget reads the "Global Carbon Budget" sheet exported to CSV, whole
// (notes, the "GtC/yr" line, header) or as the table alone. The sheet is in
// GtC/yr in every release: stated MtC/yr, or any term beyond ±20, is an
// error. Every year with all terms must satisfy the sheet's definition of
// the budget imbalance, which catches a column read under the wrong name.
func ReadBudget(r io.Reader, name string) (*Budget, error) {
	t, err := Read(r, name)
	if err != nil {
		return nil, &ingest.SourceError{Path: name, Err: err}
	}
	fossil, err := t.oneOf(budgetColumns.fossil...)
	if err != nil {
		return nil, ingest.Errorf(name, budgetColumns.fossil[0], grid.Month{}, "%w", err)
	}
	if fossil == "" {
		return nil, ingest.Errorf(name, budgetColumns.fossil[0], grid.Month{}, "%w (have %s)", ErrNoColumn, strings.Join(t.Columns, ", "))
	}
	b := &Budget{Path: name}
	fields := []struct {
		col      string
		dst      **Series
		optional bool
	}{
		{fossil, &b.Fossil, false}, {budgetColumns.luc, &b.LandUseChange, false},
		{budgetColumns.atm, &b.AtmosphericGrowth, false}, {budgetColumns.ocean, &b.OceanSink, false},
		{budgetColumns.land, &b.LandSink, false}, {budgetColumns.imbalance, &b.Imbalance, false},
		// S_CEMENT is a column since GCB 2020, when E_FOS started to exclude it.
		{budgetColumns.cement, &b.CementSink, fossil == t.column(budgetColumns.fossil[1])},
	}
	for _, f := range fields {
		have := t.column(f.col)
		if have == "" && f.optional {
			continue
		}
		if have == "" {
			return nil, ingest.Errorf(name, f.col, grid.Month{}, "%w (have %s)", ErrNoColumn, strings.Join(t.Columns, ", "))
		}
		if *f.dst, err = t.series(name, have); err != nil {
			return nil, err
		}
	}
	if err := budgetUnits(t, largest(b.Fossil, b.LandUseChange, b.AtmosphericGrowth, b.OceanSink, b.LandSink, b.Imbalance)); err != nil {
		return nil, ingest.Errorf(name, b.Fossil.Variable, grid.Month{}, "%w", err)
	}
	if err := b.checkImbalance(); err != nil {
		return nil, err
	}
	return b, nil
}

// budgetUnits checks that a budget sheet is in GtC/yr, as every release's
// is, given its largest absolute value (E_FOS, the largest term, peaks at
// about 10.5 GtC/yr).
func budgetUnits(t *Table, most float64) error {
	stated, err := t.StatedUnits()
	switch {
	case err != nil:
		return fmt.Errorf("units are ambiguous: %w", err)
	case stated == MtCPerYear:
		return fmt.Errorf("the sheet states MtC/yr; the budget sheet is GtC/yr in every release (wrong sheet?)")
	case most > fossilMagnitude.maxGtC:
		return fmt.Errorf("largest value %g is above %g GtC/yr: MtC/yr values in a GtC/yr sheet?", most, fossilMagnitude.maxGtC)
	}
	return nil
}

// checkImbalance verifies B_IM = E_FOS + E_LUC − (G_ATM + S_OCEAN + S_LAND +
// S_CEMENT) in every year where all terms are given.
func (b *Budget) checkImbalance() error {
	for y := b.Fossil.FirstYear; y <= b.Fossil.LastYear(); y++ {
		var v [7]float64
		terms := []*Series{b.Fossil, b.LandUseChange, b.AtmosphericGrowth, b.OceanSink, b.LandSink, b.Imbalance, b.CementSink}
		complete := true
		for i, s := range terms {
			if s == nil { // no S_CEMENT column: 0
				continue
			}
			if y < s.FirstYear || y > s.LastYear() {
				complete = false
				break
			}
			v[i] = s.GtCPerYear[y-s.FirstYear]
		}
		if !complete {
			continue
		}
		residual := v[0] + v[1] - v[2] - v[3] - v[4] - v[6] - v[5]
		if math.Abs(residual) > imbalanceToleranceGtC {
			return ingest.Errorf(b.Path, b.Imbalance.Variable, grid.Month{},
				"%d: budget imbalance %g differs from emissions minus sinks %g by %g GtC/yr: a column read under the wrong name?",
				y, v[5], v[5]+residual, residual)
		}
	}
	return nil
}

// FossilCategories is the "Fossil Emissions by Category" sheet: the total
// fossil CO2 emission (excluding the cement carbonation sink) and its
// categories, GtC/yr. The per-capita column (tC/person/yr) is not read.
type FossilCategories struct {
	Path  string
	Total *Series
	// Categories by the sheet's column names: Coal, Oil, Gas,
	// Cement.emission, Flaring, Other in GCB 2022–2025.
	Categories map[string]*Series
}

// ReadFossilCategories reads the "Fossil Emissions by Category" sheet
// exported to CSV (header "Year,fossil.emissions.excluding.carbonation,
// Coal,Oil,Gas,Cement.emission,Flaring,Other,Per.Capita" in GCB 2022–2025).
// The sheet states MtC/yr up to GCB 2024 and GtC/yr in 2025; the values are
// checked against what it states and returned in GtC/yr. The categories
// must add up to the total in every year where all are given.
func ReadFossilCategories(r io.Reader, name string) (*FossilCategories, error) {
	t, err := Read(r, name)
	if err != nil {
		return nil, &ingest.SourceError{Path: name, Err: err}
	}
	total, err := t.oneOf("fossil emissions excluding carbonation", "Total")
	if err != nil || total == "" {
		return nil, ingest.Errorf(name, "fossil.emissions.excluding.carbonation", grid.Month{}, "%w (have %s)", orNoColumn(err), strings.Join(t.Columns, ", "))
	}
	fc := &FossilCategories{Path: name, Categories: map[string]*Series{}}
	if fc.Total, err = t.series(name, total); err != nil {
		return nil, err
	}
	all := []*Series{fc.Total}
	for _, c := range t.Columns {
		// Per capita is tC/person/yr whatever the sheet's units: scaling it
		// with the emissions would be wrong, and it is no budget term.
		if c == total || strings.Contains(normColumn(c), "capita") {
			continue
		}
		s, err := t.series(name, c)
		if err != nil {
			return nil, err
		}
		fc.Categories[c] = s
		all = append(all, s)
	}
	if err := scaleToGtC(t, all, largest(fc.Total), fossilMagnitude); err != nil {
		return nil, ingest.Errorf(name, total, grid.Month{}, "%w", err)
	}
	return fc, fc.checkSum()
}

func orNoColumn(err error) error {
	if err != nil {
		return err
	}
	return ErrNoColumn
}

// checkSum verifies that the categories add up to the total, to 1e-6
// relative: the sheet's total is their sum (GCB 2025: to 6e-15).
func (fc *FossilCategories) checkSum() error {
	for y := fc.Total.FirstYear; y <= fc.Total.LastYear(); y++ {
		total := fc.Total.GtCPerYear[y-fc.Total.FirstYear]
		var sum float64
		complete := len(fc.Categories) > 0
		for _, s := range fc.Categories {
			if y < s.FirstYear || y > s.LastYear() {
				complete = false
				break
			}
			sum += s.GtCPerYear[y-s.FirstYear]
		}
		if complete && math.Abs(sum-total) > 1e-6*max(1, math.Abs(total)) {
			return ingest.Errorf(fc.Path, fc.Total.Variable, grid.Month{},
				"%d: categories add up to %g GtC/yr, the total is %g: a column misread?", y, sum, total)
		}
	}
	return nil
}
