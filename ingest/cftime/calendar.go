package cftime

import (
	"fmt"
	"strings"
	"time"
)

// Calendar is a CF calendar (CF conventions 1.11, section 4.4.1).
type Calendar int

// The calendars this package understands.
const (
	// Standard is the mixed Julian/Gregorian calendar ("standard",
	// "gregorian"): Julian up to 1582-10-04, Gregorian from 1582-10-15.
	// After 1582 it equals ProlepticGregorian, which is all this pipeline
	// ever meets; the switch is implemented anyway so that an epoch such
	// as "days since 1500-01-01" is not silently off by ten days.
	Standard Calendar = iota
	ProlepticGregorian
	Julian
	NoLeap  // "noleap", "365_day"
	AllLeap // "all_leap", "366_day"
	Day360  // "360_day": twelve 30-day months
)

var calendarNames = map[string]Calendar{
	"":                    Standard, // CF: the default calendar is standard
	"standard":            Standard,
	"gregorian":           Standard,
	"proleptic_gregorian": ProlepticGregorian,
	"julian":              Julian,
	"noleap":              NoLeap,
	"no_leap":             NoLeap,
	"365_day":             NoLeap,
	"all_leap":            AllLeap,
	"366_day":             AllLeap,
	"360_day":             Day360,
	"360":                 Day360, // IRIDL spelling
}

// ParseCalendar reads a CF calendar attribute (case-insensitive; an empty
// attribute means standard).
func ParseCalendar(s string) (Calendar, error) {
	c, ok := calendarNames[strings.ToLower(strings.TrimSpace(s))]
	if !ok {
		return 0, fmt.Errorf("calendar %q not supported (want standard, gregorian, proleptic_gregorian, julian, noleap, 365_day, all_leap, 366_day or 360_day)", s)
	}
	return c, nil
}

func (c Calendar) String() string {
	switch c {
	case Standard:
		return "standard"
	case ProlepticGregorian:
		return "proleptic_gregorian"
	case Julian:
		return "julian"
	case NoLeap:
		return "noleap"
	case AllLeap:
		return "all_leap"
	case Day360:
		return "360_day"
	}
	return fmt.Sprintf("Calendar(%d)", int(c))
}

// real reports whether the calendar counts real days, so that its dates
// are instants that time.Time can hold.
func (c Calendar) real() bool { return c == Standard || c == ProlepticGregorian || c == Julian }

// cumDays[m-1] is the number of days before month m in a 365-day year.
var cumDays = [13]int64{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365}

func gregorianLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// MonthDays returns the length of month m of year y in calendar c.
func (c Calendar) MonthDays(y int, m time.Month) int {
	if m < 1 || m > 12 {
		return 0
	}
	n := int(cumDays[m] - cumDays[m-1])
	switch c {
	case Day360:
		return 30
	case NoLeap:
		return n
	case AllLeap:
		if m == 2 {
			return 29
		}
		return n
	case Julian:
		if m == 2 && floorMod(int64(y), 4) == 0 {
			return 29
		}
		return n
	case Standard:
		if y < 1582 || (y == 1582 && m < 10) {
			return Julian.MonthDays(y, m)
		}
		if y == 1582 && m == 10 {
			return 21 // 1582-10-05 .. 14 never happened
		}
	}
	if m == 2 && gregorianLeap(int64(y)) {
		return 29
	}
	return n
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// gregorianDay is the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar (astronomical years: year 0 exists).
// Algorithm: H. Hinnant, "chrono-Compatible Low-Level Date Algorithms".
func gregorianDay(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func gregorianDate(n int64) (y, m, d int64) {
	n += 719468
	era := floorDiv(n, 146097)
	doe := n - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

// julianDay is gregorianDay for the Julian calendar, on the same day count
// (Julian 1582-10-05 and Gregorian 1582-10-15 are the same day).
func julianDay(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 4)
	yoe := y - era*4
	doy := (153*((m+9)%12)+2)/5 + d - 1
	return era*1461 + yoe*365 + doy - 719470
}

func julianDate(n int64) (y, m, d int64) {
	n += 719470
	era := floorDiv(n, 1461)
	doe := n - era*1461
	yoe := min(doe/365, 3)
	doy := doe - 365*yoe
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*4
	if m <= 2 {
		y++
	}
	return y, m, d
}

// gregorianStart is the day count of 1582-10-15, the first Gregorian day
// of the standard calendar.
var gregorianStart = gregorianDay(1582, 10, 15)

// day returns the day count of y-m-d in calendar c. For the real calendars
// the count is days since 1970-01-01 (proleptic Gregorian), so that it maps
// onto Unix time; for the model calendars it is days since their year 0.
func (c Calendar) day(y, m, d int64) int64 {
	switch c {
	case NoLeap:
		return y*365 + cumDays[m-1] + d - 1
	case AllLeap:
		leapShift := int64(0)
		if m > 2 {
			leapShift = 1
		}
		return y*366 + cumDays[m-1] + leapShift + d - 1
	case Day360:
		return y*360 + (m-1)*30 + d - 1
	case Julian:
		return julianDay(y, m, d)
	case Standard:
		if y < 1582 || (y == 1582 && (m < 10 || (m == 10 && d < 15))) {
			return julianDay(y, m, d)
		}
	}
	return gregorianDay(y, m, d)
}

// date inverts day.
func (c Calendar) date(n int64) (y, m, d int64) {
	switch c {
	case NoLeap:
		y, doy := floorDiv(n, 365), floorMod(n, 365)
		m = 1
		for cumDays[m] <= doy {
			m++
		}
		return y, m, doy - cumDays[m-1] + 1
	case AllLeap:
		y, doy := floorDiv(n, 366), floorMod(n, 366)
		if doy < 31 {
			return y, 1, doy + 1
		}
		if doy < 60 {
			return y, 2, doy - 30
		}
		doy--
		m = 3
		for cumDays[m] <= doy {
			m++
		}
		return y, m, doy - cumDays[m-1] + 1
	case Day360:
		y, doy := floorDiv(n, 360), floorMod(n, 360)
		return y, doy/30 + 1, doy%30 + 1
	case Julian:
		return julianDate(n)
	case Standard:
		if n < gregorianStart {
			return julianDate(n)
		}
	}
	return gregorianDate(n)
}
