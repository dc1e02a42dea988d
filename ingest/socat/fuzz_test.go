package socat

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest"
)

// FuzzRead (seeds: testdata and the generated v2022–v2025 layouts of
// layout_test.go): no input may panic; an error is a SourceError; a success
// accounts for every row (kept + dropped = read), keeps only observations
// inside the documented ranges and flags, and survives Write → Read.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.tsv"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, s := range allLayouts() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		res, err := Read(strings.NewReader(s), "fuzz.tsv", Options{})
		if err != nil {
			var se *ingest.SourceError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T) is not an ingest.SourceError", err, err)
			}
			return
		}
		kept := len(res.Obs)
		for _, n := range res.Dropped {
			kept += n
		}
		if kept != res.Rows || len(res.Obs) == 0 {
			t.Fatalf("rows %d, kept %d + dropped %v", res.Rows, len(res.Obs), res.Dropped)
		}
		for _, o := range res.Obs {
			if o.Expocode == "" || !strings.Contains("ABCD", o.QC) || len(o.QC) != 1 || o.FCO2Flag != 2 ||
				!(math.Abs(o.LatDeg) <= 90) || !(o.LonDeg >= -180 && o.LonDeg < 180) || !(o.FCO2RecUatm >= 0) {
				t.Fatalf("observation outside the promises: %+v", o)
			}
		}
		var buf bytes.Buffer
		if err := Write(&buf, res.Obs); err != nil {
			t.Fatal(err)
		}
		back, err := Read(&buf, "fuzz-roundtrip.tsv", Options{})
		if err != nil || len(back.Obs) != len(res.Obs) {
			t.Fatalf("round trip of %d obs: %v (%d back)", len(res.Obs), err, len(back.rowsOrNil()))
		}
	})
}

func (r *Result) rowsOrNil() []Obs {
	if r == nil {
		return nil
	}
	return r.Obs
}
