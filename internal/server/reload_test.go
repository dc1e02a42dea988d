package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// TestMonthWithoutGridLeavesList: a month whose grid file was deleted
// (its budget.json left) is no longer listed, as its grid answers 404.
func TestMonthWithoutGridLeavesList(t *testing.T) {
	_, ts, out := serverOn(t)
	os.RemoveAll(filepath.Dir(output.GridPath(out, grid.Month{Year: 2023, Month: 1})))
	if _, body := get(t, ts, "/api/v1/months"); bytes.Contains(body, []byte("2023-01")) {
		t.Errorf("month without a grid still listed: %s", body)
	}
}

// TestReloadEmptiesCaches: a new publication empties the response and
// map caches, so each reload does not leave the previous one's entries.
func TestReloadEmptiesCaches(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2})
	s, err := New(out, Options{ReloadEvery: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	serve := func(u string) {
		rec := newRecorder(h, u)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", u, rec.Code, rec.Body)
		}
	}
	for reload := range 3 {
		serve("/api/v1/map/2023-01")
		serve("/api/v1/budget?format=csv")
		old := s.data.get().etag
		time.Sleep(5 * time.Millisecond)
		future := time.Now().Add(time.Duration(reload+1) * time.Second)
		os.Chtimes(filepath.Join(out, "budget_monthly.parquet"), future, future)
		time.Sleep(5 * time.Millisecond)
		serve("/api/v1/regions")
		if s.data.get().etag == old {
			t.Fatal("no reload")
		}
		for _, c := range []*respCache{s.cache, s.maps} {
			c.mu.Lock()
			for k := range c.m {
				if strings.HasPrefix(k, old) {
					t.Errorf("reload %d: entry %q of the previous publication kept", reload, k)
				}
			}
			c.mu.Unlock()
		}
	}
}

func newRecorder(h http.Handler, u string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", u, nil))
	return rec
}
