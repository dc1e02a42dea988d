// Package validation scores a published budget against a known truth: the
// twin world's (carbonbudget synth writes it beside its inputs), as an
// observing-system simulation experiment. It reads only published files
// (internal/lake, the grid lake) and the truth; values are GtC per month,
// annual errors GtC per year.
package validation

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// terms maps the truth's columns to the published budget_monthly columns.
var terms = []struct {
	truth string
	ours  func(lake.Row) float64
}{
	{"E_FOS", func(r lake.Row) float64 { return r.EFos }},
	{"E_LUC", func(r lake.Row) float64 { return r.ELUC }},
	{"G_ATM", func(r lake.Row) float64 { return r.GAtm }},
	{"S_OCEAN", func(r lake.Row) float64 { return r.SOcean }},
	{"S_LAND", func(r lake.Row) float64 { return r.SLand }},
	{"S_CEMENT", func(r lake.Row) float64 { return r.SCement }},
	{"B_IM", func(r lake.Row) float64 { return r.BIm }},
}

// TermSkill is one budget term's error against the truth.
type TermSkill struct {
	Term   string
	Months int
	// BiasGtC and RMSEGtC are over the months, GtC per month.
	BiasGtC, RMSEGtC float64
	// WorstYear is the complete year with the largest annual error
	// WorstYearErrGtC (GtC/yr); 0 when no year is complete.
	WorstYear       int
	WorstYearErrGtC float64
}

// RegionSkill is one region's sink error against the truth's gridded
// fluxes summed over the same region.
type RegionSkill struct {
	RegionID, Sink string // Sink is "land" or "ocean"
	// Approach is "bottom-up" (the emulators: land against the truth's
	// S_LAND, ocean against its ocean sink) or "top-down" (the inversions'
	// ensemble: land against what the atmosphere sees of the land, the
	// truth's S_LAND − E_LUC plus the river carbon taken up on land, ocean
	// against its ocean sink).
	Approach         string
	Months           int
	BiasGtC, RMSEGtC float64
}

// Terms scores every term of budget_monthly under out against
// truthDir/budget_monthly.csv.
func Terms(out, truthDir string) ([]TermSkill, error) {
	truth, err := readTruthMonthly(filepath.Join(truthDir, "budget_monthly.csv"))
	if err != nil {
		return nil, err
	}
	ours, err := output.ReadParquet[lake.Row](filepath.Join(out, "budget_monthly.parquet"))
	if err != nil {
		return nil, err
	}
	var skills []TermSkill
	for _, term := range terms {
		var diffs []float64
		annual := map[int][2]float64{} // year -> ours, truth
		count := map[int]int{}
		for _, r := range ours {
			m, err := grid.ParseMonth(r.Period)
			if err != nil {
				continue
			}
			t, ok := truth[m][term.truth]
			if !ok {
				continue
			}
			diffs = append(diffs, term.ours(r)-t)
			a := annual[m.Year]
			annual[m.Year] = [2]float64{a[0] + term.ours(r), a[1] + t}
			count[m.Year]++
		}
		if len(diffs) == 0 {
			continue
		}
		s := TermSkill{Term: term.truth, Months: len(diffs), BiasGtC: mean(diffs), RMSEGtC: rms(diffs)}
		for y, a := range annual {
			if count[y] == 12 && math.Abs(a[0]-a[1]) >= math.Abs(s.WorstYearErrGtC) {
				s.WorstYear, s.WorstYearErrGtC = y, a[0]-a[1]
			}
		}
		skills = append(skills, s)
	}
	return skills, nil
}

// Regions scores the published RECCAP2 and global land and ocean sinks
// against the same sums of the truth's grids (truthDir/grid/...), in
// region order.
func Regions(ctx context.Context, out, truthDir string, g grid.Grid) ([]RegionSkill, error) {
	set, err := regions.Load(g)
	if err != nil {
		return nil, err
	}
	rows, err := output.ReadParquet[lake.RegionRow](filepath.Join(out, "regions.parquet"))
	if err != nil {
		return nil, err
	}
	ours := map[string]map[string]float64{} // month -> region|component -> GtC
	for _, r := range rows {
		if ours[r.Month] == nil {
			ours[r.Month] = map[string]float64{}
		}
		ours[r.Month][r.RegionID+"|"+r.Component] = r.GtC
	}
	// The atmosphere sees the land take up the carbon rivers carry to the
	// sea: the twin spreads that river flux evenly over land (its
	// truth/inversions.json says so), and the truth's monthly RIVER is it.
	truthMonthly, _ := readTruthMonthly(filepath.Join(truthDir, "budget_monthly.csv"))
	riverShare := landShares(set)
	type key struct{ id, sink, approach string }
	errs := map[key][]float64{}
	for month := range ours {
		m, _ := grid.ParseMonth(month)
		gf, err := output.ReadGrid(ctx, output.GridPath(truthDir, m))
		if err != nil {
			continue // truth grid not written for this month
		}
		land, ocean := set.SumLand(gf.Columns["nbp"]), set.SumOcean(gf.Columns["ocean_sink"])
		// The atmosphere sees the contemporary sea-air flux, without the
		// river carbon the ocean outgasses (which S_OCEAN adds back).
		seaAir := ocean
		if f, ok := gf.Columns["fgco2"]; ok {
			seaAir = set.SumOcean(f)
		}
		var netLand []float64
		if eluc, ok := gf.Columns["eluc"]; ok {
			net := make([]float32, len(eluc))
			for i, e := range eluc {
				net[i] = gf.Columns["nbp"][i] - e
			}
			netLand = set.SumLand(net)
			if river, ok := truthMonthly[m]["RIVER"]; ok {
				for i := range netLand {
					netLand[i] += river * 1e15 * riverShare[i]
				}
			}
		}
		for i, r := range set.Regions() {
			if r.Kind != regions.KindReccapLand && r.Kind != regions.KindReccapOcean && r.Kind != regions.KindGlobal {
				continue
			}
			for _, c := range []struct {
				comp, sink, approach string
				truth                []float64
			}{
				{lake.CompLand, "land", "bottom-up", land}, {lake.CompOcean, "ocean", "bottom-up", ocean},
				{lake.CompLandTopDown, "land", "top-down", netLand}, {lake.CompOceanTopDown, "ocean", "top-down", seaAir},
			} {
				if v, ok := ours[month][r.ID+"|"+c.comp]; ok && c.truth != nil {
					k := key{r.ID, c.sink, c.approach}
					errs[k] = append(errs[k], v-c.truth[i]/1e15)
				}
			}
		}
	}
	keys := make([]key, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.id != b.id {
			return a.id < b.id
		}
		if a.sink != b.sink {
			return a.sink < b.sink
		}
		return a.approach < b.approach
	})
	out2 := make([]RegionSkill, 0, len(keys))
	for _, k := range keys {
		out2 = append(out2, RegionSkill{RegionID: k.id, Sink: k.sink, Approach: k.approach, Months: len(errs[k]), BiasGtC: mean(errs[k]), RMSEGtC: rms(errs[k])})
	}
	return out2, nil
}

// landShares is each region's share of the globe's land area, in
// Regions() order: how the twin spreads its river flux over land.
func landShares(set *regions.Set) []float64 {
	ones := make([]float32, set.Grid().Cells())
	for i := range ones {
		ones[i] = 1
	}
	area := set.SumLand(ones)
	gi := slices.IndexFunc(set.Regions(), func(r regions.Region) bool { return r.ID == regions.GlobalID })
	shares := make([]float64, len(area))
	if gi >= 0 {
		for i, a := range area {
			shares[i] = a / area[gi]
		}
	}
	return shares
}

// readTruthMonthly reads the twin's truth/budget_monthly.csv: year, month
// and one column per term, GtC per month.
func readTruthMonthly(path string) (map[grid.Month]map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("truth: %w", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 2 {
		return nil, fmt.Errorf("truth %s: %d records, %v", path, len(recs), err)
	}
	head := recs[0]
	out := map[grid.Month]map[string]float64{}
	for _, rec := range recs[1:] {
		y, err1 := strconv.Atoi(rec[0])
		mo, err2 := strconv.Atoi(rec[1])
		if err1 != nil || err2 != nil || mo < 1 || mo > 12 {
			return nil, fmt.Errorf("truth %s: bad year/month %v", path, rec[:2])
		}
		m := grid.Month{Year: y, Month: time.Month(mo)}
		out[m] = map[string]float64{}
		for i := 2; i < len(rec) && i < len(head); i++ {
			if v, err := strconv.ParseFloat(rec[i], 64); err == nil {
				out[m][head[i]] = v
			}
		}
	}
	return out, nil
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func rms(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s / float64(len(v)))
}

// TruthAnnual sums the truth's monthly terms (truthDir/budget_monthly.csv)
// by calendar year: year -> term ("E_FOS", ...) -> GtC per year.
func TruthAnnual(truthDir string) (map[int]map[string]float64, error) {
	monthly, err := readTruthMonthly(filepath.Join(truthDir, "budget_monthly.csv"))
	if err != nil {
		return nil, err
	}
	out := map[int]map[string]float64{}
	for m, terms := range monthly {
		if out[m.Year] == nil {
			out[m.Year] = map[string]float64{}
		}
		for k, v := range terms {
			out[m.Year][k] += v
		}
	}
	return out, nil
}
