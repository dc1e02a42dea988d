package ocean

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// Regions is what the stage needs of the region masks (*regions.Set
// satisfies it): the region table and Σ value·area·oceanWeight for every
// region in one pass.
type Regions interface {
	Grid() grid.Grid
	Regions() []regions.Region
	SumOcean(values []float32) []float64
}

// GlobalID is the id of the whole ocean in totals and baselines.
const GlobalID = "global"

// RegionTotal is one region's flux into the ocean for the month.
type RegionTotal struct {
	ID, Name, Kind string
	GtC            float64 // ensemble mean, river adjustment included
	SigmaGtC       float64 // sample standard deviation of the member totals
	// AnomalyGtC is GtC minus the baseline mean of the same calendar
	// month; HasAnomaly is false (and AnomalyGtC 0) without a baseline.
	AnomalyGtC float64
	HasAnomaly bool
}

// oceanRegion reports whether the stage reports region r: the globe, the
// RECCAP2 ocean basins and the latitude bands.
func oceanRegion(r regions.Region) bool {
	return r.Kind == regions.KindGlobal || r.Kind == regions.KindReccapOcean || r.Kind == regions.KindBand
}

// regionTotals sums the ensemble and every member over the stage's
// regions. memberFields and weights are those of the ensemble mean.
func regionTotals(rs Regions, memberFields [][]float32, weights []float64) []RegionTotal {
	sums := make([][]float64, len(memberFields))
	for j, f := range memberFields {
		sums[j] = rs.SumOcean(f)
	}
	var out []RegionTotal
	x := make([]float64, len(memberFields))
	for i, r := range rs.Regions() {
		if !oceanRegion(r) {
			continue
		}
		for j := range sums {
			x[j] = sums[j][i] / gramsPerGt
		}
		mean, sd := weightedMeanSD(x, weights)
		out = append(out, RegionTotal{ID: r.ID, Name: r.Name, Kind: r.Kind, GtC: mean, SigmaGtC: sd})
	}
	return out
}

// DefaultBaselineFirstYear and DefaultBaselineLastYear bound the baseline
// of the low-latency budget (Ke et al. 2024, science.md §3): anomalies are
// taken against 2015–2022.
const (
	DefaultBaselineFirstYear = 2015
	DefaultBaselineLastYear  = 2022
)

// MonthTotals are one month's totals by region id (GlobalID for the
// globe), in GtC per month: what the orchestrator keeps of each month's
// Result (Result.Totals) to build baselines from.
type MonthTotals struct {
	Month grid.Month
	GtC   map[string]float64
}

// Baseline holds, per region and calendar month, the mean total over the
// baseline years.
type Baseline struct {
	FirstYear, LastYear int
	mean                map[string]*[12]float64
}

// NewBaseline averages history over firstYear..lastYear (0, 0: the
// default 2015–2022) per region and calendar month. Every month of those
// years must be in history with the same regions, since a baseline with a
// gap would be biased by the season it misses; months outside the years
// are ignored.
func NewBaseline(firstYear, lastYear int, history []MonthTotals) (*Baseline, error) {
	if firstYear == 0 && lastYear == 0 {
		firstYear, lastYear = DefaultBaselineFirstYear, DefaultBaselineLastYear
	}
	if lastYear < firstYear {
		return nil, fmt.Errorf("ocean baseline: years %d-%d", firstYear, lastYear)
	}
	byMonth := map[grid.Month]map[string]float64{}
	for _, h := range history {
		if h.Month.Year >= firstYear && h.Month.Year <= lastYear {
			byMonth[h.Month] = h.GtC
		}
	}
	b := &Baseline{FirstYear: firstYear, LastYear: lastYear, mean: map[string]*[12]float64{}}
	months := grid.Range(grid.Month{Year: firstYear, Month: 1}, grid.Month{Year: lastYear, Month: 12})
	ids := regionIDs(byMonth[months[0]])
	years := float64(lastYear - firstYear + 1)
	for _, m := range months {
		tot, ok := byMonth[m]
		if !ok {
			return nil, fmt.Errorf("ocean baseline %d-%d: no totals for %s", firstYear, lastYear, m)
		}
		if got := regionIDs(tot); strings.Join(got, ",") != strings.Join(ids, ",") {
			return nil, fmt.Errorf("ocean baseline %d-%d: %s has regions %v, %s has %v", firstYear, lastYear, m, got, months[0], ids)
		}
		for id, v := range tot {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("ocean baseline %d-%d: %s region %s total is %v", firstYear, lastYear, m, id, v)
			}
			if b.mean[id] == nil {
				b.mean[id] = new([12]float64)
			}
			b.mean[id][m.Month-1] += v / years
		}
	}
	return b, nil
}

func regionIDs(tot map[string]float64) []string {
	ids := make([]string, 0, len(tot))
	for id := range tot {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// MeanGtC returns the baseline mean of region id for m's calendar month.
func (b *Baseline) MeanGtC(id string, m grid.Month) (float64, bool) {
	v, ok := b.mean[id]
	if !ok {
		return 0, false
	}
	return v[m.Month-1], true
}

// Totals returns the month's totals by region, for baselines.
func (r *Result) Totals() MonthTotals {
	t := MonthTotals{Month: r.Month, GtC: map[string]float64{}}
	for _, rt := range r.Regions {
		t.GtC[rt.ID] = rt.GtC
	}
	t.GtC[GlobalID] = r.GtC // the stage's own global sum, not a region's
	return t
}

// applyBaseline sets the anomalies of the global total and the regions.
func (r *Result) applyBaseline(b *Baseline) {
	if b == nil {
		return
	}
	if v, ok := b.MeanGtC(GlobalID, r.Month); ok {
		r.AnomalyGtC, r.HasAnomaly = r.GtC-v, true
	}
	for i := range r.Regions {
		rt := &r.Regions[i]
		if v, ok := b.MeanGtC(rt.ID, r.Month); ok {
			rt.AnomalyGtC, rt.HasAnomaly = rt.GtC-v, true
		}
	}
}
