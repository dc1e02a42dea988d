package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/release"
)

// publishConsistent publishes months that pass the release checks: the
// regional rows partition the globe (three land bands, two countries, two
// ocean bands), the fossil rows add up to WORLD. gAtmGtC sets G_ATM and
// noaaSHA the NOAA file named in the manifests.
func publishConsistent(t *testing.T, out string, gAtmGtC float64, noaaSHA string) {
	t.Helper()
	g := grid.MustNew(2)
	for _, m := range grid.Range(grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2}) {
		tm := lake.Terms{EFos: lake.Term{GtC: 0.8, SigmaGtC: 0.04}, ELUC: lake.Term{GtC: 0.1, SigmaGtC: 0.06},
			GAtm: lake.Term{GtC: gAtmGtC}, SOcean: lake.Term{GtC: 0.24, SigmaGtC: 0.03}, SLand: lake.Term{GtC: 0.25, SigmaGtC: 0.04}}
		res := &budget.Result{Month: m, Budget: budget.Close(m.String(), tm), GAtmDeseasonalisedGtC: gAtmGtC}
		row := func(id, kind, comp string, v float64) {
			res.Regional = append(res.Regional, lake.RegionRow{Month: m.String(), RegionID: id, Name: id, Kind: kind, Component: comp, GtC: v})
		}
		for comp, v := range map[string]float64{lake.CompFossil: 0.8, lake.CompLand: 0.25, lake.CompFire: 0.05} {
			row("global", "global", comp, v)
			row("band-land/n", "band-land", comp, 0.5*v)
			row("band-land/t", "band-land", comp, 0.25*v)
			row("band-land/s", "band-land", comp, 0.25*v)
			row("BRA", "country", comp, 0.75*v)
			row("CHN", "country", comp, 0.25*v)
		}
		row("global", "global", lake.CompOcean, 0.24)
		row("band-ocean/n", "band-ocean", lake.CompOcean, 0.16)
		row("band-ocean/s", "band-ocean", lake.CompOcean, 0.08)
		res.FossilNational = []lake.NationalRow{{Month: m.String(), Country: "China", ISO3: "CHN", Sector: "Power", GtC: 0.5},
			{Month: m.String(), Country: "ROW", Sector: "Power", GtC: 0.3}, {Month: m.String(), Country: "WORLD", Sector: "Power", GtC: 0.8}}
		if err := lake.WriteMonth(lake.MonthDir(out, m), res.Record()); err != nil {
			t.Fatal(err)
		}
		man := `{"month":"` + m.String() + `","code_version":"v1","inputs":[{"source":"co2_monthly","path":"noaa/co2_mm_gl.txt","sha256":"` + noaaSHA + `","status":"ok"}]}`
		if err := durable.WriteFile(filepath.Join(lake.MonthDir(out, m), "manifest.json"), func(w io.Writer) error {
			_, err := io.WriteString(w, man)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		v := make([]float32, g.Cells())
		gm := output.GridMonth{Grid: g, Month: m, Columns: []output.Column{{Name: "net_flux", Units: "g C m-2 month-1", Values: v}}}
		if err := output.WriteGrid(output.GridPath(out, m), gm); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeTables(out); err != nil {
		t.Fatal(err)
	}
}

// TestReleasesServed makes two releases and checks the release list,
// ?release= on a table (the frozen values, the header naming the
// release), the live default, unknown releases, the diff endpoint and the
// dashboard's release script.
func TestReleasesServed(t *testing.T) {
	out := t.TempDir()
	publishConsistent(t, out, 0.4, "aa")
	first, _, err := release.Create(out, release.Options{Name: "first", Now: time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	publishConsistent(t, out, 0.45, "bb")
	second, _, err := release.Create(out, release.Options{Name: "second", Now: time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	publishConsistent(t, out, 0.5, "cc") // live, not released
	ts := newTestServer(t, out)

	resp, b := get(t, ts, "/api/v1/releases")
	var list struct {
		Latest   string            `json:"latest"`
		Releases []release.Summary `json:"releases"`
	}
	if err := json.Unmarshal(b, &list); err != nil || resp.StatusCode != 200 {
		t.Fatalf("releases: %d %s", resp.StatusCode, b)
	}
	if list.Latest != second.ID || len(list.Releases) != 2 || list.Releases[0].ID != second.ID || list.Releases[1].Name != "first" ||
		list.Releases[0].Kind != "data" || len(list.Releases[0].Checks) == 0 {
		t.Errorf("releases: %s", b)
	}

	gAtm := func(query, wantRelease string) float64 {
		t.Helper()
		resp, b := get(t, ts, "/api/v1/budget?freq=monthly"+query)
		if resp.StatusCode != 200 {
			t.Fatalf("budget%s: %d %s", query, resp.StatusCode, b)
		}
		if h := resp.Header.Get(releaseHeader); h != wantRelease {
			t.Errorf("budget%s: %s %q, want %q", query, releaseHeader, h, wantRelease)
		}
		var rows []lake.Row
		if err := json.Unmarshal(b, &rows); err != nil || len(rows) != 2 {
			t.Fatalf("budget%s: %v %s", query, err, b)
		}
		return rows[0].GAtm
	}
	for _, c := range []struct {
		query, release string
		gAtmGtC        float64
	}{{"", "live", 0.5}, {"&release=" + first.ID, first.ID, 0.4}, {"&release=first", first.ID, 0.4},
		{"&release=latest", second.ID, 0.45}, {"&release=" + second.ID[:8], second.ID, 0.45}} {
		if got := gAtm(c.query, c.release); got != c.gAtmGtC {
			t.Errorf("budget%s: G_ATM %g, want %g", c.query, got, c.gAtmGtC)
		}
	}
	if resp, _ := get(t, ts, "/api/v1/budget?release=../../etc"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown release: %d, want 404", resp.StatusCode)
	}

	resp, b = get(t, ts, "/api/v1/diff?from=first&to=live")
	var d release.Diff
	if err := json.Unmarshal(b, &d); err != nil || resp.StatusCode != 200 {
		t.Fatalf("diff: %d %s", resp.StatusCode, b)
	}
	if d.Kind != "data" || len(d.Causes.Inputs) != 1 || d.Causes.Inputs[0].SHA256To != "cc" || len(d.Changes) != 4 {
		t.Errorf("diff first → live: kind %q, causes %+v, %d changes (want G_ATM and B_IM of two months)", d.Kind, d.Causes, len(d.Changes))
	}
	resp, b = get(t, ts, "/api/v1/diff?from=first&to=second&format=csv")
	if resp.StatusCode != 200 || !strings.HasPrefix(string(b), strings.Join(release.CSVHeader, ",")) || strings.Count(string(b), "\n") != 5 {
		t.Errorf("diff CSV: %d\n%s", resp.StatusCode, b)
	}
	for _, bad := range []string{"/api/v1/diff?from=first", "/api/v1/diff?from=first&to=nope", "/api/v1/diff?from=first&to=second&format=xml"} {
		if resp, _ := get(t, ts, bad); resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("%s: %d, want a 4xx", bad, resp.StatusCode)
		}
	}
	if resp, b := get(t, ts, "/release.js"); resp.StatusCode != 200 || !strings.Contains(string(b), "withRelease") {
		t.Errorf("/release.js: %d", resp.StatusCode)
	}

	// serve --release latest: the latest release by default, live on request.
	s, err := New(out, Options{DefaultRelease: "latest"})
	if err != nil {
		t.Fatal(err)
	}
	ts = httptest.NewServer(s.Handler())
	defer ts.Close()
	if got := gAtm("", second.ID); got != 0.45 {
		t.Errorf("default latest: G_ATM %g, want the second release's 0.45", got)
	}
	if got := gAtm("&release=live", "live"); got != 0.5 {
		t.Errorf("release=live: G_ATM %g, want 0.5", got)
	}
	if _, b := get(t, ts, "/api/v1/releases"); !strings.Contains(string(b), `"default":"`+second.ID+`"`) {
		t.Errorf("releases with default latest: %s", b)
	}
}

// TestDefaultReleaseWithoutReleases: serve --release latest on an output
// directory that has no release yet answers from the output directory.
func TestDefaultReleaseWithoutReleases(t *testing.T) {
	out := t.TempDir()
	publishConsistent(t, out, 0.4, "aa")
	s, err := New(out, Options{DefaultRelease: "latest"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	resp, b := get(t, ts, "/api/v1/budget")
	if resp.StatusCode != 200 || resp.Header.Get(releaseHeader) != "live" {
		t.Errorf("budget without releases: %d %q %s", resp.StatusCode, resp.Header.Get(releaseHeader), b)
	}
	if resp, _ := get(t, ts, "/api/v1/budget?release=latest"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an explicit release=latest without releases: %d, want 404", resp.StatusCode)
	}
}
