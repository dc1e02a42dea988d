package gcb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		tb, err := Read(strings.NewReader(s), "fuzz.csv")
		if err != nil {
			return
		}
		for _, c := range tb.Columns {
			if len(tb.Values[c]) != len(tb.Years) {
				t.Fatalf("column %q has %d values for %d years", c, len(tb.Values[c]), len(tb.Years))
			}
		}
	})
}
