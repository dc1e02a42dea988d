package nowcast

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TermNames are the budget terms projected, in the order of the tables.
var TermNames = []string{"e_fos", "e_luc", "g_atm", "s_ocean", "s_land", "s_cement", "b_im"}

// Inputs are the series a projection reads, as read (Project cuts them to
// what was available in the month it is made in).
type Inputs struct {
	// TermsGtC and TermSigmasGtC hold each term's computed months (GtC per
	// month, 1σ), keyed by TermNames; projected months never go in.
	TermsGtC      map[string]Monthly
	TermSigmasGtC map[string]Monthly
	// AnnualSigmasGtC is each term's 1σ of complete calendar years as
	// budget_annual gives it (for S_OCEAN and S_LAND the spread of the
	// members' annual totals, far below twelve monthly spreads added up);
	// a projection uses the latest year before its own.
	AnnualSigmasGtC map[string]Annual
	// CO2 holds NOAA's monthly records by series name ("global", "mlo");
	// ONI is the Oceanic Niño Index by centre month (°C). Either may be
	// empty: then the growth rates are not projected.
	CO2 map[string]CO2Record
	ONI Monthly
}

// Projection is the year in progress as projected in month AsOf.
type Projection struct {
	Year   int
	AsOf   grid.Month
	Terms  map[string]Term   // by TermNames; absent when no month is computed
	Growth map[string]Growth // by CO2 series name; absent when inputs are missing
	// Skipped says why a term or growth rate is absent.
	Skipped map[string]string
}

// ErrNothing means no term and no growth rate could be projected.
var ErrNothing = errors.New("nothing to project")

// Project projects the calendar year of asOf from the data available when
// month asOf's data are in: months up to asOf, ONI seasons published by
// then. It never reads a later value, whatever in holds.
func Project(asOf grid.Month, in Inputs) (Projection, error) {
	p := Projection{Year: asOf.Year, AsOf: asOf, Terms: map[string]Term{}, Growth: map[string]Growth{}, Skipped: map[string]string{}}
	for _, name := range TermNames {
		v, ok := in.TermsGtC[name]
		if !ok {
			continue
		}
		t, err := projectTerm(name, v.Until(asOf), in.TermSigmasGtC[name].Until(asOf), in.AnnualSigmasGtC[name].Until(asOf.Year-1), asOf)
		if err != nil {
			p.Skipped[name] = err.Error()
			continue
		}
		p.Terms[name] = t
	}
	oni := in.ONI.Until(oniPublished(asOf))
	for _, name := range slices.Sorted(maps.Keys(in.CO2)) {
		rec := in.CO2[name]
		if len(oni) == 0 {
			p.Skipped["growth/"+name] = "no ONI"
			continue
		}
		g, err := projectGrowth(rec.until(asOf), oni, asOf)
		if err != nil {
			p.Skipped["growth/"+name] = err.Error()
			continue
		}
		p.Growth[name] = g
	}
	if len(p.Terms) == 0 && len(p.Growth) == 0 {
		return p, fmt.Errorf("project %d as of %s: %w (%v)", asOf.Year, asOf, ErrNothing, p.Skipped)
	}
	return p, nil
}
