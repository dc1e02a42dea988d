package pipeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"path/filepath"
	"sort"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest/enso"
	"github.com/carbonbudget/carbonbudget/ingest/noaa"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/nowcast"
)

// ONIPath is where the projection looks for CPC's Oceanic Niño Index
// under the input directory; without it the growth rates are not projected.
const ONIPath = "enso/oni.ascii.txt"

// WriteProjection projects every year of the published months as of its
// latest month (nowcast.PublishedAsOf) and replaces the projection files.
// t are the tables just written.
func (r *Runner) WriteProjection(t lake.Tables, madeAt time.Time) error {
	in := r.ProjectionInputs(t.Monthly, t.Annual)
	latest := map[int]grid.Month{}
	for _, s := range in.TermsGtC {
		for m := range s {
			if l, ok := latest[m.Year]; !ok || l.Before(m) {
				latest[m.Year] = m
			}
		}
	}
	years := make([]int, 0, len(latest))
	for y := range latest {
		years = append(years, y)
	}
	sort.Ints(years)
	var rows []lake.ProjectionRow
	var docs []lake.ProjectionDoc
	for _, y := range years {
		asOf := nowcast.PublishedAsOf(latest[y])
		if asOf.Year != y {
			continue // only December was computed: nothing to project from
		}
		p, err := nowcast.Project(asOf, in)
		if err != nil {
			r.Log.Warn("no projection", "year", y, "as_of", asOf, "err", err)
			continue
		}
		for k, why := range p.Skipped {
			r.Log.Debug("projection leaves out", "year", y, "what", k, "why", why)
		}
		rr, doc := nowcast.Publish(p, madeAt)
		rows = append(rows, rr...)
		docs = append(docs, doc)
	}
	if len(docs) == 0 {
		return nil
	}
	if old, err := lake.ReadProjection(r.Cfg.OutputDir); err == nil && sameProjections(old, docs) {
		// Nothing but the clock would change: made_at stays the time the
		// projection was made, and a rerun leaves the files' bytes as they
		// were (releases and reproducibility compare bytes).
		return nil
	}
	return lake.WriteProjection(r.Cfg.OutputDir, rows, docs)
}

// ProjectionInputs gathers what the projection reads: the computed months
// and the σ of complete years (budget_monthly and budget_annual),
// NOAA's monthly record of the co2_monthly source and the ONI when
// present. A record that cannot be read leaves the growth rates out (the
// month's own build reports it), it does not stop the tables.
func (r *Runner) ProjectionInputs(monthly, annual []lake.Row) nowcast.Inputs {
	var in nowcast.Inputs
	in.TermsGtC, in.TermSigmasGtC = nowcast.TermsFromRows(monthly)
	in.AnnualSigmasGtC = nowcast.AnnualSigmasFromRows(annual)
	if p, err := r.Cfg.SourcePath("co2_monthly", grid.Month{}, ""); err == nil {
		if rec, err := noaa.ReadMonthlyFile(p); err == nil {
			in.CO2 = map[string]nowcast.CO2Record{"global": nowcast.RecordOf(rec)}
		} else {
			r.Log.Warn("projection without the growth rate", "err", err)
		}
	}
	p := filepath.Join(r.Cfg.InputDir, ONIPath)
	if x, err := enso.ReadFile(p); err == nil {
		in.ONI = nowcast.ONIOf(x)
	} else if !errors.Is(err, fs.ErrNotExist) {
		r.Log.Warn("projection without the ONI", "path", p, "err", err)
	}
	return in
}

// reportProjection is the projection of m's year made in m, for the
// month's report: nil in December (the year is computed) or when nothing
// can be projected. It carries no made_at, so that a rerun of the month
// writes the same report.
func (r *Runner) reportProjection(m grid.Month, monthly, annual []lake.Row) *lake.ProjectionDoc {
	if m.Month == time.December {
		return nil
	}
	p, err := nowcast.Project(m, r.ProjectionInputs(monthly, annual))
	if err != nil {
		return nil
	}
	_, doc := nowcast.Publish(p, time.Time{})
	doc.MadeAt = ""
	return &doc
}

// sameProjections reports whether a and b differ in nothing but made_at.
func sameProjections(a, b []lake.ProjectionDoc) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		x.MadeAt, y.MadeAt = "", ""
		xb, err1 := json.Marshal(x)
		yb, err2 := json.Marshal(y)
		if err1 != nil || err2 != nil || !bytes.Equal(xb, yb) {
			return false
		}
	}
	return true
}
