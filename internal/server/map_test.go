package server

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// TestMapSlowReaderLocksNobodyOut: a map whose client does not read does
// not keep the only heavy slot: the slot is held while rendering, not
// while writing.
func TestMapSlowReaderLocksNobodyOut(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2})
	s, err := New(out, Options{MaxHeavy: 1, HeavyWait: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	bw := &blockedWriter{h: http.Header{}, started: make(chan struct{}), unblock: make(chan struct{})}
	defer close(bw.unblock)
	go h.ServeHTTP(bw, httptest.NewRequest("GET", "/api/v1/map/2023-01?var=net_flux", nil))
	select {
	case <-bw.started:
	case <-time.After(10 * time.Second):
		t.Fatal("map never started writing")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/grid/2023-02?format=csv&vars=net_flux", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("with a map reader hanging: status %d %s, want 200", rec.Code, rec.Body.String())
	}
}

// TestAbandonedMapStops: a map request whose client has gone renders
// nothing and answers nothing (a slot free or not).
func TestAbandonedMapStops(t *testing.T) {
	s, _, _ := serverOn(t)
	for i := range 8 { // acquire's select once chose at random between a free slot and a done context
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		rec := httptest.NewRecorder()
		start := time.Now()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/map/2023-01?var=fossil&anomaly=0", nil).WithContext(ctx))
		if rec.Body.Len() != 0 || time.Since(start) > time.Second {
			t.Fatalf("try %d: abandoned map answered %d bytes after %v; want nothing, at once", i, rec.Body.Len(), time.Since(start))
		}
	}
	if n := len(s.maps.m); n != 0 {
		t.Errorf("abandoned map requests rendered %d maps", n)
	}
}

// TestDamagedGridMap: the map of a month whose grid file is truncated
// answers 503 with a clear message and no path, not a 500.
func TestDamagedGridMap(t *testing.T) {
	_, ts, out := serverOn(t)
	p := output.GridPath(out, grid.Month{Year: 2023, Month: 2})
	b, _ := os.ReadFile(p)
	os.WriteFile(p, b[:len(b)/2], 0o644)
	resp, body := get(t, ts, "/api/v1/map/2023-02")
	if resp.StatusCode != http.StatusServiceUnavailable || !bytes.Contains(body, []byte("cannot be read")) ||
		bytes.Contains(body, []byte(out)) || bytes.Contains(body, []byte(filepath.Base(p))) {
		t.Errorf("map of a damaged grid: %d %s; want 503 naming no path", resp.StatusCode, body)
	}
}
