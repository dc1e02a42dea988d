package budget

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/trend"
)

// FindingOptions tunes Findings. The zero value is the production setting.
type FindingOptions struct {
	// K is the threshold in baseline standard deviations; 0: 2.
	K float64
	// MinGtC is the smallest |anomaly| reported, GtC in the period (a
	// small country's tiny anomaly can be many σ of its tiny variability
	// and still matter to nobody); 0: 0.005 for months, 12 times that
	// for years.
	MinGtC float64
	// Max is how many findings a period keeps, the most unusual first;
	// 0: 25.
	Max int
}

func (o FindingOptions) withDefaults() FindingOptions {
	if o.K == 0 {
		o.K = 2
	}
	if o.MinGtC == 0 {
		o.MinGtC = 0.005
	}
	if o.Max == 0 {
		o.Max = 25
	}
	return o
}

// findingComponents are the regional components a finding can be about.
var findingComponents = []string{lake.CompLand, lake.CompOcean, lake.CompFire}

// FindingRows are the regional rows Findings reads: the components a
// finding can be about and the land drivers.
func FindingRows(rows []lake.RegionRow) []lake.RegionRow {
	var out []lake.RegionRow
	for _, r := range rows {
		if findingRow(r.Component) {
			out = append(out, r)
		}
	}
	return out
}

// findingRow reports whether Findings reads rows of component c: the
// findings' components, the sinks' drivers and the sinks' members.
func findingRow(c string) bool {
	return slices.Contains(findingComponents, c) || driverOf(c) != "" || memberOf(c) != ""
}

// driverOf is the sink a driver row explains (land_driver:GROUP and the
// observed fire: the land sink; ocean_driver:GROUP: the ocean sink), or "".
func driverOf(c string) string {
	switch {
	case c == lake.CompFire, strings.HasPrefix(c, lake.CompLandDriver+":"):
		return lake.CompLand
	case strings.HasPrefix(c, lake.CompOceanDriver+":"):
		return lake.CompOcean
	}
	return ""
}

// memberOf is the sink a member's row is of (land_sink:NAME, ocean_sink:NAME),
// or "".
func memberOf(c string) string {
	for _, sink := range []string{lake.CompLand, lake.CompOcean} {
		if strings.HasPrefix(c, sink+":") {
			return sink
		}
	}
	return ""
}

// point is one value of a region's component in a period: a month, or a
// calendar year (the sum of its twelve months).
type point struct {
	period string
	year   int
	group  int // calendar month 1..12, or yearGroup
	gtc    float64
	sigma  float64 // members' spread, summed over months for a year
	prov   bool
	name   string
	kind   string
	region string
	comp   string
}

// Findings lists what is unusual in rows (regional rows of any months;
// FindingRows is enough) against the baseline: for each month, and each
// calendar year whose twelve months are all there, the regions whose land
// sink, ocean sink or fire departs from the mean of the same calendar
// month (or of the baseline years) by at least K standard deviations of
// the baseline's year-to-year variability, and by MinGtC. A finding on the
// land sink names its drivers: the anomalies of the emulators' driver
// groups (land_driver:GROUP) and of the observed fire, which together
// make the land sink's anomaly. Periods without a complete baseline (every
// baseline year, at least three) have none. Findings come in period
// order, then rank.
func Findings(rows []lake.RegionRow, base Baseline, opt FindingOptions) []lake.Finding {
	opt = opt.withDefaults()
	pts := monthPoints(rows)
	pts = append(pts, yearPoints(pts)...)
	type key struct {
		region, comp string
		group        int
	}
	series := map[key][]*point{}
	for i := range pts {
		p := &pts[i]
		k := key{p.region, p.comp, p.group}
		series[k] = append(series[k], p)
	}
	tb := trend.Baseline{FromYear: base.FromYear, ToYear: base.ToYear}
	type stats struct {
		trend.Expected
		firstYear int
		weight    map[int]float64
	}
	yearsVals := func(ps []*point) ([]int, []float64) {
		years, vals := make([]int, len(ps)), make([]float64, len(ps))
		for i, p := range ps {
			years[i], vals[i] = p.year, p.gtc
		}
		return years, vals
	}
	st := map[key]stats{}
	for k, ps := range series {
		if !slices.Contains(findingComponents, k.comp) {
			continue
		}
		years, vals := yearsVals(ps)
		s := stats{firstYear: slices.Min(years), weight: trend.RobustWeights(years, vals, tb)}
		s.Expected = trend.Fit(years, vals, tb, s.weight)
		st[k] = s
	}
	// fitted is p's anomaly against the line of its series fitted with
	// the given weights.
	partExp := map[key]trend.Expected{}
	fitted := func(p *point, weight map[int]float64) (float64, bool) {
		k := key{p.region, p.comp, p.group}
		e, ok := partExp[k]
		if !ok {
			years, vals := yearsVals(series[k])
			e = trend.Fit(years, vals, tb, weight)
			partExp[k] = e
		}
		return p.gtc - e.At(p.year), e.OK
	}
	// A driver's anomaly is taken against its line fitted with its sink's
	// weights, so that the drivers add up to the sink's anomaly.
	driverAnomaly := func(p *point, sink string) (float64, bool) {
		return fitted(p, st[key{p.region, sink, p.group}].weight)
	}
	// drivers indexes the sinks' drivers (the land's with the fire) and
	// members the sinks' members, by period, region and sink.
	type prc struct{ period, region, comp string }
	drivers := map[prc][]*point{}
	members := map[prc][]*point{}
	for i := range pts {
		p := &pts[i]
		if sink := driverOf(p.comp); sink != "" {
			drivers[prc{p.period, p.region, sink}] = append(drivers[prc{p.period, p.region, sink}], p)
		}
		if sink := memberOf(p.comp); sink != "" {
			members[prc{p.period, p.region, sink}] = append(members[prc{p.period, p.region, sink}], p)
		}
	}
	// anomalySigma is the members' spread of p's anomaly, each member's
	// taken against its own line with the sink's weights: how well the
	// estimate knows the anomaly (0 without two members: the observed fire).
	anomalySigma := func(p *point) float64 {
		var ans []float64
		for _, mp := range members[prc{p.period, p.region, p.comp}] {
			if an, ok := fitted(mp, st[key{p.region, p.comp, p.group}].weight); ok {
				ans = append(ans, an)
			}
		}
		if len(ans) < 2 {
			return 0
		}
		_, sd := meanSD(ans)
		return sd
	}
	byPeriod := map[string][]lake.Finding{}
	for i := range pts {
		p := &pts[i]
		if !slices.Contains(findingComponents, p.comp) {
			continue
		}
		s := st[key{p.region, p.comp, p.group}]
		if !s.OK || !(s.SDGtC > 0) {
			continue
		}
		want := s.At(p.year)
		an := p.gtc - want
		minGtC := opt.MinGtC
		if p.group == yearGroup {
			minGtC *= 12
		}
		if math.Abs(an) < opt.K*s.SDGtC || math.Abs(an) < minGtC {
			continue
		}
		// The anomaly must also stand out from what the estimate does not
		// know: k σ of the year-to-year variability and the members'
		// spread of the anomaly together (independent errors add in
		// quadrature).
		anSigma := anomalySigma(p)
		if math.Abs(an) < opt.K*math.Hypot(s.SDGtC, anSigma) {
			continue
		}
		f := lake.Finding{Period: p.period, Kind: "anomaly", RegionID: p.region, Name: p.name, RegionKind: p.kind,
			Component: p.comp, ValueGtC: p.gtc, SigmaGtC: p.sigma, BaselineGtC: want, BaselineSDGtC: s.SDGtC, TrendGtCPerYear: s.SlopeGtCPerYear, AnomalySigmaGtC: anSigma,
			AnomalyGtC: an, Z: an / s.SDGtC, Maturity: maturity(p)}
		if p.comp != lake.CompFire && want != 0 && p.gtc != 0 && math.Signbit(want) != math.Signbit(p.gtc) {
			f.Kind = "sign_change"
		}
		if len(series[key{p.region, p.comp, p.group}]) >= 3 {
			lo, hi := true, true
			for _, q := range series[key{p.region, p.comp, p.group}] {
				if q != p && q.year < p.year {
					lo = lo && p.gtc < q.gtc
					hi = hi && p.gtc > q.gtc
				}
			}
			if lo || hi {
				f.Record, f.RecordSinceYear = "highest", s.firstYear
				if lo {
					f.Record = "lowest"
				}
			}
		}
		if ds := drivers[prc{p.period, p.region, p.comp}]; len(ds) > 0 {
			for _, d := range ds {
				da, ok := driverAnomaly(d, p.comp)
				if !ok {
					continue
				}
				_, name, _ := strings.Cut(d.comp, ":")
				src, sign := "emulators", 1.0
				switch {
				case d.comp == lake.CompFire:
					name, src, sign = "fire", "observed", -1 // fire to the atmosphere is a loss of land carbon
				case name == "reconstruction":
					src = "ship data" // the reconstruction's share of the ocean sink
				}
				if name == "bias" {
					continue // a constant: no anomaly
				}
				f.DriverShares = append(f.DriverShares, lake.DriverShare{Driver: name, AnomalyGtC: sign * da, SigmaGtC: d.sigma, Source: src})
			}
			// Leading drivers first: those that moved the sink most in the
			// anomaly's direction.
			dir := math.Copysign(1, an)
			slices.SortStableFunc(f.DriverShares, func(a, b lake.DriverShare) int {
				return cmp.Compare(dir*b.AnomalyGtC, dir*a.AnomalyGtC)
			})
			fs := st[key{p.region, lake.CompFire, p.group}]
			fireUnusual := fs.OK && fs.SDGtC > 0 && math.Abs(firePoint(ds)-fs.At(p.year)) >= opt.K*fs.SDGtC
			f.TopDriver, f.TopDriverGtC = topDriver(f.DriverShares, dir, fireUnusual)
		}
		f.Drivers = driverText(f.DriverShares)
		f.Text = findingText(f, base)
		byPeriod[p.period] = append(byPeriod[p.period], f)
	}
	var out []lake.Finding
	for _, period := range slices.Sorted(maps.Keys(byPeriod)) {
		fs := byPeriod[period]
		slices.SortStableFunc(fs, func(a, b lake.Finding) int {
			if c := cmp.Compare(math.Abs(b.Z), math.Abs(a.Z)); c != 0 {
				return c
			}
			return cmp.Compare(a.RegionID+a.Component, b.RegionID+b.Component)
		})
		fs = dedupe(fs)
		fs = fs[:min(len(fs), opt.Max)]
		for i := range fs {
			fs[i].Rank = i + 1
		}
		out = append(out, fs...)
	}
	return out
}

// topDriver names the driver that moved the sink most in the anomaly's
// direction dir (±1), of shares sorted so (the leading first), among those
// that are causes:
//   - never the mean state (seasonality): its features do not change from
//     year to year, and what anomaly the path attributions credit to them
//     is interaction with the weather features above them in the trees;
//   - never the vegetation state (NDVI): greenness is itself a response to
//     the weather of the months before (heat, drought), so crediting it
//     names the symptom; the emulators' vegetation share stays in the
//     shares, and the weather drivers that follow it are the causes;
//   - the observed fire only when the fire's own anomaly is unusual
//     (fireUnusual: k σ of its baseline variability): in a drought the fire
//     share of an ordinary fire season can lead the sink's anomaly without
//     anything unusual about the fire;
//   - never the CO₂ rise (co2): it is smooth, and the line the anomaly is
//     taken against carries it; what anomaly the ocean's trees credit to
//     it is, like the mean state's, interaction with the drivers above it;
//   - never the ocean reconstruction's share: it is the ship data's half
//     of the ocean sink, not a driver.
//
// When no share qualifies, the leading share that is neither the mean
// state nor the reconstruction.
func topDriver(shares []lake.DriverShare, dir float64, fireUnusual bool) (string, float64) {
	for _, d := range shares {
		switch {
		case d.Driver == "seasonality", d.Driver == "vegetation", d.Driver == "reconstruction", d.Driver == "co2",
			d.Driver == "fire" && !fireUnusual, dir*d.AnomalyGtC <= 0:
			continue
		}
		return d.Driver, d.AnomalyGtC
	}
	for _, d := range shares {
		if d.Driver == "reconstruction" {
			continue
		}
		if d.Driver != "seasonality" {
			return d.Driver, d.AnomalyGtC
		}
	}
	return "", 0
}

// firePoint is the observed fire among a period's and region's driver
// points, GtC (NaN without one).
func firePoint(ps []*point) float64 {
	for _, p := range ps {
		if p.comp == lake.CompFire {
			return p.gtc
		}
	}
	return math.NaN()
}

// yearGroup is the group of calendar-year points.
const yearGroup = 0

func monthPoints(rows []lake.RegionRow) []point {
	n := 0
	for i := range rows {
		if findingRow(rows[i].Component) {
			n++
		}
	}
	pts := make([]point, 0, n)
	// Rows come a month at a time: parse each month once.
	var month string
	var m grid.Month
	var bad bool
	for i := range rows {
		r := &rows[i]
		if !findingRow(r.Component) || math.IsNaN(r.GtC) {
			continue
		}
		if r.Month != month {
			var err error
			month = r.Month
			m, err = grid.ParseMonth(month)
			bad = err != nil
		}
		if bad {
			continue
		}
		pts = append(pts, point{period: r.Month, year: m.Year, group: int(m.Month), gtc: r.GtC, sigma: r.SigmaGtC,
			prov: r.Provisional, name: r.Name, kind: r.Kind, region: r.RegionID, comp: r.Component})
	}
	return pts
}

// yearPoints sums the months of each region, component and calendar year
// that has all twelve.
func yearPoints(months []point) []point {
	type key struct {
		region, comp string
		year         int
	}
	acc := map[key]*point{}
	n := map[key]int{}
	var order []key
	for _, p := range months {
		k := key{p.region, p.comp, p.year}
		a := acc[k]
		if a == nil {
			a = &point{period: strconv.Itoa(p.year), year: p.year, group: yearGroup, name: p.name, kind: p.kind, region: p.region, comp: p.comp}
			acc[k] = a
			order = append(order, k)
		}
		a.gtc += p.gtc
		a.sigma += p.sigma
		a.prov = a.prov || p.prov
		n[k]++
	}
	var out []point
	for _, k := range order {
		if n[k] == 12 {
			out = append(out, *acc[k])
		}
	}
	return out
}

func maturity(p *point) string {
	switch {
	case p.prov:
		return "provisional"
	case p.comp == lake.CompFire:
		return "observed"
	}
	return "emulated"
}

var componentWords = map[string]string{lake.CompLand: "land sink", lake.CompOcean: "ocean sink", lake.CompFire: "fire emissions"}

func driverText(ds []lake.DriverShare) string {
	var parts []string
	for _, d := range ds[:min(len(ds), 3)] {
		parts = append(parts, fmt.Sprintf("%s %+.3f ± %.3f GtC", d.Driver, d.AnomalyGtC, d.SigmaGtC))
	}
	return strings.Join(parts, "; ")
}

// findingText says a finding in words, from one template: "2023-07,
// Canada: land sink −0.021 ± 0.100 GtC, 0.499 GtC below its 2015–2022
// July mean on its trend (8.3 σ of the baseline's year-to-year
// variability); the lowest
// July since 2002; it turned from a sink into a source. Leading drivers:
// … (emulated)".
func findingText(f lake.Finding, base Baseline) string {
	var b strings.Builder
	when := "annual"
	if m, err := grid.ParseMonth(f.Period); err == nil {
		when = m.Month.String()
	}
	dir := "above"
	if f.AnomalyGtC < 0 {
		dir = "below"
	}
	fmt.Fprintf(&b, "%s, %s: %s %.3f", f.Period, f.Name, componentWords[f.Component], f.ValueGtC)
	if f.SigmaGtC > 0 {
		fmt.Fprintf(&b, " ± %.3f", f.SigmaGtC)
	}
	fmt.Fprintf(&b, " GtC, %.3f GtC %s its %d–%d %s mean on its trend (%.1f σ of the baseline's year-to-year variability)",
		math.Abs(f.AnomalyGtC), dir, base.FromYear, base.ToYear, when, math.Abs(f.Z))
	if f.Record != "" {
		fmt.Fprintf(&b, "; the %s %s since %d", f.Record, when, f.RecordSinceYear)
	}
	if f.Kind == "sign_change" {
		if f.ValueGtC < 0 {
			b.WriteString("; it turned from a sink into a source")
		} else {
			b.WriteString("; it turned from a source into a sink")
		}
	}
	b.WriteString(".")
	if f.Drivers != "" {
		fmt.Fprintf(&b, " Leading drivers: %s.", f.Drivers)
	}
	fmt.Fprintf(&b, " (%s)", f.Maturity)
	return b.String()
}

// dedupe drops a finding whose component and value another region of the
// period already has: regions that cover the same cells (a country and
// the special region of the same name) say the same thing once, under
// the first in rank order.
func dedupe(fs []lake.Finding) []lake.Finding {
	type key struct {
		comp string
		v    float64
	}
	seen := map[key]bool{}
	out := fs[:0]
	for _, f := range fs {
		k := key{f.Component, math.Round(f.ValueGtC * 1e9)}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	return out
}
