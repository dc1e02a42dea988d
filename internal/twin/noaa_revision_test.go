package twin

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest/noaa"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestReviseNOAA checks that a revision changes exactly the File Creation
// line and the last month (by the revision's amount, as NOAA's reader sees
// it), that revising a revised file is refused, and that writing the
// revision directly gives the same bytes.
func TestReviseNOAA(t *testing.T) {
	opt := Options{Seed: 1, FromYear: 2021, ToYear: 2022, ResDeg: 2}
	rec := &noaaRecord{}
	for i, m := range opt.Months() {
		rec.months = append(rec.months, m)
		rec.average = append(rec.average, 415+0.2*float64(i))
		rec.trend = append(rec.trend, 415.1+0.2*float64(i))
	}
	dir := t.TempDir()
	if err := rec.writeMonthly(dir, opt); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "noaa", "co2_mm_gl.txt")
	before := readLines(t, path)
	v0, err := noaa.ReadMonthlyFile(path)
	if err != nil {
		t.Fatal(err)
	}

	rev := opt
	rev.NOAARevision = 2
	if err := ReviseNOAA(dir, rev); err != nil {
		t.Fatal(err)
	}
	after := readLines(t, path)
	if len(after) != len(before) {
		t.Fatalf("revision has %d lines, first issue %d", len(after), len(before))
	}
	var changed []string
	for i := range before {
		if before[i] != after[i] {
			changed = append(changed, after[i])
		}
	}
	if len(changed) != 2 || !strings.HasPrefix(changed[0], "# File Creation:") || !strings.HasPrefix(changed[1], "  2022      12") {
		t.Fatalf("changed lines %q, want the File Creation line and December 2022's", changed)
	}
	v2, err := noaa.ReadMonthlyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Vintage == v0.Vintage {
		t.Errorf("vintage %q unchanged by the revision", v2.Vintage)
	}
	last := grid.Month{Year: 2022, Month: time.December}
	r0, _ := v0.At(last)
	r2, _ := v2.At(last)
	if d := r2.AveragePPM - r0.AveragePPM; math.Abs(d-2*noaaRevisionPPM) > 0.006 {
		t.Errorf("last month moved by %.3f ppm, want %.2f", d, 2*noaaRevisionPPM)
	}

	if err := ReviseNOAA(dir, rev); err == nil {
		t.Error("revising a revised record was accepted")
	}

	direct := t.TempDir()
	if err := rec.revised(2).writeMonthly(direct, rev); err != nil {
		t.Fatal(err)
	}
	if got := readLines(t, filepath.Join(direct, "noaa", "co2_mm_gl.txt")); strings.Join(got, "\n") != strings.Join(after, "\n") {
		t.Error("ReviseNOAA differs from writing the revision directly")
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(b), "\n")
}
