package validation

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/regions"
	"github.com/carbonbudget/carbonbudget/internal/trend"
)

// Extreme is a planted extreme of the twin world as truth/world.json
// records it (twin.Extreme; validation reads files, not the twin).
type Extreme struct {
	Name   string      `json:"name"`
	Kind   string      `json:"kind"` // heat, drought, fire
	From   string      `json:"from"`
	To     string      `json:"to"`
	Region string      `json:"region,omitempty"`
	Box    *[4]float64 `json:"box,omitempty"` // lat0, lat1, lon0, lon1
	Ocean  bool        `json:"ocean,omitempty"`
	Both   bool        `json:"both,omitempty"` // land and ocean (ENSO)
	// Cause is the part of a land event's perturbation (heat, water,
	// fire) that moved the truth's carbon most, from the twin's
	// counterfactual worlds (Effects, GtC: the change of fire emissions
	// is the fire's, the rest of NBP's change shared by Shapley values);
	// empty in worlds written before the twin measured it.
	Cause   string             `json:"cause,omitempty"`
	Effects map[string]float64 `json:"effects,omitempty"`
}

// ExtremeScore is how the findings saw one planted extreme.
type ExtremeScore struct {
	Extreme
	// TruthZ is the largest |anomaly| of the truth's sink over the
	// extreme's footprint in its months (of either sink for ENSO), in σ
	// of the truth's baseline variability; Scored says it reached the
	// findings' threshold and the baseline was published, so recall
	// counts it.
	TruthZ float64
	Scored bool
	// scoredAnyway: an ENSO phase, which the rule before scored whatever
	// its truth anomaly (RecallAllENSO).
	scoredAnyway bool
	// Found is the matching finding with the largest |Z| (nil: missed);
	// DriverMatch says its top driver is the extreme's kind (heat: heat;
	// drought: water; fire: fire).
	Found       *lake.Finding
	DriverMatch bool
	// CauseMatch says the found finding's top driver is the twin's own
	// Cause (the observed fire counting as fire).
	CauseMatch bool
}

// FindingSkill scores the published findings against the planted extremes.
type FindingSkill struct {
	Extremes []ExtremeScore
	// Findings is how many findings were published in the months the
	// truth covers and Matched how many of them match a planted extreme.
	Findings, Matched int
	// Recall is the share of scored extremes found, Precision the share
	// of findings that match one, DriverMatch the share of found land
	// extremes whose top driver is their kind.
	Recall, Precision, DriverMatch float64
	// CauseMatch is the share of found land extremes with a Cause whose
	// top driver is that cause (NaN when the world recorded none).
	CauseMatch float64
	// RecallAllENSO is the recall when every strong ENSO phase counts,
	// whatever its truth anomaly (the rule before both sinks' truth
	// anomalies were measured for them).
	RecallAllENSO float64
	// Unmatched are the findings that match no planted extreme, each with
	// the truth's own anomaly in the same region, component and period.
	// Real of them are real: the truth departs from its baseline by at
	// least k σ of its own year-to-year variability, the same way (the
	// twin's natural variability, which world.json does not list); the
	// others are the estimate's error. PrecisionTruth is the share of
	// findings that match a planted extreme or are real.
	Unmatched      []UnmatchedFinding
	Real           int
	PrecisionTruth float64
}

// UnmatchedFinding is a finding that matches no planted extreme, beside
// the truth's anomaly there (GtC, and Z in σ of the truth's baseline
// year-to-year variability) and whether that makes it Real.
type UnmatchedFinding struct {
	lake.Finding
	TruthAnomalyGtC, TruthZ float64
	Real                    bool
}

// driverOfKind is the driver group a kind of extreme should be blamed on.
var driverOfKind = map[string]string{"heat": "heat", "drought": "water", "fire": "fire"}

// Scoring is the findings' rule, for applying it to the truth: the
// baseline, the first year of the published record (where the trend fit
// starts) and the threshold K in σ.
type Scoring struct {
	Base      trend.Baseline
	FirstYear int
	K         float64
}

// Findings scores findings.parquet under out against truthDir/world.json's
// extremes. A finding matches an extreme when its period falls in the
// extreme's months (or up to three months after: the land responds late)
// or its year, its component is of the extreme's domain (ocean sink for a
// marine heatwave; land sink or fire otherwise), and its region overlaps
// the footprint: at least a quarter of the region lies in it, or at least
// a quarter of the footprint lies in the region.
func Findings(ctx context.Context, out, truthDir string, g grid.Grid, sc Scoring) (FindingSkill, error) {
	k := sc.K
	var world struct {
		Extremes []Extreme `json:"extremes"`
	}
	b, err := os.ReadFile(filepath.Join(truthDir, "world.json"))
	if err != nil {
		return FindingSkill{}, err
	}
	if err := json.Unmarshal(b, &world); err != nil {
		return FindingSkill{}, fmt.Errorf("%s: %w", filepath.Join(truthDir, "world.json"), err)
	}
	fs, err := output.ReadParquet[lake.Finding](filepath.Join(out, "findings.parquet"))
	if err != nil {
		return FindingSkill{}, err
	}
	set, err := regions.Load(g)
	if err != nil {
		return FindingSkill{}, err
	}
	ones := make([]float32, g.Cells())
	for i := range ones {
		ones[i] = 1
	}
	landArea, oceanArea := set.SumLand(ones), set.SumOcean(ones)
	gi := slices.IndexFunc(set.Regions(), func(r regions.Region) bool { return r.ID == regions.GlobalID })
	index := map[string]int{}
	for i, r := range set.Regions() {
		index[r.ID] = i
	}
	published := map[string]bool{}
	for _, f := range fs {
		published[f.Period] = true
	}
	var sk FindingSkill
	matched := make([]bool, len(fs))
	truth := &truthColumns{ctx: ctx, dir: truthDir, cols: map[grid.Month]map[string][]float32{}}
	for _, x := range world.Extremes {
		from, err1 := grid.ParseMonth(x.From)
		to, err2 := grid.ParseMonth(x.To)
		if err1 != nil || err2 != nil || x.Kind == "" {
			return FindingSkill{}, fmt.Errorf("%s: extreme %q: bad months or no kind", truthDir, x.Name)
		}
		fp, err := footprint(set, g, x)
		if err != nil {
			return FindingSkill{}, err
		}
		sum, area := set.SumLand, landArea
		if x.Ocean {
			sum, area = set.SumOcean, oceanArea
		}
		inFP := sum(fp)
		es := ExtremeScore{Extreme: x}
		frac := set.LandFraction()
		if x.Ocean {
			frac = set.OceanFraction()
		}
		es.TruthZ, err = truthZ(truth, g, fp, frac, x, from, to, sc)
		if err != nil {
			return FindingSkill{}, err
		}
		if x.Both {
			// An extreme of land and ocean is above the threshold when
			// either sink's truth is.
			xo := x
			xo.Ocean = true
			zo, err := truthZ(truth, g, fp, set.OceanFraction(), xo, from, to, sc)
			if err != nil {
				return FindingSkill{}, err
			}
			es.TruthZ = max(es.TruthZ, zo)
		}
		for j, f := range fs {
			if !matchesPeriod(f.Period, from, to) || (!x.Both && (f.Component == lake.CompOcean) != x.Ocean) {
				continue
			}
			sum, area := sum, area
			if x.Both && f.Component == lake.CompOcean {
				sum, area = set.SumOcean, oceanArea
			}
			inFP := inFP
			if x.Both {
				inFP = sum(fp)
			}
			r, ok := index[f.RegionID]
			if !ok || area[r] == 0 || inFP[gi] == 0 {
				continue
			}
			if inFP[r]/area[r] < 0.25 && inFP[r]/inFP[gi] < 0.25 {
				continue
			}
			matched[j] = true
			if better(f, es.Found) {
				es.Found = &fs[j]
			}
		}
		es.Scored = es.TruthZ >= k && baselinePublished(fs, from)
		es.scoredAnyway = x.Both && baselinePublished(fs, from)
		if es.Found != nil {
			es.DriverMatch = es.Found.TopDriver == driverOfKind[x.Kind] ||
				(x.Kind == "fire" && es.Found.Component == lake.CompFire)
			es.CauseMatch = x.Cause != "" && (es.Found.TopDriver == x.Cause || (x.Cause == "fire" && es.Found.Component == lake.CompFire))
		}
		sk.Extremes = append(sk.Extremes, es)
	}
	var allScored, allFound int
	for _, es := range sk.Extremes {
		if es.Scored || es.scoredAnyway {
			allScored++
			if es.Found != nil {
				allFound++
			}
		}
	}
	sk.RecallAllENSO = ratio(allFound, allScored)
	var scored, found, landFound, driverOK, causeFound, causeOK int
	for _, es := range sk.Extremes {
		if !es.Scored {
			continue
		}
		scored++
		if es.Found != nil {
			found++
			if !es.Ocean && driverOfKind[es.Kind] != "" {
				landFound++
				if es.DriverMatch {
					driverOK++
				}
			}
			if es.Cause != "" {
				causeFound++
				if es.CauseMatch {
					causeOK++
				}
			}
		}
	}
	treg := newTruthRegional(set)
	for j, m := range matched {
		sk.Findings++
		if m {
			sk.Matched++
			continue
		}
		u := UnmatchedFinding{Finding: fs[j]}
		if an, z, err := treg.anomalyZ(set, truth, fs[j], sc); err == nil {
			u.TruthAnomalyGtC, u.TruthZ, u.Real = an, z, truthAgrees(fs[j], z, k)
		}
		if u.Real {
			sk.Real++
		}
		sk.Unmatched = append(sk.Unmatched, u)
	}
	sk.Recall = ratio(found, scored)
	sk.Precision = ratio(sk.Matched, sk.Findings)
	sk.PrecisionTruth = ratio(sk.Matched+sk.Real, sk.Findings)
	sk.DriverMatch = ratio(driverOK, landFound)
	sk.CauseMatch = ratio(causeOK, causeFound)
	return sk, nil
}

// better reports whether f shows an extreme better than the finding
// kept so far: a finding on the sink, which carries the drivers, before
// one on the fire alone; then the larger |Z|.
func better(f lake.Finding, kept *lake.Finding) bool {
	if kept == nil {
		return true
	}
	if (f.Component == lake.CompFire) != (kept.Component == lake.CompFire) {
		return kept.Component == lake.CompFire
	}
	return math.Abs(f.Z) > math.Abs(kept.Z)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// baselinePublished reports whether findings exist from the extreme's
// year on: without a published baseline there are none to score.
func baselinePublished(fs []lake.Finding, from grid.Month) bool {
	return slices.ContainsFunc(fs, func(f lake.Finding) bool { return len(f.Period) >= 4 && f.Period[:4] >= fmt.Sprint(from.Year-1) })
}

func matchesPeriod(period string, from, to grid.Month) bool {
	if m, err := grid.ParseMonth(period); err == nil {
		return !m.Before(from) && !to.Add(3).Before(m)
	}
	var y int
	if _, err := fmt.Sscanf(period, "%d", &y); err == nil && len(period) == 4 {
		return y >= from.Year && y <= to.Year
	}
	return false
}

// footprint is the extreme's weight per cell: its special region's, or 1
// for cells whose centre is in its box.
func footprint(set *regions.Set, g grid.Grid, x Extreme) ([]float32, error) {
	if x.Region != "" {
		return set.Weights(x.Region)
	}
	if x.Box == nil {
		return nil, fmt.Errorf("extreme %q: neither region nor box", x.Name)
	}
	w := make([]float32, g.Cells())
	for i := range w {
		lat, lon := g.Centre(i)
		if lat >= x.Box[0] && lat <= x.Box[1] && lon >= x.Box[2] && lon <= x.Box[3] {
			w[i] = 1
		}
	}
	return w, nil
}

// truthZ is the largest |anomaly| of the truth's sink (nbp, or ocean_sink
// for a marine extreme) summed over the footprint in the extreme's months,
// in standard deviations of the same calendar month over the baseline
// years about its trend: the findings' rule (trend.Fit) applied to the
// truth.
func truthZ(truth *truthColumns, g grid.Grid, fp, frac []float32, x Extreme, from, to grid.Month, sc Scoring) (float64, error) {
	col := "nbp"
	if x.Ocean {
		col = "ocean_sink"
	}
	total := func(m grid.Month) (float64, error) {
		v, err := truth.column(m, col)
		if err != nil {
			return 0, err
		}
		if v == nil {
			return 0, fmt.Errorf("truth grid %s has no column %q", m, col)
		}
		var s float64
		for i, w := range fp {
			if w > 0 && v[i] == v[i] {
				row, _ := g.RowCol(i)
				s += float64(w) * float64(v[i]) * g.RowAreaM2(row) * float64(frac[i])
			}
		}
		return s / 1e15, nil
	}
	best := 0.0
	for m := from; !to.Before(m); m = m.Add(1) {
		z, err := trendZ(sc, m.Year, func(y int) (float64, error) { return total(grid.Month{Year: y, Month: m.Month}) })
		if err != nil {
			return 0, nil // truth not written: not scored
		}
		best = max(best, math.Abs(z))
	}
	return best, nil
}

// trendZ is the anomaly of value(year) in σ of the series value(y) for
// the years from sc.FirstYear to the baseline's end, by trend.Fit.
func trendZ(sc Scoring, year int, value func(y int) (float64, error)) (float64, error) {
	an, sd, err := trendAnomaly(sc, year, value)
	if err != nil || !(sd > 0) {
		return 0, err
	}
	return an / sd, nil
}

// trendAnomaly is value(year) less the line trend.Fit draws through the
// series value(y) of the years from sc.FirstYear to the baseline's end,
// and the baseline's standard deviation about it.
func trendAnomaly(sc Scoring, year int, value func(y int) (float64, error)) (anomaly, sd float64, err error) {
	first := min(sc.FirstYear, sc.Base.FromYear)
	if first == 0 {
		first = sc.Base.FromYear
	}
	var years []int
	var vals []float64
	for y := first; y <= sc.Base.ToYear; y++ {
		v, err := value(y)
		if err != nil {
			if y < sc.Base.FromYear {
				continue // the record before the baseline may be shorter
			}
			return 0, 0, err
		}
		years, vals = append(years, y), append(vals, v)
	}
	v, err := value(year)
	if err != nil {
		return 0, 0, err
	}
	e := trend.Fit(years, vals, sc.Base, nil)
	if !e.OK {
		return 0, 0, fmt.Errorf("incomplete baseline")
	}
	return v - e.At(year), e.SDGtC, nil
}

// truthColumns reads the truth's monthly grids once each, keeping only
// the sink columns the scoring sums: extremes share baseline months.
type truthColumns struct {
	ctx  context.Context
	dir  string
	cols map[grid.Month]map[string][]float32
}

func (t *truthColumns) column(m grid.Month, name string) ([]float32, error) {
	if c, ok := t.cols[m]; ok {
		return c[name], nil
	}
	gf, err := output.ReadGridColumns(t.ctx, output.GridPath(t.dir, m), []string{"nbp", "ocean_sink", "fire"})
	if err != nil {
		return nil, err
	}
	t.cols[m] = gf.Columns
	return t.cols[m][name], nil
}
