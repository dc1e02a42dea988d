package server

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// TestHealthzChecksTables: /healthz answers 503 naming the table, and no
// server path, when any published table is missing, truncated or
// unreadable; 200 while all are whole.
func TestHealthzChecksTables(t *testing.T) {
	damage := map[string]func(p string){
		"missing":   func(p string) { os.Remove(p) },
		"truncated": func(p string) { b, _ := os.ReadFile(p); os.WriteFile(p, b[:len(b)/2], 0o644) },
	}
	if os.Geteuid() != 0 { // root reads files whatever their mode
		damage["unreadable"] = func(p string) { os.Chmod(p, 0) }
	}
	for _, table := range tableFiles {
		for how, f := range damage {
			t.Run(table+"/"+how, func(t *testing.T) {
				_, ts, out := serverOn(t)
				if resp, body := get(t, ts, "/healthz"); resp.StatusCode != 200 {
					t.Fatalf("healthz before: %d %s", resp.StatusCode, body)
				}
				f(filepath.Join(out, table))
				resp, body := get(t, ts, "/healthz")
				if resp.StatusCode != http.StatusServiceUnavailable || !bytes.Contains(body, []byte(table)) || bytes.Contains(body, []byte(out)) {
					t.Errorf("healthz with %s %s: %d %s; want 503 naming the table, not the path", how, table, resp.StatusCode, body)
				}
			})
		}
	}
}
