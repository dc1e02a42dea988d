package server

import (
	"encoding/json"
	"net/http/httptest"
	pathpkg "path"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// FuzzQuery sends arbitrary paths and query strings to every route. The
// server must never answer 500 (a parser that panics or fails on odd
// input), never leak a file path, always answer errors as JSON, and give
// one request the same ETag twice (keys built from parsed parameters).
// make soak runs it for 5 minutes: go test -fuzz FuzzQuery -fuzztime 5m.
func FuzzQuery(f *testing.F) {
	for _, seed := range [][2]string{
		{"/api/v1/budget", "freq=annual&from=2023-01&to=2023-12&format=csv"},
		{"/api/v1/budget", "freq=monthly&from=2023-13&format=parquet"},
		{"/api/v1/budget", "from=%2e%2e%2f&to=9999-99"},
		{"/api/v1/regions", "kind=reccap2-land&format=json"},
		{"/api/v1/regions/USA", "component=s_land&freq=annual&from=2023-01&to=2023-02"},
		{"/api/v1/regions/..%2f..%2fetc", "format=csv"},
		{"/api/v1/grid/2023-01", "vars=net_flux,fossil,net_flux&bbox=-10,35,30,60&format=csv"},
		{"/api/v1/grid/2023-01", "bbox=1e309,nan,-inf,0&vars=" + strings.Repeat("x,", 50)},
		{"/api/v1/grid/2023-02", "format=parquet&bbox=170,-10,-170,10"},
		{"/api/v1/map/2023-01", "var=fossil&anomaly=1"},
		{"/api/v1/map/2023-01", "var=..%2Fbudget_monthly&anomaly=maybe"},
		{"/api/v1/months", "format=csv"},
		{"/api/v1/months/2023-01/manifest", ""},
		{"/api/v1/months/２０２３-01/manifest", ""},
		{"/api/v1/runs", "limit=-1"},
		{"/healthz", "x=\x00"},
		{"/metrics", ""},
		{"/", "q=%zz"},
	} {
		f.Add(seed[0], seed[1])
	}
	out := fixture(f, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2})
	s, err := New(out, Options{})
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	serve := func(path, query string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.Path, r.URL.RawPath, r.URL.RawQuery = path, "", query
		r.RequestURI = path + "?" + query
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	f.Fuzz(func(t *testing.T, path, query string) {
		if !strings.HasPrefix(path, "/") || len(path)+len(query) > 64<<10 {
			return // net/http never hands the mux such a request
		}
		rec := serve(path, query)
		code, body := rec.Code, rec.Body.String()
		switch {
		case code == 200, code == 304, code == 400, code == 404, code == 405, code == 406:
		case (code == 301 || code == 307 || code == 308) && pathpkg.Clean(path) != path:
			return // ServeMux redirects an unclean path to its clean form
		default:
			t.Fatalf("GET %s?%s: status %d: %.300s", path, query, code, body)
		}
		if strings.Contains(body, out) {
			t.Fatalf("GET %s?%s: the answer names the output directory: %.300s", path, query, body)
		}
		if code >= 400 {
			var e struct{ Error string }
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" {
				t.Fatalf("GET %s?%s: error %d is not {\"error\": ...}: %.300s", path, query, code, body)
			}
		}
		if etag := rec.Header().Get("ETag"); etag != "" {
			if again := serve(path, query).Header().Get("ETag"); again != etag {
				t.Fatalf("GET %s?%s: ETag %s, then %s for the same request", path, query, etag, again)
			}
		}
	})
}
