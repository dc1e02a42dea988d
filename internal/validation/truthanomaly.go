package validation

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// truthRegional holds the truth's regional sums of the findings'
// components (land sink: nbp over land; ocean sink: ocean_sink over
// ocean; fire over land), GtC per month, by month, component and region
// index, so that a finding can be compared with what the truth itself did
// in the same region and period.
type truthRegional struct {
	index map[string]int // region id -> index in Regions()
	sums  map[grid.Month]map[string][]float64
}

// truthComponents maps a finding's component to the truth grid's column
// and whether it is summed over land (else over ocean).
var truthComponents = map[string]struct {
	column string
	land   bool
}{
	lake.CompLand:  {"nbp", true},
	lake.CompOcean: {"ocean_sink", false},
	lake.CompFire:  {"fire", true},
}

func newTruthRegional(set *regions.Set) *truthRegional {
	t := &truthRegional{index: map[string]int{}, sums: map[grid.Month]map[string][]float64{}}
	for i, r := range set.Regions() {
		t.index[r.ID] = i
	}
	return t
}

// month returns the regional sums of month m, reading its truth grid
// through cols once; nil when the truth has no grid for m.
func (t *truthRegional) month(set *regions.Set, cols *truthColumns, m grid.Month) map[string][]float64 {
	if s, ok := t.sums[m]; ok {
		return s
	}
	var out map[string][]float64
	for comp, tc := range truthComponents {
		v, err := cols.column(m, tc.column)
		if err != nil || v == nil {
			out = nil
			break
		}
		if out == nil {
			out = map[string][]float64{}
		}
		if tc.land {
			out[comp] = set.SumLand(v)
		} else {
			out[comp] = set.SumOcean(v)
		}
	}
	t.sums[m] = out
	return out
}

// value is the truth's GtC of region r's component in period (a month,
// or a calendar year summed over its twelve months).
func (t *truthRegional) value(set *regions.Set, cols *truthColumns, period, region, comp string) (float64, bool) {
	r, ok := t.index[region]
	if !ok {
		return 0, false
	}
	months, ok := periodMonths(period)
	if !ok {
		return 0, false
	}
	var s float64
	for _, m := range months {
		sums := t.month(set, cols, m)
		if sums == nil || sums[comp] == nil {
			return 0, false
		}
		s += sums[comp][r] / 1e15
	}
	return s, true
}

// periodMonths lists the months of a finding's period: itself, or the
// twelve of a calendar year.
func periodMonths(period string) ([]grid.Month, bool) {
	if m, err := grid.ParseMonth(period); err == nil {
		return []grid.Month{m}, true
	}
	y, err := strconv.Atoi(period)
	if err != nil || len(period) != 4 {
		return nil, false
	}
	out := make([]grid.Month, 12)
	for i := range out {
		out[i] = grid.Month{Year: y, Month: time.Month(i + 1)}
	}
	return out, true
}

// sameCalendar is the period of the same calendar month (or year) in
// year y.
func sameCalendar(period string, y int) string {
	if m, err := grid.ParseMonth(period); err == nil {
		return grid.Month{Year: y, Month: m.Month}.String()
	}
	return strconv.Itoa(y)
}

// anomalyZ is the truth's anomaly of the finding's region, component and
// period against the same calendar month (or year) of the other years,
// GtC and in σ of the truth's year-to-year variability about its trend:
// the finding's own rule (trend.Fit) applied to the truth.
func (t *truthRegional) anomalyZ(set *regions.Set, cols *truthColumns, f lake.Finding, sc Scoring) (anomalyGtC, z float64, err error) {
	y, err := strconv.Atoi(f.Period[:min(4, len(f.Period))])
	if err != nil {
		return 0, 0, fmt.Errorf("finding period %q: %w", f.Period, err)
	}
	an, sd, err := trendAnomaly(sc, y, func(y int) (float64, error) {
		v, ok := t.value(set, cols, sameCalendar(f.Period, y), f.RegionID, f.Component)
		if !ok {
			return 0, fmt.Errorf("truth has no %s of %s in %s", f.Component, f.RegionID, sameCalendar(f.Period, y))
		}
		return v, nil
	})
	if err != nil || !(sd > 0) {
		return an, 0, err
	}
	return an, an / sd, nil
}

// truthAgrees reports whether the truth's own anomaly (z, in σ of its
// baseline variability) is beyond k σ on the finding's side.
func truthAgrees(f lake.Finding, z, k float64) bool {
	return math.Abs(z) >= k && math.Signbit(z) == math.Signbit(f.AnomalyGtC)
}
