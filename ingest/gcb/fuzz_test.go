package gcb

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRead feeds every GCB layout in testdata (the generic tables and the
// land-use and cement sheets of each release) to the table reader and the
// two sheet readers: no panic, tables whose columns match their years, and
// series of finite values in GtC per year (the sheets' MtC converted).
func FuzzRead(f *testing.F) {
	for _, pattern := range []string{"*.csv", "cement/*.csv", "eluc/*.csv"} {
		files, _ := filepath.Glob(filepath.Join("testdata", pattern))
		for _, p := range files {
			b, _ := os.ReadFile(p)
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		if tb, err := Read(strings.NewReader(s), "fuzz.csv"); err == nil {
			for _, c := range tb.Columns {
				if len(tb.Values[c]) != len(tb.Years) {
					t.Fatalf("column %q has %d values for %d years", c, len(tb.Values[c]), len(tb.Years))
				}
			}
		}
		for name, read := range map[string]func(r *strings.Reader) (*Series, error){
			"eluc":   func(r *strings.Reader) (*Series, error) { return ReadELUC(r, "fuzz.csv") },
			"cement": func(r *strings.Reader) (*Series, error) { return ReadCement(r, "fuzz.csv") },
		} {
			sr, err := read(strings.NewReader(s))
			if err != nil {
				continue
			}
			for i, v := range sr.GtCPerYear {
				if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 100 {
					t.Fatalf("%s: year %d: %v GtC/yr accepted", name, sr.FirstYear+i, v)
				}
			}
		}
	})
}
