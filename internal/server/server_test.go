package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/regions"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

var testRegions = []regions.Region{{ID: "BRA", Name: "Brazil", Kind: "country"}, {ID: "reccap2-land/europe", Name: "Europe", Kind: "reccap2-land"}}

// fixture publishes months from..to into a fresh output directory the way
// the pipeline does: a grid file and budget.json per month, then tables.
func fixture(t testing.TB, from, to grid.Month) string {
	t.Helper()
	out := t.TempDir()
	publish(t, out, from, to)
	return out
}

func publish(t testing.TB, out string, from, to grid.Month) {
	t.Helper()
	g := grid.MustNew(2)
	for _, m := range grid.Range(from, to) {
		tm := lake.Terms{EFos: lake.Term{GtC: 0.8, SigmaGtC: 0.04}, ELUC: lake.Term{GtC: 0.1, SigmaGtC: 0.06},
			GAtm: lake.Term{GtC: 0.4}, SOcean: lake.Term{GtC: 0.24, SigmaGtC: 0.03}, SLand: lake.Term{GtC: 0.25, SigmaGtC: 0.04, Provisional: m == to}}
		res := &budget.Result{Month: m, Budget: budget.Close(m.String(), tm), GAtmDeseasonalisedGtC: 0.41}
		for k, r := range testRegions {
			for _, comp := range []string{lake.CompLand, lake.CompFossil} {
				res.Regional = append(res.Regional, lake.RegionRow{Month: m.String(), RegionID: r.ID, Name: r.Name, Kind: r.Kind,
					Component: comp, GtC: float64(k+1) * 0.01 * float64(m.Month), SigmaGtC: 0.001, Provisional: m == to})
			}
		}
		if err := lake.WriteMonth(lake.MonthDir(out, m), res.Record()); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(lake.MonthDir(out, m), "manifest.json"), []byte(`{"month":"`+m.String()+`"}`), 0o644)
		v := make([]float32, g.Cells())
		for i := range v {
			lat, _ := g.Centre(i)
			v[i] = float32(lat) * 0.01
		}
		gm := output.GridMonth{Grid: g, Month: m, Columns: []output.Column{{Name: "net_flux", Units: "g C m-2 month-1", Values: v}, {Name: "fossil", Units: "g C m-2 month-1", Values: v}}}
		if err := output.WriteGrid(output.GridPath(out, m), gm); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeTables(out); err != nil {
		t.Fatal(err)
	}
}

func newTestServer(t testing.TB, out string) *httptest.Server {
	t.Helper()
	s, err := New(out, Options{ReloadEvery: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func get(t *testing.T, ts *httptest.Server, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestAPIContract(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2024, Month: 2})
	ts := newTestServer(t, out)
	tests := []struct {
		path     string
		status   int
		ctype    string
		bodyHas  string
		jsonRows int // -1: not checked
	}{
		{"/api/v1/budget", 200, "application/json", `"period":"2023-01"`, 14},
		{"/api/v1/budget?freq=monthly&from=2023-06&to=2023-08", 200, "application/json", `"period":"2023-07"`, 3},
		{"/api/v1/budget?freq=annual", 200, "application/json", `"window":"calendar-year"`, 1},
		{"/api/v1/budget?format=csv", 200, "text/csv", "period,window,e_fos_gtc", -1},
		{"/api/v1/budget?format=parquet", 200, "application/vnd.apache.parquet", "PAR1", -1},
		{"/api/v1/budget?freq=weekly", 400, "application/json", "freq", -1},
		{"/api/v1/budget?from=2023-13", 400, "application/json", "from", -1},
		{"/api/v1/budget?from=2024-01&to=2023-01", 400, "application/json", "after", -1},
		{"/api/v1/budget?format=xml", 400, "application/json", "format", -1},
		{"/api/v1/regions", 200, "application/json", `"id":"BRA"`, 2},
		{"/api/v1/regions?format=csv", 200, "text/csv", "id,name,kind", -1},
		{"/api/v1/regions/BRA?component=land_sink", 200, "application/json", `"component":"land_sink"`, 14},
		{"/api/v1/regions/BRA?component=land_sink&format=parquet", 200, "application/vnd.apache.parquet", "PAR1", -1},
		{"/api/v1/regions/reccap2-land%2Feurope?from=2024-01", 200, "application/json", `"region_id":"reccap2-land/europe"`, 4},
		{"/api/v1/regions/ATL", 404, "application/json", "unknown region", -1},
		{"/api/v1/regions/BRA?component=magic", 400, "application/json", "component", -1},
		{"/api/v1/regions/..%2f..%2fetc%2fpasswd", 404, "application/json", "unknown region", -1},
		{"/api/v1/grid/2023-05", 200, "application/vnd.apache.parquet", "PAR1", -1},
		{"/api/v1/grid/2023-05?bbox=-10,40,10,60&vars=fossil&format=csv", 200, "text/csv", "cell_id,lat,lon,area_m2,fossil", -1},
		{"/api/v1/grid/2023-05?bbox=-10,40,10", 400, "application/json", "bbox", -1},
		{"/api/v1/grid/2023-05?bbox=10,40,-10,60", 400, "application/json", "bbox", -1},
		{"/api/v1/grid/2023-05?bbox=a,b,c,d", 400, "application/json", "not a number", -1},
		{"/api/v1/grid/2023-05?vars=secret", 400, "application/json", "unknown variable", -1},
		{"/api/v1/grid/1999-01", 404, "application/json", "not published", -1},
		{"/api/v1/grid/..%2f..%2fbudget_monthly.parquet", 400, "application/json", "month", -1},
		{"/api/v1/months/2023-05/manifest", 200, "application/json", `"month":"2023-05"`, -1},
		{"/api/v1/months/..%2F..%2F/manifest", 400, "application/json", "month", -1},
		{"/api/v1/months", 200, "application/json", `"provisional":true`, 14},
		{"/api/v1/runs", 200, "application/json", "[]", -1},
		{"/api/v1/runs?limit=0", 400, "application/json", "limit", -1},
		{"/api/v1/map/2023-05", 200, "image/png", "PNG", -1},
		{"/api/v1/openapi.json", 200, "application/json", `"openapi"`, -1},
		{"/healthz", 200, "application/json", `"latest":"2024-02"`, -1},
		{"/", 200, "text/html", "Global carbon budget", -1},
		{"/app.js", 200, "text/javascript", "regionPanel", -1},
		{"/findings.js", 200, "text/javascript", "drawWaterfall", -1},
		{"/../../etc/passwd", 404, "", "", -1},
		{"/nope.html", 404, "application/json", "no page", -1},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, ts, tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %.200s", resp.StatusCode, tt.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type %q, want %q", ct, tt.ctype)
			}
			if !bytes.Contains(body, []byte(tt.bodyHas)) {
				t.Errorf("body lacks %q: %.300s", tt.bodyHas, body)
			}
			if tt.jsonRows >= 0 {
				var rows []map[string]any
				if err := json.Unmarshal(body, &rows); err != nil {
					t.Fatalf("not a JSON array: %v", err)
				}
				if len(rows) != tt.jsonRows {
					t.Errorf("%d rows, want %d", len(rows), tt.jsonRows)
				}
			}
		})
	}
}

func TestGridSubsetMatchesFile(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2023, Month: 5}, grid.Month{Year: 2023, Month: 5})
	ts := newTestServer(t, out)
	_, body := get(t, ts, "/api/v1/grid/2023-05?bbox=-10,40,10,60&vars=fossil&format=csv")
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// 2° cells whose centres lie in [-10,10]×[40,60]: lon -9..9 (10), lat 41..59 (10).
	if len(recs)-1 != 100 {
		t.Errorf("subset has %d cells, want 100", len(recs)-1)
	}
	_, whole := get(t, ts, "/api/v1/grid/2023-05")
	p := filepath.Join(t.TempDir(), "g.parquet")
	os.WriteFile(p, whole, 0o644)
	gf, err := output.ReadGrid(context.Background(), p)
	if err != nil || len(gf.CellIDs) != grid.MustNew(2).Cells() {
		t.Fatalf("downloaded grid file: %v", err)
	}
}

func TestConditionalAndGzip(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 3})
	ts := newTestServer(t, out)
	resp, _ := get(t, ts, "/api/v1/budget")
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Last-Modified") == "" {
		t.Fatal("no ETag/Last-Modified")
	}
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/budget", nil)
	req.Header.Set("If-None-Match", etag)
	r2, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", r2.StatusCode)
	}
	if other, _ := get(t, ts, "/api/v1/budget?freq=annual"); other.Header.Get("ETag") == etag {
		t.Error("two different queries share an ETag")
	}
	req, _ = http.NewRequest("GET", ts.URL+"/api/v1/budget?format=csv", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	r3, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r3.Body.Close()
	if r3.Header.Get("Content-Encoding") != "gzip" {
		t.Fatal("no gzip for a client that accepts it")
	}
	zr, err := gzip.NewReader(r3.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	if !bytes.HasPrefix(b, []byte("period,")) {
		t.Errorf("gunzipped body %.50q", b)
	}
}

func TestReloadOnPublish(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2})
	ts := newTestServer(t, out)
	time.Sleep(5 * time.Millisecond)
	publish(t, out, grid.Month{Year: 2023, Month: 3}, grid.Month{Year: 2023, Month: 3})
	// The tables are replaced by rename; mtime granularity may hide a
	// change within the same instant, so bump it as a new publication would.
	future := time.Now().Add(time.Second)
	os.Chtimes(filepath.Join(out, "budget_monthly.parquet"), future, future)
	time.Sleep(5 * time.Millisecond)
	_, body := get(t, ts, "/healthz")
	if !bytes.Contains(body, []byte(`"latest":"2023-03"`)) {
		t.Errorf("after publishing 2023-03 healthz says %s", body)
	}
}

func TestMetrics(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2})
	ts := newTestServer(t, out)
	get(t, ts, "/api/v1/budget")
	get(t, ts, "/api/v1/regions/NOPE")
	_, body := get(t, ts, "/metrics")
	for _, want := range []string{
		`carbonbudget_http_requests_total{route="GET /api/v1/budget",code="200"} 1`,
		`carbonbudget_http_requests_total{route="GET /api/v1/regions/{id}",code="404"} 1`,
		`carbonbudget_http_request_duration_seconds_count{route="GET /api/v1/budget"} 1`,
		"carbonbudget_months_published 2",
		"carbonbudget_months_provisional 1",
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestJSONNaNIsNull(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 1})
	ts := newTestServer(t, out)
	_, body := get(t, ts, "/api/v1/budget")
	var rows []map[string]any
	if err := json.Unmarshal(body, &rows); err != nil {
		t.Fatal(err)
	}
	if v, ok := rows[0]["s_land_anomaly_gtc"]; !ok || v != nil {
		t.Errorf("anomaly without a baseline = %v, want null", v)
	}
	if v := rows[0]["e_fos_gtc"].(float64); math.Abs(v-0.8) > 1e-12 {
		t.Errorf("e_fos_gtc = %v", v)
	}
}

// writeTables rebuilds the tables from the published months as the
// pipeline does (the budget package computes them, the lake writes them).
func writeTables(out string) error {
	months, err := lake.ReadMonths(out)
	if err != nil {
		return err
	}
	return lake.WriteTables(out, budget.Tables(months, budget.Baseline{FromYear: 2015, ToYear: 2022}))
}
