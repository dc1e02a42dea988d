package carbonmonitor

import (
	"fmt"
	"strings"
	"time"
)

// dayOrder settles, from a file's own values, whether its year-last dates
// (31/01/2024, 31-01-2024) put the day or the month first. Carbon
// Monitor's exports put the day first, but a file that has been through a
// spreadsheet may not. A date whose first part is above 12 shows day
// first, one whose second part is above 12 month first; dates with both
// parts up to 12 are read day first until the file shows otherwise, and
// corrected at the end. A file that shows both orders is an error, and so
// is a file of DD-MM-YYYY / MM-DD-YYYY dashes that never shows either
// (truly ambiguous); slashes without evidence stay day first, the
// export's documented form.
type dayOrder struct {
	known, monthFirst bool
	evidenceLine      int
	dash              bool
	ambiguous         []ambiguousDate
	timestamps        []timestampCheck
}

// ambiguousDate is a record read day first before the order was known.
type ambiguousDate struct {
	rec, first, second, year int
}

// timestampCheck is a timestamp to compare with a record's date once the
// order is settled.
type timestampCheck struct {
	rec, line int
	ts        time.Time
}

// parse reads the date of record rec (on CSV line line).
func (o *dayOrder) parse(s string, rec, line int) (time.Time, error) {
	var sep byte
	switch {
	case strings.Count(s, "/") == 2:
		sep = '/'
	case strings.Count(s, "-") == 2:
		sep = '-'
	}
	a, b, c := "", "", ""
	if sep != 0 {
		a, b, c = split3(s, sep)
	}
	if sep == 0 || len(c) != 4 {
		return parseDate(s) // YYYY-MM-DD or Unix seconds
	}
	first, ok1 := atoi(a, 2)
	second, ok2 := atoi(b, 2)
	year, ok3 := atoi(c, 4)
	if !ok1 || !ok2 || !ok3 || year < minYear || year > maxYear {
		return time.Time{}, fmt.Errorf("date %q: %w", s, errDate)
	}
	o.dash = o.dash || sep == '-'
	switch {
	case first > 12 && second > 12:
		return time.Time{}, fmt.Errorf("date %q does not exist", s)
	case first > 12:
		if err := o.settle(false, line); err != nil {
			return time.Time{}, err
		}
	case second > 12:
		if err := o.settle(true, line); err != nil {
			return time.Time{}, err
		}
	case !o.known:
		o.ambiguous = append(o.ambiguous, ambiguousDate{rec, first, second, year})
	}
	day, month := first, second
	if o.monthFirst {
		day, month = second, first
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != month || month < 1 || day < 1 {
		return time.Time{}, fmt.Errorf("date %q does not exist", s)
	}
	return t, nil
}

// settle records the order a date showed on line.
func (o *dayOrder) settle(monthFirst bool, line int) error {
	if o.known && o.monthFirst != monthFirst {
		return fmt.Errorf("dates put the %s first on line %d but the %s first on line %d",
			firstPart(o.monthFirst), o.evidenceLine, firstPart(monthFirst), line)
	}
	if !o.known {
		o.known, o.monthFirst, o.evidenceLine = true, monthFirst, line
	}
	return nil
}

func firstPart(monthFirst bool) string {
	if monthFirst {
		return "month"
	}
	return "day"
}

// check compares record rec's date with ts once the order is settled.
func (o *dayOrder) check(rec, line int, ts time.Time) {
	o.timestamps = append(o.timestamps, timestampCheck{rec, line, ts})
}

// resolve corrects the dates read day first when the file showed month
// first, refuses a file of dashes that never showed its order, and
// compares the deferred timestamps.
func (o *dayOrder) resolve(recs []Record) error {
	if !o.known && len(o.ambiguous) > 0 && o.dash {
		return fmt.Errorf("no date has a day above 12: DD-MM-YYYY and MM-DD-YYYY cannot be told apart (write the dates as YYYY-MM-DD)")
	}
	if o.monthFirst {
		for _, a := range o.ambiguous {
			recs[a.rec].Date = time.Date(a.year, time.Month(a.first), a.second, 0, 0, 0, 0, time.UTC)
		}
	}
	for _, c := range o.timestamps {
		if d := recs[c.rec].Date; !d.Equal(c.ts) {
			return fmt.Errorf("line %d: timestamp %s and date %s name different days", c.line, c.ts.Format(time.DateOnly), d.Format(time.DateOnly))
		}
	}
	return nil
}
