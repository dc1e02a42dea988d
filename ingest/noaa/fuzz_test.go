package noaa

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest"
)

// FuzzRead feeds arbitrary text to both readers (seeded with every layout
// under testdata, monthly and annual): neither may panic, an error must be
// a SourceError, and a success must hold only rows the package promises
// (increasing months/years, plausible or NaN values).
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
		a, err := ReadAnnual(strings.NewReader(s), "fuzz.txt")
		checkErr(t, err)
		if err == nil {
			checkAnnual(t, a)
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

func checkAnnual(t *testing.T, a *Annual) {
	t.Helper()
	if len(a.Rows) == 0 || (a.Kind != Growth && a.Kind != Mean) {
		t.Fatalf("success with %d rows of kind %q", len(a.Rows), a.Kind)
	}
	for i, r := range a.Rows {
		if i > 0 && a.Rows[i-1].Year >= r.Year {
			t.Fatalf("years not increasing: %d then %d", a.Rows[i-1].Year, r.Year)
		}
		// !(x >= 0) is true for NaN too: the other kind's fields must be NaN.
		growth, mean := r.GrowthPPMPerYear, r.MeanPPM
		if a.Kind == Growth && (math.Abs(growth) > maxAbsGrowth || !math.IsNaN(mean) || !math.IsNaN(r.MeanUncPPM)) ||
			a.Kind == Mean && (mean < minPPM || mean > maxPPM || !math.IsNaN(growth) || !math.IsNaN(r.GrowthUncPPMPerYear)) ||
			r.GrowthUncPPMPerYear < 0 || r.MeanUncPPM < 0 || (!a.HasUnc && !math.IsNaN(r.GrowthUncPPMPerYear+r.MeanUncPPM)) {
			t.Fatalf("implausible %s row %+v", a.Kind, r)
		}
	}
}
