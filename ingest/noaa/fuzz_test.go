package noaa

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest"
)

// FuzzRead feeds arbitrary text to all three readers: none may panic, an
// error must be a SourceError, and a success must hold only rows the
// package promises (increasing months/years, plausible or NaN values).
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, p := range files {
		if st, err := os.Stat(p); err != nil || st.IsDir() || strings.HasSuffix(p, ".json") {
			continue // golden files are outputs; testdata/fuzz holds the fuzzer's own corpus
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ReadMonthly(strings.NewReader(s), "fuzz.txt")
		checkErr(t, err)
		if err == nil {
			checkMonthly(t, m)
		}
	})
}

func checkErr(t *testing.T, err error) {
	t.Helper()
	var se *ingest.SourceError
	if err != nil && !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not an ingest.SourceError", err, err)
	}
}

func checkMonthly(t *testing.T, m *Monthly) {
	t.Helper()
	if len(m.Rows) == 0 {
		t.Fatal("success with no rows")
	}
	for i, r := range m.Rows {
		if i > 0 && !m.Rows[i-1].Month.Before(r.Month) {
			t.Fatalf("months not increasing: %s then %s", m.Rows[i-1].Month, r.Month)
		}
		if r.AveragePPM < minPPM || r.AveragePPM > maxPPM || r.Days < -1 || r.Days > 31 || r.AverageUncPPM < 0 {
			t.Fatalf("implausible row %+v", r)
		}
	}
}
