package nowcast

import (
	"sort"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Monthly is a monthly series keyed by month; a month that is absent has
// no value.
type Monthly map[grid.Month]float64

// Annual is a yearly series keyed by year.
type Annual map[int]float64

// Until returns the months of s up to and including last.
func (s Monthly) Until(last grid.Month) Monthly {
	out := make(Monthly, len(s))
	for m, v := range s {
		if !last.Before(m) {
			out[m] = v
		}
	}
	return out
}

// Until returns the years of a up to and including last.
func (a Annual) Until(last int) Annual {
	out := make(Annual, len(a))
	for y, v := range a {
		if y <= last {
			out[y] = v
		}
	}
	return out
}

// Years returns a's years in order.
func (a Annual) Years() []int {
	ys := make([]int, 0, len(a))
	for y := range a {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}

// mean returns the mean of s over months, and false if one is missing.
func (s Monthly) mean(months []grid.Month) (float64, bool) {
	var sum float64
	for _, m := range months {
		v, ok := s[m]
		if !ok {
			return 0, false
		}
		sum += v
	}
	return sum / float64(len(months)), len(months) > 0
}

// A Window is the months around 1 January whose mean de-seasonalised
// value NOAA takes as the trend on 1 January, as offsets from January
// (−1 is December).
type Window []int

// NOAA's windows: the global growth uses "the average of the most recent
// December and January months, corrected for the average seasonal cycle, as
// the trend value for January 1" (gml.noaa.gov/ccgg/trends/gl_gr.html);
// Mauna Loa's "the average of the most recent November-February months"
// (gml.noaa.gov/ccgg/trends/gr.html). The test reproduces both published
// tables from the monthly files.
var (
	GlobalWindow = Window{-1, 0}
	MLOWindow    = Window{-2, -1, 0, 1}
)

// NOAAGrowth is NOAA GML's annual growth rate of year y from a
// de-seasonalised monthly record (the "trend" column of co2_mm_gl, the
// "deseasonalized" column of co2_mm_mlo), in ppm/yr: the trend on 1 January
// of y+1 minus that on 1 January of y, each the mean over w. It is false
// when a month is missing.
func NOAAGrowth(trendPPM Monthly, w Window, y int) (float64, bool) {
	at := func(year int) (float64, bool) {
		jan := grid.Month{Year: year, Month: time.January}
		ms := make([]grid.Month, len(w))
		for i, off := range w {
			ms[i] = jan.Add(off)
		}
		return trendPPM.mean(ms)
	}
	end, ok1 := at(y + 1)
	start, ok2 := at(y)
	return end - start, ok1 && ok2
}

// NOAAGrowthSeries applies NOAAGrowth to every year the record allows.
func NOAAGrowthSeries(trendPPM Monthly, w Window) Annual {
	out := Annual{}
	for m := range trendPPM {
		if g, ok := NOAAGrowth(trendPPM, w, m.Year); ok {
			out[m.Year] = g
		}
	}
	return out
}
