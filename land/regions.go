package land

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// Regions is what the stage needs of the region masks (*regions.Set
// satisfies it): the region table and Σ value·area·landWeight for every
// region in one pass.
type Regions interface {
	Grid() grid.Grid
	Regions() []regions.Region
	SumLand(values []float32) []float64
}

// GlobalID is the id of the whole land in totals and baselines.
const GlobalID = regions.GlobalID

// landRegion reports whether the stage reports region r: the globe, the
// countries, the RECCAP2 land regions, the land bands and the special
// regions (Amazonia, Canada, Southeast Asia).
func landRegion(r regions.Region) bool {
	switch r.Kind {
	case regions.KindGlobal, regions.KindCountry, regions.KindReccapLand, regions.KindBandLand, regions.KindSpecial:
		return true
	}
	return false
}

// Totals are a region's land fluxes of one month, GtC.
type Totals struct {
	NBPGtC  float64 `json:"nbp_gtc"`  // emulated DGVM NBP, ensemble mean, into land
	FireGtC float64 `json:"fire_gtc"` // observed fire emissions, to the atmosphere
	// FireAnomalyGtC is the fire emission minus its baseline climatology.
	FireAnomalyGtC float64 `json:"fire_anomaly_gtc"`
	NetGtC         float64 `json:"net_gtc"` // NBP − fire anomaly, into land
}

// RegionTotal is one region's land fluxes for the month.
type RegionTotal struct {
	ID, Name, Kind string
	Totals
	// NBPSigmaGtC is the sample standard deviation of the member totals
	// (also the spread of the net flux: the fire anomaly is common to all
	// members).
	NBPSigmaGtC float64
	// HeatNetGtC is the net flux of the region's cells under extreme heat.
	HeatNetGtC float64
	// Anomaly is Totals minus the baseline mean of the same calendar
	// month; HasAnomaly is false (and Anomaly zero) without a baseline.
	Anomaly    Totals
	HasAnomaly bool
}

// regionTotals sums every member, the fire fields and the heat cells'
// net flux over the stage's regions; the net flux is NBP minus the fire
// anomaly when fireInNet.
func regionTotals(rs Regions, members [][]float32, fire, fireAnom, heatNet []float32, fireInNet bool) []RegionTotal {
	sums := make([][]float64, len(members))
	for j, f := range members {
		sums[j] = rs.SumLand(f)
	}
	var fireSum, anomSum, heatSum []float64
	if fire != nil {
		fireSum, anomSum = rs.SumLand(fire), rs.SumLand(fireAnom)
	}
	if heatNet != nil {
		heatSum = rs.SumLand(heatNet)
	}
	var out []RegionTotal
	x := make([]float64, len(members))
	for i, r := range rs.Regions() {
		if !landRegion(r) {
			continue
		}
		for j := range sums {
			x[j] = sums[j][i] / gramsPerGt
		}
		mean, sd := meanSD(x)
		rt := RegionTotal{ID: r.ID, Name: r.Name, Kind: r.Kind, NBPSigmaGtC: sd}
		rt.NBPGtC = mean
		if fireSum != nil {
			rt.FireGtC, rt.FireAnomalyGtC = fireSum[i]/gramsPerGt, anomSum[i]/gramsPerGt
		}
		if heatSum != nil {
			rt.HeatNetGtC = heatSum[i] / gramsPerGt
		}
		rt.NetGtC = rt.NBPGtC
		if fireInNet {
			rt.NetGtC -= rt.FireAnomalyGtC
		}
		out = append(out, rt)
	}
	return out
}

// meanSD is the mean and sample standard deviation (0 for one value).
func meanSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	if len(x) < 2 {
		return mean, 0
	}
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)-1))
}

// MonthTotals are one month's totals by region id (GlobalID for the
// globe): what the orchestrator keeps of each month's Result
// (Result.Totals) to build baselines from.
type MonthTotals struct {
	Month  grid.Month
	Totals map[string]Totals
}

// Baseline holds, per region and calendar month, the mean totals over the
// baseline years.
type Baseline struct {
	FirstYear, LastYear int
	mean                map[string]*[12]Totals
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
		return nil, fmt.Errorf("land baseline: years %d-%d", firstYear, lastYear)
	}
	byMonth := map[grid.Month]map[string]Totals{}
	for _, h := range history {
		if h.Month.Year >= firstYear && h.Month.Year <= lastYear {
			byMonth[h.Month] = h.Totals
		}
	}
	b := &Baseline{FirstYear: firstYear, LastYear: lastYear, mean: map[string]*[12]Totals{}}
	months := grid.Range(grid.Month{Year: firstYear, Month: 1}, grid.Month{Year: lastYear, Month: 12})
	ids := regionIDs(byMonth[months[0]])
	years := float64(lastYear - firstYear + 1)
	for _, m := range months {
		tot, ok := byMonth[m]
		if !ok {
			return nil, fmt.Errorf("land baseline %d-%d: no totals for %s", firstYear, lastYear, m)
		}
		if got := regionIDs(tot); strings.Join(got, ",") != strings.Join(ids, ",") {
			return nil, fmt.Errorf("land baseline %d-%d: %s has regions %v, %s has %v", firstYear, lastYear, m, got, months[0], ids)
		}
		for id, v := range tot {
			if !finite(v.NBPGtC, v.FireGtC, v.FireAnomalyGtC, v.NetGtC) {
				return nil, fmt.Errorf("land baseline %d-%d: %s region %s totals %+v are not finite", firstYear, lastYear, m, id, v)
			}
			if b.mean[id] == nil {
				b.mean[id] = new([12]Totals)
			}
			t := &b.mean[id][m.Month-1]
			t.NBPGtC += v.NBPGtC / years
			t.FireGtC += v.FireGtC / years
			t.FireAnomalyGtC += v.FireAnomalyGtC / years
			t.NetGtC += v.NetGtC / years
		}
	}
	return b, nil
}

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

func regionIDs(tot map[string]Totals) []string {
	ids := make([]string, 0, len(tot))
	for id := range tot {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Mean returns the baseline mean totals of region id for m's calendar
// month.
func (b *Baseline) Mean(id string, m grid.Month) (Totals, bool) {
	v, ok := b.mean[id]
	if !ok {
		return Totals{}, false
	}
	return v[m.Month-1], true
}

func (t Totals) minus(o Totals) Totals {
	return Totals{t.NBPGtC - o.NBPGtC, t.FireGtC - o.FireGtC, t.FireAnomalyGtC - o.FireAnomalyGtC, t.NetGtC - o.NetGtC}
}
