package cftime

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date and time of day in some CF calendar. It can hold
// dates that time.Time cannot, such as 30 February of the 360_day calendar.
type Date struct {
	Year                               int
	Month                              time.Month
	Day, Hour, Minute, Second, Nanosec int
}

func (d Date) String() string {
	s := fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", d.Year, int(d.Month), d.Day, d.Hour, d.Minute, d.Second)
	if d.Nanosec != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%09d", d.Nanosec), "0")
	}
	return s
}

// secondOfDay is the time of day of d in seconds.
func (d Date) secondOfDay() float64 {
	return float64(d.Hour*3600+d.Minute*60+d.Second) + float64(d.Nanosec)/1e9
}

// validIn reports an error when d does not exist in calendar c.
func (d Date) validIn(c Calendar) error {
	if d.Month < 1 || d.Month > 12 {
		return fmt.Errorf("month %d out of range", int(d.Month))
	}
	if c == Standard && d.Year == 1582 && d.Month == 10 && d.Day > 4 && d.Day < 15 {
		return fmt.Errorf("date %s falls in the 1582 Julian-Gregorian gap of the standard calendar", d)
	}
	last := c.MonthDays(d.Year, d.Month)
	if c == Standard && d.Year == 1582 && d.Month == 10 {
		last = 31
	}
	if d.Day < 1 || d.Day > last {
		return fmt.Errorf("day %d out of range for %04d-%02d in calendar %s", d.Day, d.Year, int(d.Month), c)
	}
	if d.Hour < 0 || d.Hour > 23 || d.Minute < 0 || d.Minute > 59 || d.Second < 0 || d.Second > 60 ||
		d.Nanosec < 0 || d.Nanosec >= 1e9 {
		return fmt.Errorf("time of day %02d:%02d:%02d out of range", d.Hour, d.Minute, d.Second)
	}
	return nil
}

// parseReference parses the reference date of a CF time unit:
// "1900-01-01 00:00:00.0", "1800-1-1", "1970-01-01T00:00:00Z",
// "2000-01-01 12:00:00 -06:00". It returns the date and the time-zone
// offset in seconds east of UTC.
func parseReference(s string) (Date, int, error) {
	s = strings.TrimSpace(s)
	datePart, rest := s, ""
	if i := strings.IndexAny(s, "T "); i > 0 {
		datePart, rest = s[:i], strings.TrimSpace(s[i+1:])
	}
	var d Date
	if err := parseYMD(datePart, &d); err != nil {
		return Date{}, 0, err
	}
	timePart, zone := splitZone(rest)
	if timePart != "" {
		if err := parseHMS(timePart, &d); err != nil {
			return Date{}, 0, err
		}
	}
	tz, err := parseZone(zone)
	if err != nil {
		return Date{}, 0, err
	}
	return d, tz, nil
}

func parseYMD(s string, d *Date) error {
	sign := 1
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
	}
	f := strings.Split(s, "-")
	if len(f) != 3 {
		return fmt.Errorf("reference date %q: want YYYY-MM-DD", s)
	}
	var n [3]int
	for i, p := range f {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || len(p) > 6 {
			return fmt.Errorf("reference date %q: want YYYY-MM-DD", s)
		}
		n[i] = v
	}
	d.Year, d.Month, d.Day = sign*n[0], time.Month(n[1]), n[2]
	return nil
}

// splitZone separates "00:00:00 +01:00", "00:00:00Z" or "00:00:00 UTC" into
// the time and the zone.
func splitZone(s string) (string, string) {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i], strings.TrimSpace(s[i+1:])
	}
	if strings.HasSuffix(s, "Z") {
		return s[:len(s)-1], "Z"
	}
	if i := strings.IndexAny(s, "+-"); i > 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

func parseHMS(s string, d *Date) error {
	f := strings.Split(s, ":")
	if len(f) > 3 {
		return fmt.Errorf("reference time %q: want hh[:mm[:ss[.f]]]", s)
	}
	var hm [2]int
	for i := 0; i < len(f) && i < 2; i++ {
		v, err := strconv.Atoi(f[i])
		if err != nil || len(f[i]) > 2 {
			return fmt.Errorf("reference time %q: want hh[:mm[:ss[.f]]]", s)
		}
		hm[i] = v
	}
	d.Hour, d.Minute = hm[0], hm[1]
	if len(f) == 3 {
		sec, err := strconv.ParseFloat(f[2], 64)
		if err != nil || sec < 0 || sec >= 61 || strings.ContainsAny(f[2], "eEinfINFxX_") {
			return fmt.Errorf("reference time %q: bad seconds", s)
		}
		d.Second = int(sec)
		d.Nanosec = int((sec - float64(d.Second)) * 1e9)
	}
	return nil
}

// parseZone returns a zone offset in seconds east of UTC.
func parseZone(z string) (int, error) {
	switch strings.ToUpper(z) {
	case "", "Z", "UTC", "GMT":
		return 0, nil
	}
	sign := 1
	switch z[0] {
	case '-':
		sign = -1
	case '+':
	default:
		return 0, fmt.Errorf("time zone %q not understood", z)
	}
	body := z[1:]
	hh, mm := body, "0"
	if i := strings.IndexByte(body, ':'); i >= 0 {
		hh, mm = body[:i], body[i+1:]
	} else if len(body) == 4 {
		hh, mm = body[:2], body[2:]
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || h > 14 || m < 0 || m > 59 || len(hh) > 2 {
		return 0, fmt.Errorf("time zone %q not understood", z)
	}
	return sign * (h*3600 + m*60), nil
}
