package grid

import (
	"fmt"
	"time"
)

// Month is a calendar month in UTC, the unit of work of the pipeline.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf returns the month containing t (in UTC).
func MonthOf(t time.Time) Month {
	t = t.UTC()
	return Month{t.Year(), t.Month()}
}

// ParseMonth parses "YYYY-MM".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Month{}, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	return Month{t.Year(), t.Month()}, nil
}

// String formats the month as "YYYY-MM".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Start is 00:00 UTC on the first day of the month.
func (m Month) Start() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC) }

// End is 00:00 UTC on the first day of the next month.
func (m Month) End() time.Time { return m.Add(1).Start() }

// Add returns the month n months later (earlier for negative n).
func (m Month) Add(n int) Month {
	k := m.Year*12 + int(m.Month) - 1 + n
	y, mo := k/12, k%12
	if mo < 0 { // floor division for years before 0, which no data has
		y, mo = y-1, mo+12
	}
	return Month{y, time.Month(mo + 1)}
}

// Sub returns the number of months from o to m.
func (m Month) Sub(o Month) int {
	return (m.Year-o.Year)*12 + int(m.Month) - int(o.Month)
}

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool { return m.Sub(o) < 0 }

// Days is the number of days in the month (true Gregorian length).
func (m Month) Days() int { return int(m.End().Sub(m.Start()).Hours() / 24) }

// YearShare is the month's share of its year by days (31/365, 29/366, …):
// how an annual total is spread over its months.
func (m Month) YearShare() float64 {
	yearDays := int(Month{Year: m.Year + 1, Month: 1}.Start().Sub(Month{Year: m.Year, Month: 1}.Start()).Hours() / 24)
	return float64(m.Days()) / float64(yearDays)
}

// Seconds is the length of the month in seconds.
func (m Month) Seconds() float64 { return m.End().Sub(m.Start()).Seconds() }

// Range lists the months from a to b inclusive.
func Range(a, b Month) []Month {
	var out []Month
	for m := a; !b.Before(m); m = m.Add(1) {
		out = append(out, m)
	}
	return out
}
