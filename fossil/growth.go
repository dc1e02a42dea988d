package fossil

import (
	"math"
	"sort"
)

// YearOnYearCorrelation is the correlation assumed between the errors of
// the same month in consecutive years: the same activity data and
// emission factors are used both years, so most of the ±5 % is shared and
// the growth rate is far better known than either level (the low-latency
// budget quotes 2023 fossil growth as +0.6 ± 0.5 % against ±5 % levels).
const YearOnYearCorrelation = 0.995

// Growth is one country's (or the world's) change against the same month
// a year earlier.
type Growth struct {
	Country       string // Carbon Monitor row name, or "WORLD" for the global total
	GtC, PrevGtC  float64
	Percent       float64 // 100·(GtC/PrevGtC − 1)
	SigmaPercent  float64 // 1σ of Percent
	BunkersInside bool    // international aviation included (the global row)
}

// YearOnYear compares a month with the same month a year earlier, per
// Carbon Monitor row (all sectors) and globally. The σ follows from the
// relative level uncertainty r (RelativeSigma) of both years with
// correlation ρ: σ(growth) = 100·(1+g)·r·√(2(1−ρ)).
func YearOnYear(cur, prev *Result) []Growth {
	sum := func(res *Result) map[string]float64 {
		out := map[string]float64{}
		for _, r := range res.National {
			out[r.Country] += r.GtC
		}
		return out
	}
	a, b := sum(cur), sum(prev)
	var out []Growth
	add := func(name string, now, before float64, bunkers bool) {
		if before <= 0 {
			return
		}
		g := now/before - 1
		sigma := 100 * (1 + g) * RelativeSigma * math.Sqrt(2*(1-YearOnYearCorrelation))
		out = append(out, Growth{Country: name, GtC: now, PrevGtC: before, Percent: 100 * g, SigmaPercent: sigma, BunkersInside: bunkers})
	}
	for country, now := range a {
		if country == World {
			continue
		}
		add(country, now, b[country], false)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Country < out[j].Country })
	add(World, cur.GtC, prev.GtC, true)
	return out
}
