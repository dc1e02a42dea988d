package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// The contract the dashboard is wired to: the latest year by default,
// ?year= picks one, the JSON keys are exactly the documented ones (growth
// omitted when missing), CSV gives the table's rows, and no projection is
// a 404 JSON error.
func TestProjectionAPI(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2024, Month: 1}, grid.Month{Year: 2024, Month: 2})
	ts := newTestServer(t, out)
	if resp, body := get(t, ts, "/api/v1/projection"); resp.StatusCode != 404 || !strings.Contains(string(body), `"error"`) {
		t.Fatalf("no projection: %d %s, want 404 with a JSON error", resp.StatusCode, body)
	}
	docs := []lake.ProjectionDoc{
		{Year: 2023, AsOf: "2023-11", MadeAt: "2024-01-02T00:00:00Z", Maturity: lake.MaturityProjected,
			Terms: map[string]lake.ProjectedTerm{"s_land": {GtC: 1.1, SigmaGtC: 0.9, YTDGtC: 1.0, MonthsObserved: 11}}},
		{Year: 2024, AsOf: "2024-06", MadeAt: "2024-07-05T06:00:00Z", Maturity: lake.MaturityProjected,
			Terms:  map[string]lake.ProjectedTerm{"e_fos": {GtC: 10.5, SigmaGtC: 0.3, YTDGtC: 5.2, MonthsObserved: 6}},
			Growth: map[string]lake.ProjectedValue{"global": {Value: 2.6, Sigma: 0.45}}},
	}
	rows := []lake.ProjectionRow{
		{Year: 2023, Term: "s_land", Unit: lake.UnitGtCPerYear, Maturity: lake.MaturityProjected, AsOf: "2023-11", Value: 1.1, Sigma: 0.9, YTD: 1, MonthsObserved: 11},
		{Year: 2024, Term: "e_fos", Unit: lake.UnitGtCPerYear, Maturity: lake.MaturityProjected, AsOf: "2024-06", Value: 10.5, Sigma: 0.3, YTD: 5.2, MonthsObserved: 6},
	}
	if err := lake.WriteProjection(out, rows, docs); err != nil {
		t.Fatal(err)
	}
	resp, body := get(t, ts, "/api/v1/projection")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/v1/projection: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got["year"] != 2024.0 || got["as_of"] != "2024-06" || got["maturity"] != "projected" || got["made_at"] != "2024-07-05T06:00:00Z" {
		t.Errorf("latest projection = %s, want 2024 as of 2024-06", body)
	}
	efos, _ := got["terms"].(map[string]any)["e_fos"].(map[string]any)
	for _, k := range []string{"gtc", "sigma_gtc", "ytd_gtc", "months_observed"} {
		if _, ok := efos[k]; !ok {
			t.Errorf("terms.e_fos has no %q: %s", k, body)
		}
	}
	if g, _ := got["growth_ppm_per_year"].(map[string]any)["global"].(map[string]any); g["value"] != 2.6 || g["sigma"] != 0.45 {
		t.Errorf("growth_ppm_per_year.global = %v, want value 2.6 sigma 0.45", g)
	}
	_, body = get(t, ts, "/api/v1/projection?year=2023")
	if !strings.Contains(string(body), `"year":2023`) || strings.Contains(string(body), "growth_ppm_per_year") {
		t.Errorf("?year=2023 = %s: want 2023, without growth (it has none)", body)
	}
	resp, body = get(t, ts, "/api/v1/projection?year=2024&format=csv")
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "year,term,unit,maturity,as_of") || !strings.Contains(string(body), "2024,e_fos,GtC/yr,projected,2024-06") || strings.Contains(string(body), "2023,") {
		t.Errorf("csv of 2024 = %d %q", resp.StatusCode, body)
	}
	for path, code := range map[string]int{"/api/v1/projection?year=1999": 404, "/api/v1/projection?year=abc": 400, "/api/v1/projection?format=xml": 400} {
		if resp, body := get(t, ts, path); resp.StatusCode != code || !strings.Contains(string(body), `"error"`) {
			t.Errorf("GET %s: %d %s, want %d with a JSON error", path, resp.StatusCode, body, code)
		}
	}
}
