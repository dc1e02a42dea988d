package release

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// Diff is what changed between two published states (two releases' trees
// or two output directories), value by value, with its causes.
type Diff struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Kind is "none" (no value and no manifest changed), "data" (inputs
	// changed), "method" (code, models or configuration changed),
	// "data+method", "months" (only months added or removed), or
	// "non-reproducible" when values changed in a month whose inputs,
	// code, models and configuration did not.
	Kind          string   `json:"kind"`
	Summary       []string `json:"summary"`
	MonthsAdded   []string `json:"months_added,omitempty"`
	MonthsRemoved []string `json:"months_removed,omitempty"`
	// NonReproducible are the months whose values changed with nothing
	// changed in their manifests.
	NonReproducible []string `json:"non_reproducible,omitempty"`
	Causes          Causes   `json:"causes"`
	// Changes are the changed values, largest |Δ| first.
	Changes []Change `json:"changes"`
}

// Change is one changed value: a budget term of a month (Region "global")
// or a regional row (Term is its component), GtC in the month.
type Change struct {
	Month         string  `json:"month"`
	Region        string  `json:"region"`
	Term          string  `json:"term"`
	FromGtC       float64 `json:"from_gtc"`
	ToGtC         float64 `json:"to_gtc"`
	DeltaGtC      float64 `json:"delta_gtc"`
	FromSigmaGtC  float64 `json:"from_sigma_gtc"`
	ToSigmaGtC    float64 `json:"to_sigma_gtc"`
	DeltaSigmaGtC float64 `json:"delta_sigma_gtc"`
	// Cause is the month's: data, method, data+method or non-reproducible.
	Cause string `json:"cause"`
}

// MarshalJSON writes a missing side (a row only one side has) as null.
func (c Change) MarshalJSON() ([]byte, error) {
	type plain Change
	p := func(v float64) *float64 {
		if math.IsNaN(v) {
			return nil
		}
		return &v
	}
	return json.Marshal(struct {
		plain
		FromGtC      *float64 `json:"from_gtc"`
		ToGtC        *float64 `json:"to_gtc"`
		FromSigmaGtC *float64 `json:"from_sigma_gtc"`
		ToSigmaGtC   *float64 `json:"to_sigma_gtc"`
	}{plain(c), p(c.FromGtC), p(c.ToGtC), p(c.FromSigmaGtC), p(c.ToSigmaGtC)})
}

// UnmarshalJSON reads null as NaN.
func (c *Change) UnmarshalJSON(b []byte) error {
	type plain Change
	var v struct {
		plain
		FromGtC      *float64 `json:"from_gtc"`
		ToGtC        *float64 `json:"to_gtc"`
		FromSigmaGtC *float64 `json:"from_sigma_gtc"`
		ToSigmaGtC   *float64 `json:"to_sigma_gtc"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Change(v.plain)
	f := func(p *float64) float64 {
		if p == nil {
			return math.NaN()
		}
		return *p
	}
	c.FromGtC, c.ToGtC, c.FromSigmaGtC, c.ToSigmaGtC = f(v.FromGtC), f(v.ToGtC), f(v.FromSigmaGtC), f(v.ToSigmaGtC)
	return nil
}

// Compare diffs the published state of directory a against b: every
// budget term and regional value of the months both publish, and the
// months' manifests for the causes.
func Compare(a, b string) (*Diff, error) {
	ma, err := lake.ReadMonths(a)
	if err != nil {
		return nil, fmt.Errorf("diff: %w", err)
	}
	mb, err := lake.ReadMonths(b)
	if err != nil {
		return nil, fmt.Errorf("diff: %w", err)
	}
	d := &Diff{From: a, To: b, Changes: []Change{}}
	var months []string
	for m := range ma {
		if _, ok := mb[m]; ok {
			months = append(months, m.String())
		} else {
			d.MonthsRemoved = append(d.MonthsRemoved, m.String())
		}
	}
	for m := range mb {
		if _, ok := ma[m]; !ok {
			d.MonthsAdded = append(d.MonthsAdded, m.String())
		}
	}
	sort.Strings(months)
	sort.Strings(d.MonthsAdded)
	sort.Strings(d.MonthsRemoved)
	ra, rb := map[string]lake.MonthRecord{}, map[string]lake.MonthRecord{}
	for m, r := range ma {
		ra[m.String()] = r
	}
	for m, r := range mb {
		rb[m.String()] = r
	}
	for _, month := range months {
		changes := compareMonth(month, ra[month], rb[month])
		mfA, errA := readManifest(a, month)
		mfB, errB := readManifest(b, month)
		var c Causes // without both manifests nothing explains a change
		if errA == nil && errB == nil {
			c = compareManifests(month, mfA, mfB)
		}
		if len(changes) == 0 {
			// Unchanged values with changed inputs (a file that moved
			// nothing) are still worth naming.
			d.Causes.merge(c)
			continue
		}
		cause := causeKind(&c)
		if cause == "non-reproducible" {
			d.NonReproducible = append(d.NonReproducible, month)
		}
		for i := range changes {
			changes[i].Cause = cause
		}
		d.Changes = append(d.Changes, changes...)
		d.Causes.merge(c)
	}
	sortChanges(d.Changes)
	d.Kind = d.kind()
	d.Summary = d.summarise()
	return d, nil
}

// sortChanges puts the largest change (of the value or of its σ) first.
func sortChanges(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool {
		x, y := cs[i], cs[j]
		if ax, ay := math.Max(math.Abs(x.DeltaGtC), math.Abs(x.DeltaSigmaGtC)), math.Max(math.Abs(y.DeltaGtC), math.Abs(y.DeltaSigmaGtC)); ax != ay {
			return ax > ay
		}
		if x.Month != y.Month {
			return x.Month < y.Month
		}
		if x.Region != y.Region {
			return x.Region < y.Region
		}
		return x.Term < y.Term
	})
}

// kind names what the diff is (see Diff.Kind). It follows the causes, also
// when no value moved: a new code version that changes no number is still
// a method change.
func (d *Diff) kind() string {
	data, method := d.Causes.data(), d.Causes.method()
	switch {
	case len(d.NonReproducible) > 0:
		return "non-reproducible"
	case data && method:
		return "data+method"
	case data:
		return "data"
	case method:
		return "method"
	case len(d.Changes) > 0 || len(d.MonthsAdded) > 0 || len(d.MonthsRemoved) > 0:
		return "months"
	default:
		return "none"
	}
}

func causeKind(c *Causes) string {
	switch {
	case c.data() && c.method():
		return "data+method"
	case c.data():
		return "data"
	case c.method():
		return "method"
	}
	return "non-reproducible"
}

// compareMonth lists the month's changed values: the identity's terms and
// the regional rows, keyed by region and component.
func compareMonth(month string, a, b lake.MonthRecord) []Change {
	var out []Change
	add := func(region, term string, x, y lake.Term, inA, inB bool) {
		if inA && inB && same(x.GtC, y.GtC) && same(x.SigmaGtC, y.SigmaGtC) {
			return
		}
		c := Change{Month: month, Region: region, Term: term, FromGtC: nan(inA, x.GtC), ToGtC: nan(inB, y.GtC),
			FromSigmaGtC: nan(inA, x.SigmaGtC), ToSigmaGtC: nan(inB, y.SigmaGtC)}
		c.DeltaGtC = deltaOf(c.FromGtC, c.ToGtC)
		c.DeltaSigmaGtC = deltaOf(c.FromSigmaGtC, c.ToSigmaGtC)
		out = append(out, c)
	}
	ta, tb := a.Budget.TermsByKey(), b.Budget.TermsByKey()
	for i := range ta {
		add("global", ta[i].Key, ta[i].Term, tb[i].Term, true, true)
	}
	type key struct{ region, comp string }
	rows := func(r lake.MonthRecord) map[key]lake.Term {
		m := map[key]lake.Term{}
		for _, row := range r.Regional {
			m[key{row.RegionID, row.Component}] = lake.Term{GtC: row.GtC, SigmaGtC: row.SigmaGtC}
		}
		return m
	}
	ra, rb := rows(a), rows(b)
	byRegion := func(p, q key) int {
		return cmp.Or(strings.Compare(p.region, q.region), strings.Compare(p.comp, q.comp))
	}
	for _, k := range unionKeysFunc(ra, rb, byRegion) {
		x, inA := ra[k]
		y, inB := rb[k]
		add(k.region, k.comp, x, y, inA, inB)
	}
	return out
}

// same compares two published values exactly (NaN equals NaN): any other
// difference is a change, since a rerun on the same inputs is meant to give
// the same bytes.
func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

func nan(ok bool, v float64) float64 {
	if !ok {
		return math.NaN()
	}
	return v
}

// deltaOf is b − a, treating a missing side as 0.
func deltaOf(a, b float64) float64 {
	if math.IsNaN(a) {
		a = 0
	}
	if math.IsNaN(b) {
		b = 0
	}
	return b - a
}

// summarise says the diff in a few lines.
func (d *Diff) summarise() []string {
	var s []string
	if len(d.MonthsAdded) > 0 {
		s = append(s, fmt.Sprintf("%d months added (%s to %s)", len(d.MonthsAdded), d.MonthsAdded[0], d.MonthsAdded[len(d.MonthsAdded)-1]))
	}
	if len(d.MonthsRemoved) > 0 {
		s = append(s, fmt.Sprintf("%d months removed", len(d.MonthsRemoved)))
	}
	terms := map[string]bool{}
	months := map[string]bool{}
	for _, c := range d.Changes {
		terms[c.Region+" "+c.Term] = true
		months[c.Month] = true
	}
	if len(d.Changes) == 0 {
		s = append(s, "no value changed in the months both publish")
	} else {
		s = append(s, fmt.Sprintf("%d values changed (%d terms or regional components) in %d months; largest: %s %s %s %+.4g GtC",
			len(d.Changes), len(terms), len(months), d.Changes[0].Month, d.Changes[0].Region, d.Changes[0].Term, d.Changes[0].DeltaGtC))
	}
	for _, in := range d.Causes.Inputs {
		v := ""
		if in.VintageFrom != in.VintageTo {
			v = fmt.Sprintf(", vintage %q → %q", in.VintageFrom, in.VintageTo)
		}
		s = append(s, fmt.Sprintf("data: %s input %s %s (sha256 %s → %s%s) in %d months", in.Source, in.Path, in.Change,
			short(in.SHA256From), short(in.SHA256To), v, len(in.Months)))
	}
	for _, m := range d.Causes.Models {
		s = append(s, fmt.Sprintf("method: %s model %s %s (sha256 %s → %s) in %d months", m.Component, m.Name, m.Change,
			short(m.SHA256From), short(m.SHA256To), len(m.Months)))
	}
	for _, c := range d.Causes.Code {
		s = append(s, fmt.Sprintf("method: code version %s → %s in %d months", c.From, c.To, len(c.Months)))
	}
	for _, c := range d.Causes.Config {
		s = append(s, fmt.Sprintf("method: configuration %s %q → %q in %d months", c.Key, c.From, c.To, len(c.Months)))
	}
	if len(d.NonReproducible) > 0 {
		s = append(s, fmt.Sprintf("NON-REPRODUCIBLE: values changed in %d months with no changed input, model, code or configuration (%s …)",
			len(d.NonReproducible), d.NonReproducible[0]))
	}
	return s
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	if sum == "" {
		return "-"
	}
	return sum
}

// changelog is the diff as a release's changelog against release from.
func (d *Diff) changelog(from string) *Changelog {
	c := &Changelog{From: from, Summary: d.Summary, Kind: d.Kind, Causes: d.Causes}
	c.Largest = d.Changes[:min(len(d.Changes), maxChangelogChanges)]
	return c
}
