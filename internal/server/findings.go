package server

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// findingFilter is the query of the findings endpoints: from and to
// (YYYY-MM or YYYY, inclusive; a year counts as its December, when it is
// known) and region.
type findingFilter struct{ from, to, region string }

func parseFindingFilter(r *http.Request, snap *snapshot) (findingFilter, error) {
	q := r.URL.Query()
	f := findingFilter{from: q.Get("from"), to: q.Get("to"), region: q.Get("region")}
	for _, p := range []struct{ name, v string }{{"from", f.from}, {"to", f.to}} {
		if p.v == "" {
			continue
		}
		if _, err := grid.ParseMonth(p.v); err != nil && !isYear(p.v) {
			return f, errBadRequest("%s: YYYY-MM or YYYY", p.name)
		}
	}
	if f.region != "" {
		if _, ok := snap.regionIndex[f.region]; !ok {
			return f, errNotFound("unknown region; GET /api/v1/regions lists them")
		}
	}
	return f, nil
}

func isYear(s string) bool {
	var y int
	n, err := fmt.Sscanf(s, "%4d", &y)
	return err == nil && n == 1 && len(s) == 4 && y > 0
}

// periodKey orders months and years together: a year sorts as its
// December, the month it is known in; from bounds are inclusive of a
// whole year ("2023" from January).
func periodKey(p string, from bool) string {
	if isYear(p) {
		if from {
			return p + "-01"
		}
		return p + "-12"
	}
	return p
}

func (f findingFilter) keep(x lake.Finding) bool {
	k := periodKey(x.Period, false)
	return (f.from == "" || k >= periodKey(f.from, true)) && (f.to == "" || k <= periodKey(f.to, false)) &&
		(f.region == "" || x.RegionID == f.region)
}

// findings serves the findings table (what was unusual), filtered by
// from, to and region, as JSON (with each finding's driver shares), CSV
// or Parquet.
func (s *Server) findings(w http.ResponseWriter, r *http.Request) error {
	snap := s.data.get()
	f, err := parseFindingFilter(r, snap)
	if err != nil {
		return err
	}
	format, err := parseFormat(r)
	if err != nil {
		return err
	}
	key := reqKey(snap.etag, r.URL.Path, "from="+f.from, "to="+f.to, "region="+f.region, "format="+format)
	if notModified(w, r, snap, key) {
		return nil
	}
	return s.writeTable(w, r, "findings", key, format, func() any {
		rows := []lake.Finding{}
		for _, x := range snap.findings {
			if f.keep(x) {
				rows = append(rows, x)
			}
		}
		return rows
	})
}

// maxAtomEntries bounds the feed: the newest findings.
const maxAtomEntries = 100

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Link    atomLink    `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
}

// findingsAtom serves the newest findings (same filters) as an Atom feed
// (RFC 4287) that analysts can subscribe to. An entry's id names its
// period, region and component, so a reader shows it once; its date is
// when its month was published (the month's budget.json; a year's
// December).
func (s *Server) findingsAtom(w http.ResponseWriter, r *http.Request) error {
	snap := s.data.get()
	f, err := parseFindingFilter(r, snap)
	if err != nil {
		return err
	}
	key := reqKey(snap.etag, r.URL.Path, "from="+f.from, "to="+f.to, "region="+f.region)
	if notModified(w, r, snap, key) {
		return nil
	}
	body, err := s.cache.getOrMake(key, func() ([]byte, error) {
		feed := atomFeed{Title: "carbonbudget: what was unusual", ID: "urn:carbonbudget:findings",
			Updated: snap.modTime.UTC().Format(time.RFC3339), Link: atomLink{Href: "/api/v1/findings.atom", Rel: "self"},
			Author: atomAuthor{Name: "carbonbudget"}}
		published := map[string]string{}
		for i := len(snap.findings) - 1; i >= 0 && len(feed.Entries) < maxAtomEntries; i-- {
			x := snap.findings[i]
			if !f.keep(x) {
				continue
			}
			month := periodKey(x.Period, false)
			if _, ok := published[month]; !ok {
				published[month] = feed.Updated
				if st, err := os.Stat(filepath.Join(s.out, lake.MonthsDir, month, lake.BudgetJSON)); err == nil {
					published[month] = st.ModTime().UTC().Format(time.RFC3339)
				}
			}
			feed.Entries = append(feed.Entries, atomEntry{
				Title:   fmt.Sprintf("%s %s: %s %+.3f GtC (%+.1f σ)", x.Period, x.Name, componentTitle(x.Component), x.AnomalyGtC, x.Z),
				ID:      fmt.Sprintf("urn:carbonbudget:finding:%s:%s:%s", x.Period, x.RegionID, x.Component),
				Updated: published[month],
				Link:    atomLink{Href: fmt.Sprintf("/api/v1/findings?from=%s&to=%s&region=%s", x.Period, x.Period, x.RegionID)},
				Summary: x.Text,
			})
		}
		out, err := xml.MarshalIndent(feed, "", "  ")
		return append([]byte(xml.Header), out...), err
	})
	if err != nil {
		return err
	}
	return s.send(w, r, "application/atom+xml; charset=utf-8", body, key)
}

func componentTitle(c string) string {
	switch c {
	case lake.CompLand:
		return "land sink anomaly"
	case lake.CompOcean:
		return "ocean sink anomaly"
	case lake.CompFire:
		return "fire anomaly"
	}
	return c + " anomaly"
}
