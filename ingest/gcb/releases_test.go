package gcb

import (
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/realdata"
)

// eqGtC compares GtC/yr values: 1e-12 absolute covers the division of an
// MtC/yr binary fraction by 1000, the only arithmetic on the way.
func eqGtC(got []float64, first, wantFirst int, want []float64) bool {
	if first != wantFirst || len(got) != len(want) {
		return false
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			return false
		}
	}
	return true
}

// TestReleaseLayouts reads the three sheets of each release's layout: the
// notes are skipped, the spacer column and footnotes left out, and the
// values come back in GtC/yr whatever units the release states.
func TestReleaseLayouts(t *testing.T) {
	for _, r := range releases {
		t.Run(r.name, func(t *testing.T) {
			l := budgetSheet(r.name, r.budgetRow)
			b, err := ReadBudget(strings.NewReader(l.csv()), l.file)
			if err != nil {
				t.Fatal(err)
			}
			for _, tt := range []struct {
				s    *Series
				want []float64
			}{
				{b.Fossil, []float64{9.5, 9.75, 10}}, {b.LandUseChange, []float64{1.25, 1.125, 1}},
				{b.AtmosphericGrowth, []float64{5, 4.5, 5.25}}, {b.OceanSink, []float64{2.75, 2.875, 3}},
				{b.LandSink, []float64{2.5, 3.25, 2.25}}, {b.CementSink, []float64{0.25, 0.25, 0.25}},
				{b.Imbalance, []float64{0.25, 0, 0.25}},
			} {
				if !eqGtC(tt.s.GtCPerYear, tt.s.FirstYear, 2021, tt.want) {
					t.Errorf("budget %q: %d %v, want 2021 %v", tt.s.Variable, tt.s.FirstYear, tt.s.GtCPerYear, tt.want)
				}
			}

			l = fossilSheet(r.name, r.mtc)
			fc, err := ReadFossilCategories(strings.NewReader(l.csv()), l.file)
			if err != nil {
				t.Fatal(err)
			}
			if !eqGtC(fc.Total.GtCPerYear, fc.Total.FirstYear, 2022, []float64{10.0625, 10.125}) {
				t.Errorf("fossil total %d %v, want 2022 [10.0625 10.125] GtC/yr", fc.Total.FirstYear, fc.Total.GtCPerYear)
			}
			if gas := fc.Categories["Gas"]; gas == nil || !eqGtC(gas.GtCPerYear, gas.FirstYear, 2022, []float64{2.125, 2.125}) {
				t.Errorf("Gas = %+v, want 2022 [2.125 2.125] GtC/yr", gas)
			}
			if len(fc.Categories) != 6 || fc.Categories["Per.Capita"] != nil {
				t.Errorf("categories %v: want the six emission columns, not Per.Capita", keysOf(fc.Categories))
			}

			l = cementSheet(r.name, r.second, r.mtc)
			c, err := ReadCement(strings.NewReader(l.csv()), l.file)
			if err != nil {
				t.Fatal(err)
			}
			if !eqGtC(c.GtCPerYear, c.FirstYear, 2021, []float64{0.2, 0.21875, 0.25}) || c.Variable != "GCB" {
				t.Errorf("cement %q %d %v, want GCB 2021 [0.2 0.21875 0.25] GtC/yr", c.Variable, c.FirstYear, c.GtCPerYear)
			}
		})
	}
}

func keysOf(m map[string]*Series) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestReleaseRefusals: layouts a reader cannot take without guessing. Each
// error is a SourceError naming the file and the column; the sheets are
// annual, so no month.
func TestReleaseRefusals(t *testing.T) {
	budget25 := budgetSheet("2025_v1.0", 22)
	fossil24 := fossilSheet("2024_v1.0", true)
	cement23 := cementSheet("2023v1.1", "Huang", true)
	cement25 := cementSheet("2025_v1.0", "Huang", false)
	read := map[string]func(s, name string) error{
		"budget": func(s, name string) error { _, err := ReadBudget(strings.NewReader(s), name); return err },
		"fossil": func(s, name string) error { _, err := ReadFossilCategories(strings.NewReader(s), name); return err },
		"cement": func(s, name string) error { _, err := ReadCement(strings.NewReader(s), name); return err },
	}
	tests := []struct {
		name, sheet, file, csv string
		variable, wantMsg      string
	}{
		{"units line contradicts the notes", "budget", budget25.file, edit(budget25.csv(), "\nGtC/yr,", "\nMtC/yr,"),
			"fossil emissions excluding carbonation", "units are ambiguous: the notes say all values are GtC/yr but the line above the header says MtC/yr"},
		{"budget sheet stating MtC/yr", "budget", budget25.file, edit(edit(budget25.csv(), gtcNote, mtcNote), "\nGtC/yr,", "\nMtC/yr,"),
			"fossil emissions excluding carbonation", "states MtC/yr; the budget sheet is GtC/yr in every release"},
		// The 2025 "including carbonation" column under the name of E_FOS:
		// the imbalance no longer closes, by the cement sink.
		{"fossil column holding another term", "budget", budget25.file,
			edit(budget25.csv(), "2022,9.75,", "2022,10,"),
			"budget imbalance", "2022: budget imbalance 0 differs from emissions minus sinks 0.25"},
		{"two names for E_FOS", "budget", budget25.file, edit(budget25.csv(), "budget imbalance", "fossil fuel and industry"),
			"fossil emissions excluding carbonation", `columns "fossil emissions excluding carbonation" and "fossil fuel and industry" are alternative names of one term`},
		{"MtC/yr sheet with GtC/yr values", "cement", cement23.file, edit(edit(edit(cement23.csv(), "200,,187.5,212.5", "0.2,,0.1875,0.2125"), "218.75", "0.21875"), "\n2023,250", "\n2023,0.25"),
			"GCB", "units are ambiguous: the sheet states MtC/yr but its largest value 0.25 is outside 10..2000 MtC/yr"},
		{"GtC/yr sheet with MtC/yr values", "cement", cement25.file, edit(cement25.csv(), "\n2023,0.25", "\n2023,250"),
			"GCB", "the sheet states GtC/yr but its largest value 250 is above 2 GtC/yr"},
		{"categories not adding up", "fossil", fossil24.file, edit(fossil24.csv(), "3500", "3600"),
			"fossil.emissions.excluding.carbonation", "2023: categories add up to 10.225 GtC/yr, the total is 10.125"},
		{"a year after the footnotes", "budget", budget25.file, budget25.csv() + "2024,1,1,1,1,1,1,1\n",
			"", "year row after the text on line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := read[tt.sheet](tt.csv, tt.file)
			var se *ingest.SourceError
			if !errors.As(err, &se) || se.Path != tt.file || se.Variable != tt.variable || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %v, want a SourceError naming %s, variable %q and containing %q", err, tt.file, tt.variable, tt.wantMsg)
			}
		})
	}
}

// TestRealGCB2025Sheets reads the real 2025 budget and fossil sheets (the
// table-only CSVs of data/real/gcb, PROVENANCE.md): no stated units, so
// the magnitude decides; the imbalance and category sums close. Values
// read off the CSVs: E_FOS 1959 2.41678824533062, B_IM 2024
// -1.69186306041634, fossil total 1850 0.0537247802539048 GtC/yr.
func TestRealGCB2025Sheets(t *testing.T) {
	open := func(name string) *strings.Reader {
		b, err := os.ReadFile(realdata.Path(t, "gcb", name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.NewReader(string(b))
	}
	b, err := ReadBudget(open("gcb2025v1.0_global_carbon_budget.csv"), "gcb2025 budget")
	if err != nil {
		t.Fatal(err)
	}
	if b.Fossil.FirstYear != 1959 || b.Fossil.GtCPerYear[0] != 2.41678824533062 || b.Imbalance.LastYear() != 2024 ||
		b.Imbalance.GtCPerYear[2024-1959] != -1.69186306041634 {
		t.Errorf("E_FOS from %d: %v; B_IM to %d: %v", b.Fossil.FirstYear, b.Fossil.GtCPerYear[0], b.Imbalance.LastYear(), b.Imbalance.GtCPerYear[len(b.Imbalance.GtCPerYear)-1])
	}
	fc, err := ReadFossilCategories(open("gcb2025v1.0_fossil_emissions_by_category.csv"), "gcb2025 fossil")
	if err != nil {
		t.Fatal(err)
	}
	if fc.Total.FirstYear != 1850 || fc.Total.GtCPerYear[0] != 0.0537247802539048 || len(fc.Categories) != 6 {
		t.Errorf("fossil total from %d: %v, %d categories; want 1850, 0.0537247802539048, 6", fc.Total.FirstYear, fc.Total.GtCPerYear[0], len(fc.Categories))
	}
}
