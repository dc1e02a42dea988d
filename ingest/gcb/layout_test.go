package gcb

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// sheetLayout is a synthetic whole-sheet CSV export of one sheet of a GCB
// workbook: what LibreOffice or openpyxl writes for the sheet, notes and
// all, with every row padded to the header's width. The structure (rows of
// notes above the header, the units sentence and line, header names,
// spacer columns, footnotes) follows each release as found in
// openclimatedata/openclimatedata (src/openclimatedata/_global_carbon_budget/
// _gcb2022.py … _gcb2025.py: header rows, units per sheet; tests/
// test_global_carbon_budget.py: column names and magnitudes) and, for the
// 2025 budget sheet's "GtC/yr" line in column A, in a GCB 2025 transform
// found through the code search (read_budget, gcb-2025-global). The notes'
// wording and every number are made up; only the units sentence keeps the
// sheets' "All values in … (GtC/yr)" pattern, which the reader looks for.
type sheetLayout struct {
	file      string   // the name used in messages
	headerRow int      // 1-based row of the "Year" header in the sheet
	notes     []string // first cells of the rows from row 1
	unitsLine string   // first cell of the row above the header, "" for none
	header    []string
	rows      [][]string
	footer    []string // text rows after a blank row under the table
}

// csv renders the layout as the spreadsheet export would: notes in column
// A, blank rows up to the header, every row as wide as the header.
func (l sheetLayout) csv() string {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	width := len(l.header)
	pad := func(cells ...string) []string {
		row := make([]string, width)
		copy(row, cells)
		return row
	}
	for r := 1; r < l.headerRow; r++ {
		switch {
		case r == l.headerRow-1 && l.unitsLine != "":
			w.Write(pad(l.unitsLine))
		case r <= len(l.notes):
			w.Write(pad(l.notes[r-1]))
		default:
			w.Write(pad())
		}
	}
	w.Write(l.header)
	for _, row := range l.rows {
		w.Write(pad(row...))
	}
	if len(l.footer) > 0 {
		w.Write(pad())
		for _, f := range l.footer {
			w.Write(pad(f))
		}
	}
	w.Flush()
	return buf.String()
}

// Units sentences in the sheets' pattern (wording made up).
const (
	gtcNote = "All values in billion tonnes of carbon per year (GtC/yr), for the globe (synthetic note; x 3.664 for CO2)."
	mtcNote = "All values in million tonnes of carbon per year (MtC/yr), except per capita values in tonnes of carbon per person per year (tC/person/yr)."
)

var budgetHeader = []string{"Year", "fossil emissions excluding carbonation", "land-use change emissions",
	"atmospheric growth", "ocean sink", "land sink", "cement carbonation sink", "budget imbalance"}

// budgetSheet is the "Global Carbon Budget" sheet: GtC/yr in every release,
// header on row 21 in 2022 and row 22 since 2023 (skiprows 20 and 21), a
// "GtC/yr" line above it, footnotes under the table. The imbalance column
// is fossil + land-use − the four sinks, as the sheet defines it; the
// values are binary fractions, so that holds exactly.
func budgetSheet(release string, headerRow int) sheetLayout {
	return sheetLayout{
		file:      "Global_Carbon_Budget_" + release + " - Global Carbon Budget.csv",
		headerRow: headerRow,
		notes:     []string{"Global Carbon Budget (synthetic)", gtcNote, "Uncertainty notes, sources and citation would follow here, one per row."},
		unitsLine: "GtC/yr",
		header:    budgetHeader,
		rows: [][]string{
			// F + L − A − O − La − C = B: 9.5+1.25−5.0−2.75−2.5−0.25 = 0.25
			{"2021", "9.5", "1.25", "5.0", "2.75", "2.5", "0.25", "0.25"},
			{"2022", "9.75", "1.125", "4.5", "2.875", "3.25", "0.25", "0"},
			{"2023", "10", "1", "5.25", "3", "2.25", "0.25", "0.25"},
		},
		footer: []string{"Projection for the current year: see the summary sheet (synthetic footnote)", "Cite as: synthetic"},
	}
}

// fossilSheet is "Fossil Emissions by Category": header on row 9 (skiprows
// 8) in every release; MtC/yr up to 2024, GtC/yr in 2025, per capita in
// tC/person/yr throughout. total = the six categories.
func fossilSheet(release string, mtc bool) sheetLayout {
	l := sheetLayout{
		file:      "Global_Carbon_Budget_" + release + " - Fossil Emissions by Category.csv",
		headerRow: 9,
		notes:     []string{"Fossil CO2 emissions by category (synthetic)", gtcNote, "Per capita emissions use population from a synthetic source."},
		header:    []string{"Year", "fossil.emissions.excluding.carbonation", "Coal", "Oil", "Gas", "Cement.emission", "Flaring", "Other", "Per.Capita"},
		rows: [][]string{
			{"2022", "10.0625", "4.25", "3.375", "2.125", "0.125", "0.0625", "0.125", "1.25"},
			{"2023", "10.125", "4.25", "3.5", "2.125", "0.125", "0.0625", "0.0625", "1.28125"},
		},
	}
	if mtc {
		l.notes[1] = mtcNote
		l.rows = [][]string{
			{"2022", "10062.5", "4250", "3375", "2125", "125", "62.5", "125", "1.25"},
			{"2023", "10125", "4250", "3500", "2125", "125", "62.5", "62.5", "1.28125"},
		}
	}
	return l
}

// cementSheet is "Cement Carbonation Sink": header on row 10 (skiprows 9),
// "GCB", an empty spacer column, then the two estimates (Cao and Guo in
// 2022, Cao and Huang since 2023), which end before the GCB column; MtC/yr
// up to 2024, GtC/yr in 2025.
func cementSheet(release, second string, mtc bool) sheetLayout {
	l := sheetLayout{
		file:      "Global_Carbon_Budget_" + release + " - Cement Carbonation Sink.csv",
		headerRow: 10,
		notes:     []string{"Cement carbonation sink (synthetic)", gtcNote, "GCB is the mean of the two estimates."},
		header:    []string{"Year", "GCB", "", "Cao", second},
		rows: [][]string{
			{"2021", "0.2", "", "0.1875", "0.2125"},
			{"2022", "0.21875"},
			{"2023", "0.25"},
		},
	}
	if mtc {
		l.notes[1] = mtcNote
		l.rows = [][]string{
			{"2021", "200", "", "187.5", "212.5"},
			{"2022", "218.75"},
			{"2023", "250"},
		}
	}
	return l
}

// releases are the workbook layouts of GCB 2022–2025.
var releases = []struct {
	name      string
	budgetRow int    // header row of the budget sheet
	second    string // second cement estimate
	mtc       bool   // fossil and cement sheets in MtC/yr
}{
	{"2022v1.0", 21, "Guo", true},
	{"2023v1.1", 22, "Huang", true},
	{"2024_v1.0", 22, "Huang", true},
	{"2025_v1.0", 22, "Huang", false},
}

// allLayouts renders every sheet of every release, for the fuzz corpus.
func allLayouts() []string {
	var out []string
	for _, r := range releases {
		out = append(out, budgetSheet(r.name, r.budgetRow).csv(), fossilSheet(r.name, r.mtc).csv(),
			cementSheet(r.name, r.second, r.mtc).csv())
	}
	return out
}

// edit returns s with old replaced by new once, for refusal cases.
func edit(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("edit: " + old + " not in layout")
	}
	return strings.Replace(s, old, new, 1)
}
