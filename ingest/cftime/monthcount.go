package cftime

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// MonthCount decodes a monthly axis in "months since <date>" of a calendar
// other than 360_day by counting calendar months: value v is in the
// month floor(v) months after the reference date's month.
//
// TRENDY land models deliver such axes (TRENDYv13: "months since
// 1700-01-16" and "months since 1700-01-01" beside "days since 1700-01-01";
// braghiere/TRENDYtoILAMB.jl, docs of its TRENDY analysis), with noleap
// calendars. Read as UDUNITS months of 30.436851 days, step k of a noleap
// axis from 1700 drifts by k·(30.436851 − 365/12) days: 41 days, more than
// a month, by 2015, so Parse refuses these units and the netCDF reader
// falls back to this count, which is what the modelling groups mean.
type MonthCount struct {
	Units string
	Epoch grid.Month
}

// ParseMonthCount reads "months since <date>" for any supported calendar.
func ParseMonthCount(units, calendar string) (MonthCount, error) {
	cal, err := ParseCalendar(calendar)
	if err != nil {
		return MonthCount{}, err
	}
	unit, ref, ok := strings.Cut(strings.TrimSpace(units), " since ")
	if !ok {
		return MonthCount{}, fmt.Errorf("time units %q: want \"<unit> since <date>\"", units)
	}
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "month", "months", "mon":
	default:
		return MonthCount{}, fmt.Errorf("time units %q: not months", units)
	}
	epoch, _, err := parseReference(ref)
	if err != nil {
		return MonthCount{}, fmt.Errorf("time units %q: %w", units, err)
	}
	if err := epoch.validIn(cal); err != nil {
		return MonthCount{}, fmt.Errorf("time units %q: %w", units, err)
	}
	return MonthCount{Units: units, Epoch: grid.Month{Year: epoch.Year, Month: epoch.Month}}, nil
}

// Month returns the calendar month of axis value v. A value within 1e-6
// of a whole number counts as that number: float32 axes store 3781 as
// 3780.9998 or 3781.0002.
func (a MonthCount) Month(v float64) (grid.Month, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 12*1e6 {
		return grid.Month{}, fmt.Errorf("time value %v %s is out of range", v, a.Units)
	}
	k := math.Floor(v)
	if r := math.Round(v); math.Abs(v-r) < 1e-6*math.Max(1, math.Abs(v)) {
		k = r
	}
	n := (a.Epoch.Year*12 + int(a.Epoch.Month) - 1) + int(k)
	y := n / 12
	if n < 0 && n%12 != 0 {
		y--
	}
	return grid.Month{Year: y, Month: time.Month(n - 12*y + 1)}, nil
}
