package cftime

import (
	"math"
	"testing"
)

// FuzzParse feeds arbitrary units, calendars and values. Parse and Date
// must never panic; a decoded date must exist in its calendar and encode
// back to the value it came from.
func FuzzParse(f *testing.F) {
	seeds := []struct {
		units, cal string
		v          float64
	}{
		{"hours since 1900-01-01 00:00:00.0", "gregorian", 1051896},
		{"days since 1800-01-01", "proleptic_gregorian", 78861},
		{"seconds since 1970-01-01", "proleptic_gregorian", 1.5513984e9},
		{"days since 1700-01-01", "noleap", -1},
		{"months since 1960-01-01", "360_day", 1.5},
		{"days since 1582-10-04", "standard", 1},
		{"hours since 2000-01-01T00:00:00-06:00", "all_leap", 1e7},
		{"days since -4713-01-01 12:00", "julian", 2.4e6},
	}
	for _, s := range seeds {
		f.Add(s.units, s.cal, s.v)
	}
	f.Fuzz(func(t *testing.T, units, cal string, v float64) {
		a, err := Parse(units, cal)
		if err != nil {
			return
		}
		d, err := a.Date(v)
		if err != nil {
			return
		}
		if err := d.validIn(a.Calendar); err != nil {
			t.Fatalf("Parse(%q, %q).Date(%v) = %s, invalid: %v", units, cal, v, d, err)
		}
		if _, err := a.Month(v); err != nil {
			t.Fatalf("Month(%v) failed after Date succeeded: %v", v, err)
		}
		_, _ = a.Time(v)
		back, err := a.Value(d)
		if err != nil {
			t.Fatalf("Value(%s): %v", d, err)
		}
		// Date rounds to the microsecond; float64 seconds carry ~16 digits.
		tolSeconds := 2e-6 + 1e-14*(math.Abs(v*a.unitSeconds)+math.Abs(a.epochSecond))
		if diff := math.Abs(back-v) * a.unitSeconds; diff > tolSeconds {
			t.Fatalf("%q %q: %v -> %s -> %v (off by %g s)", units, cal, v, d, back, diff)
		}
	})
}
