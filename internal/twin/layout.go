package twin

import (
	"math"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// gridLayout is how a file orders the analysis grid's cells. Real products
// disagree (ERA5 runs north to south from 0°E, CMEMS south to north from
// 180°W, ...), so the twin's files do too and the readers must look at the
// coordinates. Cell centres are the analysis grid's in every layout.
type gridLayout struct {
	southFirst bool // latitude increasing (south to north)
	from0      bool // longitude 0..360 instead of -180..180
}

func (l gridLayout) latitudes(g grid.Grid) []float32 {
	lat := make([]float32, g.NLat)
	for r := range lat {
		row := r
		if l.southFirst {
			row = g.NLat - 1 - r
		}
		lat[r] = float32(g.LatCentre(row))
	}
	return lat
}

func (l gridLayout) longitudes(g grid.Grid) []float32 {
	lon := make([]float32, g.NLon)
	for c := range lon {
		v := g.LonCentre(l.col(g, c))
		if l.from0 && v < 0 {
			v += 360
		}
		lon[c] = float32(v)
	}
	return lon
}

// col is the analysis column of file column c. The analysis grid starts
// at 180°W, so a 0..360 file starts half-way round.
func (l gridLayout) col(g grid.Grid, c int) int {
	if l.from0 {
		return (c + g.NLon/2) % g.NLon
	}
	return c
}

// reorder copies src (analysis order) into dst (file order), applying f
// to every value.
func (l gridLayout) reorder(g grid.Grid, src []float32, dst []float32, f func(float32) float32) {
	for r := range g.NLat {
		row := r
		if l.southFirst {
			row = g.NLat - 1 - r
		}
		s := src[row*g.NLon : (row+1)*g.NLon]
		d := dst[r*g.NLon : (r+1)*g.NLon]
		for c := range d {
			d[c] = f(s[l.col(g, c)])
		}
	}
}

// cfClock writes CF time values for one "units since origin" and calendar.
type cfClock struct {
	units    string // "hours since 1900-01-01 00:00:00.0"
	calendar string
	origin   time.Time
	step     time.Duration // unit length
	noLeap   bool
}

func newClock(unit string, origin time.Time, calendar string) cfClock {
	step := map[string]time.Duration{"seconds": time.Second, "hours": time.Hour, "days": 24 * time.Hour}[unit]
	c := cfClock{calendar: calendar, origin: origin, step: step, noLeap: calendar == "noleap" || calendar == "365_day"}
	c.units = unit + " since " + origin.Format("2006-01-02 15:04:05")
	return c
}

// at is the CF value of t. In a 365-day calendar the day count skips 29
// February (t must not fall on it).
func (c cfClock) at(t time.Time) float64 {
	if !c.noLeap {
		// Unix seconds, not t.Sub: a time.Duration saturates at 292 years,
		// and TRENDY's origin of 1700 is further back than that.
		secs := float64(t.Unix()-c.origin.Unix()) + float64(t.Nanosecond()-c.origin.Nanosecond())/1e9
		return secs * float64(time.Second) / float64(c.step)
	}
	days := 365*(t.Year()-c.origin.Year()) + noLeapYearDay(t) - noLeapYearDay(c.origin)
	secs := float64(days)*86400 + float64(t.Sub(t.Truncate(24*time.Hour)))/float64(time.Second) -
		float64(c.origin.Sub(c.origin.Truncate(24*time.Hour)))/float64(time.Second)
	return secs * float64(time.Second) / float64(c.step)
}

// noLeapYearDay is the 0-based day of year in a 365-day calendar.
func noLeapYearDay(t time.Time) int {
	d := t.YearDay() - 1
	if t.Month() > time.February && isLeap(t.Year()) {
		d--
	}
	return d
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// mid is the middle of month m in the clock's calendar.
func (c cfClock) mid(m grid.Month) float64 {
	start := c.at(m.Start())
	days := float64(m.Days())
	if c.noLeap && m.Month == time.February {
		days = 28
	}
	return start + days/2*float64(24*time.Hour)/float64(c.step)
}

// packInt16 packs values for an int16 variable as ERA5 does: scale and
// offset from the data's range, so the extremes map to ±32766 and -32767
// stays free for _FillValue. NaN becomes the fill value.
func packInt16(values []float32) (raw []int16, scale, offset float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if v == v {
			lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
		}
	}
	scale, offset = 1, 0
	if hi > lo {
		scale = (hi - lo) / (2 * 32766)
		offset = (hi + lo) / 2
	} else if !math.IsInf(lo, 0) {
		offset = lo
	}
	raw = make([]int16, len(values))
	for i, v := range values {
		if v != v {
			raw[i] = fillInt16
			continue
		}
		raw[i] = int16(math.Round((float64(v) - offset) / scale))
	}
	return raw, scale, offset
}

const fillInt16 int16 = -32767
