package gcb

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRead feeds every GCB layout in testdata (the generic tables and the
// land-use and cement sheets) and the synthetic whole-sheet exports of the
// 2022–2025 releases (layout_test.go) to the table reader and the sheet
// readers: no panic, tables whose columns match their years, and series of
// finite values in GtC per year (the sheets' MtC converted).
func FuzzRead(f *testing.F) {
	for _, pattern := range []string{"*.csv", "cement/*.csv", "eluc/*.csv"} {
		files, _ := filepath.Glob(filepath.Join("testdata", pattern))
		for _, p := range files {
			b, _ := os.ReadFile(p)
			f.Add(string(b))
		}
	}
	for _, s := range allLayouts() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if tb, err := Read(strings.NewReader(s), "fuzz.csv"); err == nil {
			for _, c := range tb.Columns {
				if len(tb.Values[c]) != len(tb.Years) {
					t.Fatalf("column %q has %d values for %d years", c, len(tb.Values[c]), len(tb.Years))
				}
			}
		}
		for name, read := range map[string]func(r *strings.Reader) ([]*Series, error){
			"eluc": func(r *strings.Reader) ([]*Series, error) {
				s, err := ReadELUC(r, "fuzz.csv")
				return []*Series{s}, err
			},
			"cement": func(r *strings.Reader) ([]*Series, error) {
				s, err := ReadCement(r, "fuzz.csv")
				return []*Series{s}, err
			},
			"budget": func(r *strings.Reader) ([]*Series, error) {
				b, err := ReadBudget(r, "fuzz.csv")
				if err != nil {
					return nil, err
				}
				return []*Series{b.Fossil, b.LandUseChange, b.AtmosphericGrowth, b.OceanSink, b.LandSink, b.Imbalance}, nil
			},
			"fossil": func(r *strings.Reader) ([]*Series, error) {
				fc, err := ReadFossilCategories(r, "fuzz.csv")
				if err != nil {
					return nil, err
				}
				return []*Series{fc.Total}, nil
			},
		} {
			all, err := read(strings.NewReader(s))
			if err != nil {
				continue
			}
			for _, sr := range all {
				for i, v := range sr.GtCPerYear {
					if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 100 {
						t.Fatalf("%s %q: year %d: %v GtC/yr accepted", name, sr.Variable, sr.FirstYear+i, v)
					}
				}
			}
		}
	})
}
