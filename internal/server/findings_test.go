package server

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// TestFindingsAPI: /api/v1/findings serves the table with its filters
// and the drivers in JSON; the Atom feed is valid XML with one entry per
// finding, newest first, and stable ids.
func TestFindingsAPI(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 12})
	months, err := lake.ReadMonths(out)
	if err != nil {
		t.Fatal(err)
	}
	var tabs lake.Tables
	for m, rec := range months {
		tabs.Regional = append(tabs.Regional, rec.Regional...)
		_ = m
	}
	region := tabs.Regional[0]
	tabs.Findings = []lake.Finding{
		{Period: "2023-06", Rank: 1, Kind: "anomaly", RegionID: region.RegionID, Name: region.Name, Component: lake.CompLand,
			AnomalyGtC: -0.2, Z: -3.1, TopDriver: "fire", Text: "June",
			DriverShares: []lake.DriverShare{{Driver: "fire", AnomalyGtC: -0.18, Source: "observed"}}},
		{Period: "2023-07", Rank: 1, Kind: "sign_change", RegionID: region.RegionID, Name: region.Name, Component: lake.CompLand,
			AnomalyGtC: -0.3, Z: -4.2, TopDriver: "heat", Text: "July"},
		{Period: "2023", Rank: 1, Kind: "anomaly", RegionID: "global", Name: "Globe", Component: lake.CompOcean, AnomalyGtC: 0.2, Z: 2.5, Text: "year"},
	}
	if err := lake.WriteTables(out, tabs); err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, out)
	var got []lake.Finding
	_, body := get(t, ts, "/api/v1/findings?from=2023-07&to=2023-12")
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Period != "2023-07" || got[1].Period != "2023" {
		t.Errorf("from 2023-07: %+v, want July and the year", got)
	}
	_, body = get(t, ts, "/api/v1/findings?to=2023-06&region="+region.RegionID)
	got = nil
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].DriverShares) != 1 || got[0].DriverShares[0].Driver != "fire" {
		t.Errorf("to 2023-06: %+v, want June with its driver shares (the JSON carries them)", got)
	}
	resp, body := get(t, ts, "/api/v1/findings?format=csv")
	if resp.StatusCode != 200 || strings.Count(string(body), "\n") != 4 || !strings.Contains(string(body), "top_driver") {
		t.Errorf("csv: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, ts, "/api/v1/findings.atom")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("atom: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var feed atomFeed
	if err := xml.Unmarshal(body, &feed); err != nil {
		t.Fatalf("atom: %v\n%s", err, body)
	}
	if len(feed.Entries) != 3 || feed.Entries[0].ID != "urn:carbonbudget:finding:2023:global:ocean_sink" ||
		!strings.Contains(feed.Entries[1].Title, "-4.2 σ") || feed.Entries[2].Summary != "June" {
		t.Errorf("feed entries %+v", feed.Entries)
	}
	for path, status := range map[string]int{
		"/api/v1/findings?from=June":       400,
		"/api/v1/findings?region=nowhere":  404,
		"/api/v1/findings.atom?to=2023-06": 200,
		"/api/v1/findings?format=parquet":  200,
	} {
		if resp, body := get(t, ts, path); resp.StatusCode != status {
			t.Errorf("%s: %d, want %d (%.100s)", path, resp.StatusCode, status, body)
		}
	}
}
