// Package cftime decodes CF time coordinates ("hours since 1900-01-01
// 00:00:00.0" with a calendar attribute) into calendar dates and months.
//
// Supported calendars are standard/gregorian (mixed Julian/Gregorian with
// the switch at 1582-10-15), proleptic_gregorian, julian, noleap/365_day,
// all_leap/366_day and 360_day. Units are seconds, minutes, hours and days
// (with their UDUNITS abbreviations). "months since" and "years since" are
// accepted only for the 360_day calendar, where a month is exactly 30 days;
// elsewhere UDUNITS defines a month as 1/12 of a tropical year (30.436851
// days), which almost never is what a file means, so they are rejected.
//
// Years are astronomical (year 0 exists) in every calendar; no input of
// this pipeline reaches back that far.
package cftime

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

const secondsPerDay = 86400

// maxDays bounds decoded offsets to about ±2.7 million years, far beyond
// any real axis, so that day arithmetic cannot overflow int64.
const maxDays = 1e9

// Axis decodes the values of one CF time coordinate.
type Axis struct {
	Units    string
	Calendar Calendar
	Epoch    Date // the reference date, in UTC

	unitSeconds float64
	epochDay    int64
	epochSecond float64 // seconds into epochDay
}

var unitSeconds = map[string]float64{
	"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
	"min": 60, "mins": 60, "minute": 60, "minutes": 60,
	"h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
	"d": secondsPerDay, "day": secondsPerDay, "days": secondsPerDay,
}

// Parse reads a CF time units string and calendar attribute.
func Parse(units, calendar string) (Axis, error) {
	cal, err := ParseCalendar(calendar)
	if err != nil {
		return Axis{}, err
	}
	unit, ref, ok := strings.Cut(strings.TrimSpace(units), " since ")
	if !ok {
		return Axis{}, fmt.Errorf("time units %q: want \"<unit> since <date>\"", units)
	}
	unit = strings.ToLower(strings.TrimSpace(unit))
	a := Axis{Units: units, Calendar: cal, unitSeconds: unitSeconds[unit]}
	if a.unitSeconds == 0 {
		if a.unitSeconds, err = calendarUnit(unit, cal); err != nil {
			return Axis{}, fmt.Errorf("time units %q: %w", units, err)
		}
	}
	epoch, tzSeconds, err := parseReference(ref)
	if err != nil {
		return Axis{}, fmt.Errorf("time units %q: %w", units, err)
	}
	if err := epoch.validIn(cal); err != nil {
		return Axis{}, fmt.Errorf("time units %q: %w", units, err)
	}
	// Shift a zoned reference to UTC: 00:00 at -06:00 is 06:00 UTC.
	a.epochDay = cal.day(int64(epoch.Year), int64(epoch.Month), int64(epoch.Day))
	a.epochSecond = epoch.secondOfDay() - float64(tzSeconds)
	a.Epoch, err = a.date(0)
	if err != nil {
		return Axis{}, fmt.Errorf("time units %q: %w", units, err)
	}
	return a, nil
}

// calendarUnit handles "months" and "years", which have a fixed length only
// in the 360_day calendar.
func calendarUnit(unit string, cal Calendar) (float64, error) {
	var days float64
	switch unit {
	case "month", "months", "mon":
		days = 30
	case "year", "years", "yr", "yrs":
		days = 360
	default:
		return 0, fmt.Errorf("unit %q not understood (want seconds, minutes, hours or days)", unit)
	}
	if cal != Day360 {
		return 0, fmt.Errorf("%q has no fixed length in calendar %s (only in 360_day)", unit, cal)
	}
	return days * secondsPerDay, nil
}

// Date returns the calendar date of axis value v, rounded to the microsecond.
func (a Axis) Date(v float64) (Date, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Date{}, fmt.Errorf("time value %v is not a number", v)
	}
	return a.date(v)
}

func (a Axis) date(v float64) (Date, error) {
	total := a.epochSecond + v*a.unitSeconds
	days := math.Floor(total / secondsPerDay)
	if math.Abs(days) > maxDays {
		return Date{}, fmt.Errorf("time value %g %s is out of range", v, a.Units)
	}
	micro := math.Round((total - days*secondsPerDay) * 1e6)
	if micro >= secondsPerDay*1e6 {
		days++
		micro -= secondsPerDay * 1e6
	}
	n := a.epochDay + int64(days)
	y, m, d := a.Calendar.date(n)
	us := int64(micro)
	return Date{
		Year: int(y), Month: time.Month(m), Day: int(d),
		Hour: int(us / 3600e6), Minute: int(us / 60e6 % 60), Second: int(us / 1e6 % 60),
		Nanosec: int(us%1e6) * 1000,
	}, nil
}

// Time returns axis value v as an instant. For the real calendars
// (standard, proleptic_gregorian, julian) it is the true instant, even
// where a standard-calendar date is Julian. For the model calendars it is
// the same calendar label read as a Gregorian date, and an error where no
// such date exists (30 February in 360_day).
func (a Axis) Time(v float64) (time.Time, error) {
	d, err := a.Date(v)
	if err != nil {
		return time.Time{}, err
	}
	if a.Calendar.real() {
		n := a.Calendar.day(int64(d.Year), int64(d.Month), int64(d.Day))
		sec := float64(d.Hour*3600 + d.Minute*60 + d.Second)
		return time.Unix(n*secondsPerDay+int64(sec), int64(d.Nanosec)).UTC(), nil
	}
	if err := d.validIn(ProlepticGregorian); err != nil {
		return time.Time{}, fmt.Errorf("date %s of calendar %s has no Gregorian equivalent", d, a.Calendar)
	}
	return time.Date(d.Year, d.Month, d.Day, d.Hour, d.Minute, d.Second, d.Nanosec, time.UTC), nil
}

// Month returns the calendar month containing axis value v.
func (a Axis) Month(v float64) (grid.Month, error) {
	d, err := a.Date(v)
	if err != nil {
		return grid.Month{}, err
	}
	return grid.Month{Year: d.Year, Month: d.Month}, nil
}

// Value encodes date d as an axis value: the inverse of Date, for writers.
func (a Axis) Value(d Date) (float64, error) {
	if err := d.validIn(a.Calendar); err != nil {
		return 0, err
	}
	n := a.Calendar.day(int64(d.Year), int64(d.Month), int64(d.Day)) - a.epochDay
	sec := float64(n)*secondsPerDay + d.secondOfDay() - a.epochSecond
	return sec / a.unitSeconds, nil
}

// MonthStart is the axis value of 00:00 on the first day of month m.
func (a Axis) MonthStart(m grid.Month) (float64, error) {
	return a.Value(Date{Year: m.Year, Month: m.Month, Day: 1})
}
