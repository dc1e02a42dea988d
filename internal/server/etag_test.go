package server

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// TestCanonicalKeys: spellings of one request (the default format named
// or not, a parameter repeated, a parameter the endpoint does not read)
// share one cache entry and one ETag; the cache holds no raw query.
func TestCanonicalKeys(t *testing.T) {
	s, ts, _ := serverOn(t)
	var etag string
	for _, u := range []string{"/api/v1/budget", "/api/v1/budget?format=json", "/api/v1/budget?freq=monthly&vars=net_flux&bbox=1",
		"/api/v1/budget?from=0000-01&component=x", "/api/v1/budget?format=json&format=json&format=json"} {
		resp, _ := roundTrip(t, ts.URL+u, map[string]string{"Accept-Encoding": "identity"})
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", u, resp.StatusCode)
		}
		if etag == "" {
			etag = resp.Header.Get("ETag")
		} else if got := resp.Header.Get("ETag"); got != etag {
			t.Errorf("%s: ETag %s, want %s as for /api/v1/budget", u, got, etag)
		}
	}
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if len(s.cache.m) != 1 {
		keys := []string{}
		for k := range s.cache.m {
			keys = append(keys, k)
		}
		t.Errorf("one request spelt five ways: %d cache entries %q, want 1", len(s.cache.m), keys)
	}
}

// TestETagEverywhere: months, manifests and maps carry an ETag that a
// conditional request matches (also in a list, or weak), and the months
// list's ETag changes when a month is deleted.
func TestETagEverywhere(t *testing.T) {
	_, ts, out := serverOn(t)
	for _, u := range []string{"/api/v1/months", "/api/v1/months?format=csv", "/api/v1/months/2023-01/manifest", "/api/v1/map/2023-01?var=net_flux"} {
		resp, _ := roundTrip(t, ts.URL+u, nil)
		e := resp.Header.Get("ETag")
		if resp.StatusCode != 200 || e == "" {
			t.Errorf("%s: status %d, ETag %q", u, resp.StatusCode, e)
			continue
		}
		for _, inm := range []string{e, `"nope", ` + e, "W/" + e} {
			if resp, _ := roundTrip(t, ts.URL+u, map[string]string{"If-None-Match": inm}); resp.StatusCode != http.StatusNotModified {
				t.Errorf("%s with If-None-Match %s: status %d, want 304", u, inm, resp.StatusCode)
			}
		}
	}
	before, _ := roundTrip(t, ts.URL+"/api/v1/months", nil)
	os.RemoveAll(filepath.Join(out, "months", "2023-01"))
	after, _ := roundTrip(t, ts.URL+"/api/v1/months", map[string]string{"If-None-Match": before.Header.Get("ETag")})
	if after.StatusCode != 200 || after.Header.Get("ETag") == before.Header.Get("ETag") {
		t.Errorf("months after a deletion: status %d, ETag %q (was %q); want 200 and a new ETag", after.StatusCode, after.Header.Get("ETag"), before.Header.Get("ETag"))
	}
	m1, _ := roundTrip(t, ts.URL+"/api/v1/map/2023-02?var=net_flux", nil)
	m2, _ := roundTrip(t, ts.URL+"/api/v1/map/2023-02?var=fossil", nil)
	if m1.Header.Get("ETag") == m2.Header.Get("ETag") {
		t.Error("two variables' maps share an ETag")
	}
}
