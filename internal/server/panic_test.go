package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPanicAnswersRequestID: a handler that panics with a path in its
// value answers 500 with a request id and the security headers, never the
// path; the log has the detail under the same id.
func TestPanicAnswersRequestID(t *testing.T) {
	s, _, out := serverOn(t)
	var log bytes.Buffer
	s.opt.Log = newTextLogger(&log)
	s.handle("GET /boom", func(w http.ResponseWriter, r *http.Request) error {
		panic("cannot open " + out + "/secret.parquet")
	})
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusInternalServerError || strings.Contains(body, out) || !strings.Contains(body, "request ") {
		t.Fatalf("panic: %d %s; want 500 with a request id and no path", rec.Code, body)
	}
	if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Error("panic answer without security headers")
	}
	id := body[strings.Index(body, "request ")+len("request ") : strings.Index(body, ";")]
	if !strings.Contains(log.String(), id) || !strings.Contains(log.String(), "secret.parquet") {
		t.Errorf("log %q lacks the id %q or the detail", log.String(), id)
	}
}

func newTextLogger(w *bytes.Buffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
