package server

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// TestTopDownAndAgreement: the regional series answer component=topdown
// with the inversions' rows only, and /api/v1/agreement serves the table
// the budget built, filtered, with the one product that erred flagged.
func TestTopDownAndAgreement(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2022, Month: 1}, grid.Month{Year: 2023, Month: 12})
	months, err := lake.ReadMonths(out)
	if err != nil {
		t.Fatal(err)
	}
	for m, rec := range months {
		ct := 0.0
		if m == (grid.Month{Year: 2023, Month: 7}) {
			ct = -0.4
		}
		for _, c := range []struct {
			comp       string
			gtc, sigma float64
		}{{lake.CompLandTopDown, ct / 2, math.Abs(ct) / math.Sqrt2}, {lake.ProductComponent(lake.CompLandTopDown, "CT"), ct, 0},
			{lake.ProductComponent(lake.CompLandTopDown, "CAMS"), 0, 0}} {
			rec.Regional = append(rec.Regional, lake.RegionRow{Month: m.String(), RegionID: "BRA", Name: "Brazil", Kind: "country",
				Component: c.comp, GtC: c.gtc, SigmaGtC: c.sigma})
		}
		// The fixture's land sink varies by calendar month only: its
		// anomalies against 2022 are zero.
		if err := lake.WriteMonth(lake.MonthDir(out, m), rec); err != nil {
			t.Fatal(err)
		}
		months[m] = rec
	}
	if err := lake.WriteTables(out, budget.Tables(months, budget.Baseline{FromYear: 2022, ToYear: 2022})); err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, out)
	_, body := get(t, ts, "/api/v1/regions/BRA?component=topdown&from=2023-07&to=2023-07")
	var rows []lake.RegionRow
	if err := json.Unmarshal(body, &rows); err != nil || len(rows) != 3 {
		t.Fatalf("topdown rows of 2023-07: %d (%v), want the ensemble and two products: %s", len(rows), err, body)
	}
	for _, r := range rows {
		if !strings.HasPrefix(r.Component, lake.CompLandTopDown) {
			t.Errorf("component=topdown answered %q", r.Component)
		}
	}
	resp, body := get(t, ts, "/api/v1/agreement?region=BRA&disagree=true&window=month")
	if resp.StatusCode != 200 {
		t.Fatalf("agreement: %d %s", resp.StatusCode, body)
	}
	var agr []lake.AgreementRow
	if err := json.Unmarshal(body, &agr); err != nil {
		t.Fatal(err)
	}
	if len(agr) != 1 || agr[0].Product != "CT" || agr[0].Period != "2023-07" || !strings.Contains(agr[0].Text, "weaker sink") {
		t.Errorf("disagreements %+v, want CT's July 2023 only", agr)
	}
	for path, status := range map[string]int{
		"/api/v1/agreement?window=week":             400,
		"/api/v1/agreement?disagree=maybe":          400,
		"/api/v1/agreement?region=ATL":              404,
		"/api/v1/agreement?product=CAMS&format=csv": 200,
	} {
		if resp, body := get(t, ts, path); resp.StatusCode != status {
			t.Errorf("%s: %d, want %d (%.100s)", path, resp.StatusCode, status, body)
		}
	}
}
