// Package fossil turns near-real-time activity-based emissions (Carbon
// Monitor's daily country × sector estimates) into the fossil term of the
// budget for one month: national and sectoral totals, a gridded field and
// the global E_FOS with its uncertainty.
//
// Units: Carbon Monitor gives MtCO2 per day; the stage reports GtC
// (MtCO2 ÷ 3.664 ÷ 1000, the GCB conversion factor, science.md section 1)
// and grids in g C m⁻² per month, positive to the atmosphere. Carbon
// Monitor's industry sector includes cement process emissions; the cement
// carbonation sink is a separate budget term, so E_FOS here is "excluding
// carbonation" as in the GCB sheets. International aviation is a global,
// ungridded line (a bunker fuel), like shipping in the GCB; Carbon
// Monitor's global file has no shipping row.
package fossil

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// GtCO2PerGtC is the GCB conversion between CO2 and carbon mass.
const GtCO2PerGtC = 3.664

// RelativeSigma is the 1σ relative uncertainty of fossil emissions: the
// GCB's ±5 % for E_FOS (science.md section 2), used for every sector.
// Carbon Monitor's own per-sector figures are not in science.md; callers
// with them can set Options.SectorSigma.
const RelativeSigma = 0.05

// InternationalAviation is the sector kept global and ungridded.
const InternationalAviation = "International Aviation"

// ErrIncomplete means the month's records do not cover what E_FOS needs.
var ErrIncomplete = errors.New("incomplete fossil records")

// Sectors are Carbon Monitor's sectors: a month needs every one of them
// for every row of the partition.
var Sectors = ingest.FossilSectors

// MaxMtCO2PerDay bounds one row's daily emission. The whole world emits
// about 100 MtCO2 a day (37 GtCO2/yr), so a row above ten times that is
// bad input (a value in kt or t, a corrupt number), not an emission.
const MaxMtCO2PerDay = 1000

// WorldTolerance is how far, relative to WORLD, the partition's sum may
// be from the source's own WORLD rows over a month and sector. The real
// export agrees to 1e-7; 0.5 % leaves room for rounded files while
// catching a missing country (the smallest, Japan, is about 3 %).
const WorldTolerance = 0.005

// CountryMasks gives each country's fractional cover of the grid cells.
// internal/regions satisfies it.
type CountryMasks interface {
	CountryIDs() []string // ISO 3166-1 alpha-3
	// SparseWeights are the cells of country id, in increasing order,
	// and the share of each that is its land.
	SparseWeights(id string) (cells []int32, weights []float32, err error)
}

// Inputs are what Run needs for one month.
type Inputs struct {
	Records   []ingest.FossilRecord // at least the month's days; other days are ignored
	Grid      grid.Grid
	Countries CountryMasks
	// Proxy optionally weights emissions within a country (an annual
	// gridded emission or population field, any non-negative units).
	// Nil spreads by land area.
	Proxy *grid.Field
	// Gridder, when set, is reused instead of building one from Countries
	// and Proxy (it costs a pass over every country mask).
	Gridder *Gridder
}

// Options tunes Run. The zero value is the production setting.
type Options struct {
	// AllowIncomplete completes a month with missing days from the mean
	// daily rate of the days present and marks the result provisional.
	AllowIncomplete bool
	// SectorSigma overrides RelativeSigma per sector.
	SectorSigma map[string]float64
}

// NationalRow is one country (or Carbon Monitor group) and sector.
type NationalRow struct {
	Country string // Carbon Monitor's row name
	ISO3    string // empty for groups (EU27 & UK, ROW, WORLD)
	Sector  string
	GtC     float64 // for the month
	Days    int     // days with data
}

// Result is the fossil term for one month.
type Result struct {
	Month    grid.Month
	Grid     *grid.Field // g C m-2 month-1, all sectors but international aviation
	National []NationalRow
	GtC      float64 // global E_FOS for the month, international aviation included
	SigmaGtC float64
	// BunkersGtC is international aviation, in GtC but not in Grid.
	BunkersGtC  float64
	Provisional bool
}

// Run computes the fossil term of month m.
func Run(ctx context.Context, m grid.Month, in Inputs, opt Options) (*Result, error) {
	totals, err := monthTotals(m, in.Records, opt.AllowIncomplete)
	if err != nil {
		return nil, err
	}
	res := &Result{Month: m}
	for _, t := range totals {
		if t.Days < m.Days() {
			res.Provisional = true
		}
		res.National = append(res.National, NationalRow{Country: t.country, ISO3: iso3[t.country], Sector: t.sector, GtC: t.gtc, Days: t.Days})
	}
	sigma := map[string]float64{}
	for _, row := range res.National {
		if !isPartition(row.Country) {
			continue
		}
		res.GtC += row.GtC
		if row.Sector == InternationalAviation {
			res.BunkersGtC += row.GtC
		}
		sigma[row.Sector] += row.GtC * sectorSigma(opt, row.Sector)
	}
	// Errors within a sector are shared by its countries (one method);
	// sectors are independent of each other.
	for _, sector := range slices.Sorted(maps.Keys(sigma)) {
		res.SigmaGtC += sigma[sector] * sigma[sector]
	}
	res.SigmaGtC = math.Sqrt(res.SigmaGtC)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.Grid, err = gridNational(m, res.National, in)
	if err != nil {
		return nil, fmt.Errorf("fossil %s: %w", m, err)
	}
	return res, nil
}

func sectorSigma(opt Options, sector string) float64 {
	if s, ok := opt.SectorSigma[sector]; ok {
		return s
	}
	return RelativeSigma
}

func isPartition(country string) bool {
	for _, c := range partition {
		if c == country {
			return true
		}
	}
	return false
}

type total struct {
	country, sector string
	gtc             float64
	Days            int
}

// monthTotals sums the month's daily records per country and sector.
func monthTotals(m grid.Month, recs []ingest.FossilRecord, allowIncomplete bool) ([]total, error) {
	type key struct{ country, sector string }
	sums := map[key]*total{}
	seen := map[key]map[int]bool{}
	start, end := m.Start(), m.End()
	for _, r := range recs {
		if r.Date.Before(start) || !r.Date.Before(end) {
			continue
		}
		if err := checkCountry(r.Country); err != nil {
			return nil, fmt.Errorf("fossil %s: %w", m, err)
		}
		if !(r.MtCO2PerDay >= 0 && r.MtCO2PerDay <= MaxMtCO2PerDay) {
			return nil, fmt.Errorf("fossil %s: %s %s on %s: %g MtCO2/day is not a plausible emission (0 to %d; the world emits about 100 a day: wrong units?)",
				m, r.Country, r.Sector, r.Date.Format("2006-01-02"), r.MtCO2PerDay, MaxMtCO2PerDay)
		}
		k := key{r.Country, r.Sector}
		if sums[k] == nil {
			sums[k] = &total{country: r.Country, sector: r.Sector}
			seen[k] = map[int]bool{}
		}
		day := r.Date.Day()
		if seen[k][day] {
			return nil, fmt.Errorf("fossil %s: %s %s has two values for %s", m, r.Country, r.Sector, r.Date.Format("2006-01-02"))
		}
		seen[k][day] = true
		sums[k].gtc += r.MtCO2PerDay / GtCO2PerGtC / 1000
		sums[k].Days++
	}
	if len(sums) == 0 {
		return nil, fmt.Errorf("fossil %s: no Carbon Monitor records for the month", m)
	}
	// In a fixed order: floating-point sums over these rows must give the
	// same bits on every run (a map's order is random).
	keys := slices.SortedFunc(maps.Keys(sums), func(a, b key) int {
		return cmp.Or(strings.Compare(a.country, b.country), strings.Compare(a.sector, b.sector))
	})
	out := make([]total, 0, len(sums))
	for _, k := range keys {
		t := sums[k]
		if t.Days < m.Days() {
			if !allowIncomplete {
				return nil, fmt.Errorf("fossil %s: %s %s has %d of %d days (set sources.fossil.allow_incomplete: true to complete the month from its daily mean, provisional)", m, t.country, t.sector, t.Days, m.Days())
			}
			t.gtc *= float64(m.Days()) / float64(t.Days)
		}
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].country != out[j].country {
			return out[i].country < out[j].country
		}
		return out[i].sector < out[j].sector
	})
	if err := checkComplete(out); err != nil {
		return nil, fmt.Errorf("fossil %s: %w", m, err)
	}
	return out, nil
}

// checkComplete refuses a month that lacks a sector of a partition row (an
// export of some sectors or countries only would otherwise sum to a
// fraction of E_FOS), and one whose partition does not add up to the
// source's own WORLD rows.
func checkComplete(totals []total) error {
	have := map[[2]string]float64{}
	for _, t := range totals {
		have[[2]string{t.country, t.sector}] = t.gtc
	}
	var missing []string
	for _, c := range partition {
		for _, s := range Sectors {
			if _, ok := have[[2]string{c, s}]; !ok {
				missing = append(missing, c+" / "+s)
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: no rows for %s (E_FOS needs every sector of %s)", ErrIncomplete, strings.Join(missing, ", "), strings.Join(partition, ", "))
	}
	for _, s := range Sectors {
		world, ok := have[[2]string{World, s}]
		if !ok {
			continue // the file has no WORLD rows for the sector: nothing to compare
		}
		var sum float64
		for _, c := range partition {
			sum += have[[2]string{c, s}]
		}
		if math.Abs(sum-world) > WorldTolerance*world {
			return fmt.Errorf("%w: %s: the partition sums to %.6g GtC, the file's WORLD rows to %.6g GtC (%+.2f %%, tolerance %.1f %%)",
				ErrIncomplete, s, sum, world, 100*(sum/world-1), 100*WorldTolerance)
		}
	}
	return nil
}
