package report

import (
	"fmt"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// nowcastTerms are the terms of the "This year so far" paragraph, in the
// order of the budget table.
var nowcastTerms = []struct{ key, name string }{
	{"e_fos", "E_FOS"}, {"e_luc", "E_LUC"}, {"g_atm", "G_ATM"}, {"s_ocean", "S_OCEAN"},
	{"s_land", "S_LAND"}, {"s_cement", "S_CEMENT"}, {"b_im", "B_IM"},
}

// writeNowcast writes the "This year so far" paragraph: the year of the
// report as projected from the months computed up to it. Nothing when p
// is nil (December, or nothing could be projected).
func writeNowcast(b *strings.Builder, p *lake.ProjectionDoc) {
	if p == nil || len(p.Terms) == 0 && len(p.Growth) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## This year so far\n\n")
	months := 0
	var parts []string
	for _, t := range nowcastTerms {
		v, ok := p.Terms[t.key]
		if !ok {
			continue
		}
		months = max(months, v.MonthsObserved)
		parts = append(parts, fmt.Sprintf("%s %.2f ± %.2f (%.2f so far)", t.name, v.GtC, v.SigmaGtC, v.YTDGtC))
	}
	if len(parts) > 0 {
		fmt.Fprintf(b, "With %d month(s) of %d computed (data to %s), the year is projected at, in GtC/yr: %s.", months, p.Year, p.AsOf, strings.Join(parts, "; "))
	}
	var growth []string
	for _, s := range []struct{ key, name string }{{"global", "global"}, {"mlo", "Mauna Loa"}} {
		if g, ok := p.Growth[s.key]; ok {
			growth = append(growth, fmt.Sprintf("%s %.2f ± %.2f ppm/yr", s.name, g.Value, g.Sigma))
		}
	}
	if len(growth) > 0 {
		fmt.Fprintf(b, " The annual CO₂ growth rate (NOAA's definition) is projected at %s.", strings.Join(growth, ", "))
	}
	b.WriteString(" These are projections (maturity `projected`, in `projection.csv`), not computed months: ±1σ comes from the errors of the same projection in earlier years (from this year's scatter while there are fewer than three) and narrows as the year fills.\n")
}
