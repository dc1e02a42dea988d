package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// roundTrip sends GET path with the given headers, without the client's
// own gzip handling.
func roundTrip(t *testing.T, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp, buf.Bytes()
}

// TestSecurityHeaders: every response, API and dashboard, says nosniff,
// a strict content security policy and no referrer.
func TestSecurityHeaders(t *testing.T) {
	ts := newTestServer(t, fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2}))
	for _, p := range []string{"/", "/app.js", "/api/v1/budget", "/api/v1/nosuch", "/healthz"} {
		resp, _ := get(t, ts, p)
		h := resp.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") || !strings.Contains(h.Get("Content-Security-Policy"), "object-src 'none'") {
			t.Errorf("%s: headers %v", p, h)
		}
	}
}

// TestETagNamesThePath: one region's ETag does not match another region
// or the budget; the same URL keeps its ETag.
func TestETagNamesThePath(t *testing.T) {
	ts := newTestServer(t, fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2}))
	bra, _ := get(t, ts, "/api/v1/regions/BRA")
	eu, _ := get(t, ts, "/api/v1/regions/reccap2-land%2Feurope")
	bud, _ := get(t, ts, "/api/v1/budget")
	again, _ := get(t, ts, "/api/v1/regions/BRA")
	e := bra.Header.Get("ETag")
	if e == "" || e == eu.Header.Get("ETag") || e == bud.Header.Get("ETag") || again.Header.Get("ETag") != e {
		t.Fatalf("ETags BRA %q, Europe %q, budget %q, BRA again %q", e, eu.Header.Get("ETag"), bud.Header.Get("ETag"), again.Header.Get("ETag"))
	}
	resp, _ := roundTrip(t, ts.URL+"/api/v1/budget", map[string]string{"If-None-Match": e})
	if resp.StatusCode == http.StatusNotModified {
		t.Error("BRA's ETag gave 304 on /budget")
	}
}

// TestGzipQValues: gzip;q=0 refuses gzip; a star with q above 0 accepts
// it unless gzip itself is refused.
func TestGzipQValues(t *testing.T) {
	ts := newTestServer(t, fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2}))
	for _, tc := range []struct {
		header string
		gz     bool
	}{{"gzip", true}, {"gzip;q=0", false}, {"gzip; q=0.0, identity", false}, {"br, gzip;q=0.5", true}, {"*;q=1", true}, {"*, gzip;q=0", false}, {"identity", false}} {
		resp, _ := roundTrip(t, ts.URL+"/api/v1/budget?format=csv", map[string]string{"Accept-Encoding": tc.header})
		if got := resp.Header.Get("Content-Encoding") == "gzip"; got != tc.gz {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", tc.header, got, tc.gz)
		}
	}
}

// TestVarsCountedOnce: a variable named ten thousand times is encoded
// once; an unknown one is refused without echoing a huge name.
func TestVarsCountedOnce(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2})
	ts := newTestServer(t, out)
	vars := strings.TrimSuffix(strings.Repeat("net_flux,", 10_000), ",")
	resp, body := get(t, ts, "/api/v1/grid/2023-01?format=csv&vars="+vars)
	header, _, _ := bytes.Cut(body, []byte("\n"))
	if resp.StatusCode != 200 || string(header) != "cell_id,lat,lon,area_m2,net_flux" {
		t.Fatalf("status %d, CSV header %.200q; want net_flux once", resp.StatusCode, header)
	}
	resp, body = get(t, ts, "/api/v1/grid/2023-01?format=csv&vars="+strings.Repeat("x", 5000))
	if resp.StatusCode != 400 || len(body) > 1000 {
		t.Errorf("unknown variable: status %d, %d bytes of answer", resp.StatusCode, len(body))
	}
}

// TestDamagedAndDeletedData: a truncated grid file answers an error that
// names no server path; /healthz turns unhealthy when the output
// directory goes.
func TestDamagedAndDeletedData(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2})
	ts := newTestServer(t, out)
	p := output.GridPath(out, grid.Month{Year: 2023, Month: 2})
	b, _ := os.ReadFile(p)
	os.WriteFile(p, b[:len(b)/2], 0o644)
	for _, u := range []string{"/api/v1/grid/2023-02?format=csv", "/api/v1/grid/2023-02"} {
		resp, body := get(t, ts, u)
		if resp.StatusCode != http.StatusServiceUnavailable || bytes.Contains(body, []byte(out)) || bytes.Contains(body, []byte(filepath.Base(p))) {
			t.Errorf("damaged grid %s: status %d, body %.200q; want 503 naming no path", u, resp.StatusCode, body)
		}
	}
	// A month deleted from the output: gone from the list, 404 for its grid.
	os.RemoveAll(filepath.Join(out, "months", "2023-01"))
	os.RemoveAll(filepath.Dir(output.GridPath(out, grid.Month{Year: 2023, Month: 1})))
	if _, body := get(t, ts, "/api/v1/months"); bytes.Contains(body, []byte("2023-01")) {
		t.Errorf("deleted month still listed: %s", body)
	}
	if resp, body := get(t, ts, "/api/v1/grid/2023-01"); resp.StatusCode != http.StatusNotFound || bytes.Contains(body, []byte(out)) {
		t.Errorf("deleted month's grid: %d %s, want 404 naming no path", resp.StatusCode, body)
	}
	if resp, _ := get(t, ts, "/healthz"); resp.StatusCode != 200 {
		t.Fatalf("healthz before the deletion: %d", resp.StatusCode)
	}
	os.RemoveAll(out)
	resp, body := get(t, ts, "/healthz")
	if resp.StatusCode != http.StatusServiceUnavailable || !bytes.Contains(body, []byte("unhealthy")) || bytes.Contains(body, []byte(out)) {
		t.Errorf("healthz after the output directory was deleted: %d %s", resp.StatusCode, body)
	}
}

// TestCacheKeysIgnoreJunkParameters: many distinct URLs padded with
// parameters the API does not read share one small cache entry, so the
// cache's memory stays bounded by what it can legitimately hold.
func TestCacheKeysIgnoreJunkParameters(t *testing.T) {
	s, ts, _ := serverOn(t)
	pad := strings.Repeat("x", 100_000)
	var first []byte
	for i := range 50 {
		resp, body := get(t, ts, fmt.Sprintf("/api/v1/budget?format=csv&junk%d=%s", i, pad))
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if first == nil {
			first = body
		} else if !bytes.Equal(body, first) {
			t.Fatal("junk parameters changed the answer")
		}
	}
	s.cache.mu.Lock()
	n, size := len(s.cache.m), s.cache.bytes
	keyBytes := 0
	for k := range s.cache.m {
		keyBytes += len(k)
	}
	s.cache.mu.Unlock()
	if n > 2 || keyBytes > 1000 || size > 10*len(first)+keyBytes {
		t.Errorf("after 50 distinct padded URLs: %d entries, %d key bytes, %d bytes held", n, keyBytes, size)
	}
}

// serverOn serves a two-month fixture, returning the server itself so a
// test can look at its caches.
func serverOn(t *testing.T) (*Server, *httptest.Server, string) {
	t.Helper()
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2})
	s, err := New(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts, out
}

// TestMapCacheIsTheServers: rendered maps are held by the server, bounded,
// and not shared between servers.
func TestMapCacheIsTheServers(t *testing.T) {
	s, ts, out := serverOn(t)
	if resp, _ := get(t, ts, "/api/v1/map/2023-01?var=net_flux"); resp.StatusCode != 200 {
		t.Fatalf("map status %d", resp.StatusCode)
	}
	if len(s.maps.m) != 1 || s.maps.max > 64<<20 {
		t.Errorf("map cache: %d entries, bound %d bytes", len(s.maps.m), s.maps.max)
	}
	other, _ := New(out, Options{})
	if len(other.maps.m) != 0 {
		t.Error("a new server starts with another server's maps")
	}
}

// blockedWriter is a client that never reads: its first Write blocks
// until unblock is closed.
type blockedWriter struct {
	h       http.Header
	started chan struct{}
	unblock chan struct{}
	once    sync.Once
}

func (b *blockedWriter) Header() http.Header { return b.h }
func (b *blockedWriter) WriteHeader(int)     {}
func (b *blockedWriter) Write(p []byte) (int, error) {
	b.once.Do(func() { close(b.started) })
	<-b.unblock
	return len(p), nil
}

// TestSlowReadersLockNobodyOut: with one heavy slot, clients that do not
// read their grid downloads (whole file and CSV subset) do not hold it:
// another subset request is answered while they hang.
func TestSlowReadersLockNobodyOut(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2})
	s, err := New(out, Options{MaxHeavy: 1, HeavyWait: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	var slow []*blockedWriter
	for _, u := range []string{"/api/v1/grid/2023-01", "/api/v1/grid/2023-01?format=csv", "/api/v1/grid/2023-02?format=csv&vars=fossil"} {
		bw := &blockedWriter{h: http.Header{}, started: make(chan struct{}), unblock: make(chan struct{})}
		slow = append(slow, bw)
		go h.ServeHTTP(bw, httptest.NewRequest("GET", u, nil))
		select {
		case <-bw.started:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s never started writing", u)
		}
	}
	defer func() {
		for _, bw := range slow {
			close(bw.unblock)
		}
	}()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/grid/2023-02?format=csv&vars=net_flux", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("with three slow readers hanging: status %d %s, want 200", rec.Code, rec.Body.String())
	}
}

// TestManyHugeDistinctURLsKeepMemoryFlat sends 300 distinct URLs of
// 900 KB each (unknown parameters, as an attacker would) to a table
// endpoint and checks that the live heap afterwards holds none of them:
// before cache keys were canonical it grew by the size of every URL.
func TestManyHugeDistinctURLsKeepMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 270 MB over loopback")
	}
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2})
	ts := newTestServer(t, out)
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	pad := strings.Repeat("y", 900<<10)
	get(t, ts, "/api/v1/budget?format=csv")
	before := heap()
	for i := range 300 {
		resp, err := http.Get(fmt.Sprintf("%s/api/v1/budget?format=csv&j%d=%s", ts.URL, i, pad))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: status %d", i, resp.StatusCode)
		}
	}
	after := heap()
	if grown := int64(after) - int64(before); grown > 50<<20 {
		t.Errorf("live heap grew by %d MB over 300 distinct 900 KB URLs (%d MB of URLs)", grown>>20, 300*900>>10)
	}
	t.Logf("live heap %d MB before, %d MB after 300 distinct 900 KB URLs", before>>20, after>>20)
}

// TestAbandonedSubsetStops: a subset request whose client has gone stops
// encoding at once and answers nothing, instead of finishing the work.
func TestAbandonedSubsetStops(t *testing.T) {
	s, _, _ := serverOn(t)
	for _, u := range []string{"/api/v1/grid/2023-01?format=csv", "/api/v1/grid/2023-01?vars=net_flux"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		rec := httptest.NewRecorder()
		start := time.Now()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", u, nil).WithContext(ctx))
		if rec.Body.Len() != 0 || time.Since(start) > time.Second {
			t.Errorf("%s abandoned: %d bytes answered after %v; want nothing, at once", u, rec.Body.Len(), time.Since(start))
		}
	}
}
