package cftime

import (
	"math"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func TestDate(t *testing.T) {
	tests := []struct {
		units, calendar string
		v               float64
		want            string
	}{
		// ERA5 legacy netCDF3: 2020-01-01 is 43829 days = 1051896 h after 1900-01-01.
		{"hours since 1900-01-01 00:00:00.0", "gregorian", 1051896, "2020-01-01 00:00:00"},
		{"hours since 1900-01-01 00:00:00.0", "gregorian", 1051896.5, "2020-01-01 00:30:00"},
		// ERA5 new CDS: valid_time of the first hour of March 2019 (GRIB_VALID_TIME of the real sample).
		{"seconds since 1970-01-01", "proleptic_gregorian", 1551398400, "2019-03-01 00:00:00"},
		{"seconds since 1970-01-01T00:00:00Z", "", -1, "1969-12-31 23:59:59"},
		{"days since 1800-1-1 00:00:0.0", "standard", 0.25, "1800-01-01 06:00:00"},
		{"days since 1700-01-01", "proleptic_gregorian", 366, "1701-01-02 00:00:00"}, // 1700 is not a Gregorian leap year...
		{"days since 1700-01-01", "julian", 366, "1701-01-01 00:00:00"},              // ...but is a Julian one
		{"minutes since 2000-01-01 12:00", "standard", 720, "2000-01-02 00:00:00"},
		{"hours since 2000-01-01 00:00:00 -06:00", "standard", 0, "2000-01-01 06:00:00"},
		{"hours since 2000-01-01T00:00:00+0130", "standard", 0, "1999-12-31 22:30:00"},
		{"days since 2000-01-01", "noleap", 59, "2000-03-01 00:00:00"},
		{"days since 2000-01-01", "365_day", 365, "2001-01-01 00:00:00"},
		{"days since 2001-01-01", "all_leap", 59, "2001-02-29 00:00:00"},
		{"days since 2001-01-01", "366_day", 366, "2002-01-01 00:00:00"},
		{"days since 2000-01-01", "360_day", 59, "2000-02-30 00:00:00"},
		{"days since 2000-01-01", "360_day", -1, "1999-12-30 00:00:00"},
		{"months since 1960-01-01", "360_day", 1.5, "1960-02-16 00:00:00"},
		{"years since 1960-01-01", "360", 2, "1962-01-01 00:00:00"},
		// The 1582 switch: the day after Julian 4 October is Gregorian 15 October.
		{"days since 1582-10-04", "standard", 1, "1582-10-15 00:00:00"},
		{"days since 1582-10-04", "proleptic_gregorian", 1, "1582-10-05 00:00:00"},
		{"days since 1582-10-15", "standard", -1, "1582-10-04 00:00:00"},
		{"days since 1500-03-01", "gregorian", -1, "1500-02-29 00:00:00"}, // Julian leap year
		{"s since 1970-01-01", "standard", 0.000001, "1970-01-01 00:00:00.000001"},
	}
	for _, tt := range tests {
		a, err := Parse(tt.units, tt.calendar)
		if err != nil {
			t.Errorf("Parse(%q, %q): %v", tt.units, tt.calendar, err)
			continue
		}
		d, err := a.Date(tt.v)
		if err != nil {
			t.Errorf("%q %q: Date(%v): %v", tt.units, tt.calendar, tt.v, err)
			continue
		}
		if d.String() != tt.want {
			t.Errorf("%q %q: Date(%v) = %s, want %s", tt.units, tt.calendar, tt.v, d, tt.want)
		}
		back, err := a.Value(d)
		if err != nil || math.Abs(back-tt.v) > 1e-9*math.Max(1, math.Abs(tt.v)) {
			t.Errorf("%q %q: Value(%s) = %v, %v; want %v", tt.units, tt.calendar, d, back, err, tt.v)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ units, calendar string }{
		{"months since 2000-01-01", "standard"}, // no fixed length outside 360_day
		{"years since 2000-01-01", "noleap"},
		{"furlongs since 2000-01-01", "standard"},
		{"days after 2000-01-01", "standard"},
		{"days", "standard"},
		{"days since 2000-01-01", "none"},
		{"days since 2000-01-01", "lunar"},
		{"days since 2001-02-29", "standard"},
		{"days since 2000-02-29", "noleap"},
		{"days since 2000-02-31", "360_day"},
		{"days since 1582-10-10", "standard"}, // in the Julian-Gregorian gap
		{"days since 2000-13-01", "standard"},
		{"days since 2000-01-01 25:00:00", "standard"},
		{"days since 2000-01-01 00:00:00 +99:00", "standard"},
		{"days since 2000/01/01", "standard"},
		{"days since 2000-01-01 00:00:xx", "standard"},
		{"days since ", "standard"},
	}
	for _, tt := range tests {
		if a, err := Parse(tt.units, tt.calendar); err == nil {
			t.Errorf("Parse(%q, %q) = %+v, want an error", tt.units, tt.calendar, a)
		}
	}
}

// TestProlepticMatchesTime checks day arithmetic against the standard
// library, which uses the proleptic Gregorian calendar, over 300 years.
func TestProlepticMatchesTime(t *testing.T) {
	a, err := Parse("days since 1800-01-01", "proleptic_gregorian")
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)
	for v := -40000.0; v < 110000; v += 17.25 {
		got, err := a.Time(v)
		if err != nil {
			t.Fatal(err)
		}
		whole := math.Floor(v)
		want := base.AddDate(0, 0, int(whole)).Add(time.Duration((v - whole) * 24 * float64(time.Hour)))
		if !got.Equal(want) {
			t.Fatalf("Time(%v) = %v, want %v", v, got, want)
		}
	}
}

// TestJulianInstant: Julian 1970-01-01 is Gregorian 1970-01-14.
func TestJulianInstant(t *testing.T) {
	a, err := Parse("days since 1970-01-01", "julian")
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Time(0)
	if want := time.Date(1970, 1, 14, 0, 0, 0, 0, time.UTC); err != nil || !got.Equal(want) {
		t.Errorf("Time(0) = %v, %v; want %v", got, err, want)
	}
	// A standard-calendar date before 1582 is Julian, and its instant is
	// ten days later than the same label in the proleptic calendar.
	std, _ := Parse("days since 1500-01-01", "standard")
	pro, _ := Parse("days since 1500-01-01", "proleptic_gregorian")
	ts, _ := std.Time(0)
	tp, _ := pro.Time(0)
	// The calendars differ by 9 days until Julian 29 February 1500, a day
	// the Gregorian calendar lacks, and by 10 days from then to 1582.
	if d := ts.Sub(tp); d != 9*24*time.Hour {
		t.Errorf("standard - proleptic at 1500-01-01 = %v, want 216h", d)
	}
}

func TestModelCalendarTime(t *testing.T) {
	a, _ := Parse("days since 2000-01-01", "360_day")
	if _, err := a.Time(59); err == nil { // 2000-02-30
		t.Error("Time of 360_day 30 February gave no error")
	}
	got, err := a.Time(60) // 2000-03-01
	if want := time.Date(2000, 3, 1, 0, 0, 0, 0, time.UTC); err != nil || !got.Equal(want) {
		t.Errorf("Time(60) = %v, %v; want %v", got, err, want)
	}
}

func TestMonth(t *testing.T) {
	a, _ := Parse("days since 1800-01-01", "standard")
	// 2015-12-01 is 78861 days after 1800-01-01: 200 years with 48 leap
	// days (1800 and 1900 are not leap years) = 73048, then 15 years with 4
	// leap days = 5479, then January-November 2015 = 334.
	for _, tt := range []struct {
		v    float64
		want grid.Month
	}{{78861, grid.Month{Year: 2015, Month: 12}}, {78860.99, grid.Month{Year: 2015, Month: 11}}} {
		m, err := a.Month(tt.v)
		if err != nil || m != tt.want {
			t.Errorf("Month(%v) = %v, %v; want %v", tt.v, m, err, tt.want)
		}
	}
	start, err := a.MonthStart(grid.Month{Year: 2015, Month: 12})
	if err != nil || start != 78861 {
		t.Errorf("MonthStart(2015-12) = %v, %v; want 78861", start, err)
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), 1e300} {
		if _, err := a.Month(v); err == nil {
			t.Errorf("Month(%v) gave no error", v)
		}
	}
}

func TestMonthDays(t *testing.T) {
	tests := []struct {
		c    Calendar
		y    int
		m    time.Month
		want int
	}{
		{Standard, 1900, 2, 28}, {Standard, 2000, 2, 29}, {Standard, 1500, 2, 29}, {ProlepticGregorian, 1500, 2, 28},
		{Julian, 1900, 2, 29}, {NoLeap, 2000, 2, 28}, {AllLeap, 2001, 2, 29}, {Day360, 2001, 1, 30}, {Day360, 2001, 2, 30},
	}
	for _, tt := range tests {
		if got := tt.c.MonthDays(tt.y, tt.m); got != tt.want {
			t.Errorf("%v.MonthDays(%d, %d) = %d, want %d", tt.c, tt.y, tt.m, got, tt.want)
		}
	}
}

// TestDayRoundTrip walks each calendar day by day across 800 years and
// checks that day and date invert each other and dates stay valid.
func TestDayRoundTrip(t *testing.T) {
	for _, c := range []Calendar{Standard, ProlepticGregorian, Julian, NoLeap, AllLeap, Day360} {
		start := c.day(1500, 1, 1)
		prev := Date{Year: 1499, Month: 12, Day: 31}
		for n := start; n < start+800*366; n++ {
			y, m, d := c.date(n)
			got := Date{Year: int(y), Month: time.Month(m), Day: int(d)}
			if err := got.validIn(c); err != nil {
				t.Fatalf("%v: day %d -> %s: %v", c, n, got, err)
			}
			if back := c.day(y, m, d); back != n {
				t.Fatalf("%v: day %d -> %s -> %d", c, n, got, back)
			}
			if !after(got, prev) {
				t.Fatalf("%v: day %d -> %s, not after %s", c, n, got, prev)
			}
			prev = got
		}
	}
}

func after(a, b Date) bool {
	if a.Year != b.Year {
		return a.Year > b.Year
	}
	if a.Month != b.Month {
		return a.Month > b.Month
	}
	return a.Day > b.Day
}

// TestMonthCount decodes TRENDY's "months since" axes in noleap calendars
// by calendar months, where Parse refuses them.
func TestMonthCount(t *testing.T) {
	tests := []struct {
		units, calendar string
		v               float64
		want            grid.Month
	}{
		// (2015-1700)·12 + 1 = 3781 months after January 1700: February 2015.
		{"months since 1700-01-16", "noleap", 3781, grid.Month{Year: 2015, Month: 2}},
		{"months since 1700-01-01", "365_day", 3781.5, grid.Month{Year: 2015, Month: 2}},
		{"months since 1700-01-01", "noleap", 3780.9999, grid.Month{Year: 2015, Month: 2}}, // float32 rounding of 3781
		{"months since 1700-01-01", "noleap", 3780.5, grid.Month{Year: 2015, Month: 1}},
		{"months since 1850-1-1 00:00:00", "standard", 0, grid.Month{Year: 1850, Month: 1}},
		{"months since 1850-01-01", "gregorian", -1, grid.Month{Year: 1849, Month: 12}},
		{"months since 1850-01-01", "gregorian", -12.5, grid.Month{Year: 1848, Month: 12}},
	}
	for _, tt := range tests {
		if _, err := Parse(tt.units, tt.calendar); err == nil {
			t.Errorf("Parse(%q, %q) accepted UDUNITS months outside 360_day", tt.units, tt.calendar)
		}
		a, err := ParseMonthCount(tt.units, tt.calendar)
		if err != nil {
			t.Fatalf("ParseMonthCount(%q, %q): %v", tt.units, tt.calendar, err)
		}
		if got, err := a.Month(tt.v); err != nil || got != tt.want {
			t.Errorf("%q %s: Month(%v) = %v, %v; want %v", tt.units, tt.calendar, tt.v, got, err, tt.want)
		}
	}
	for _, bad := range [][2]string{{"days since 1700-01-01", "noleap"}, {"months since 1700-02-29", "noleap"}, {"months since 1700-01-01", "lunar"}} {
		if _, err := ParseMonthCount(bad[0], bad[1]); err == nil {
			t.Errorf("ParseMonthCount(%q, %q) gave no error", bad[0], bad[1])
		}
	}
}
