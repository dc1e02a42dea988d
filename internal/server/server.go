// Package server serves a carbonbudget output directory, read-only, to
// analysts: a JSON/CSV/Parquet API over the budget, regional and gridded
// outputs, Prometheus metrics and an embedded dashboard that works offline.
//
// Identifiers from URLs (months, region ids, variable names) are checked
// against what the output directory holds and never used as raw paths, so
// no request can reach a file outside it. Tables are reloaded when the
// monthly job publishes, without a restart.
package server

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"
)

//go:embed static openapi.json
var assets embed.FS

// RunLister lists the pipeline's runs for /api/v1/runs; the scheduler's
// ledger satisfies it. It may be nil.
type RunLister interface {
	RunsJSON(limit int) ([]map[string]any, error)
}

// LatencyLister, when the RunLister also implements it, gives /metrics the
// sources' and the budget's latency in days (see 'carbonbudget status').
type LatencyLister interface {
	LatencyDays() (sources map[string]float64, budget *float64, err error)
}

// Options tunes the server. The zero value is the production setting.
type Options struct {
	// MaxHeavy bounds concurrent heavy requests (grid files, subsets,
	// Parquet encodings, maps); more wait up to HeavyWait, then get 503.
	MaxHeavy  int
	HeavyWait time.Duration
	// ReloadEvery is how often the output directory is checked for a new
	// publication.
	ReloadEvery time.Duration
	Runs        RunLister
	Log         *slog.Logger
	// DefaultRelease is what a request without ?release= is answered
	// from: "" or "live" the output directory as published now, else a
	// release ("latest", an id or a name; releases.go).
	DefaultRelease string
	// Baseline is the anomaly reference of the maps; zero means 2015–2022.
	Baseline struct{ FromYear, ToYear int }
}

func (o Options) baseline() struct{ FromYear, ToYear int } {
	if o.Baseline.FromYear == 0 {
		return struct{ FromYear, ToYear int }{2015, 2022}
	}
	return o.Baseline
}

// Server serves one output directory.
type Server struct {
	out     string
	opt     Options
	data    *store
	metrics *metrics
	heavy   chan struct{}
	cache   *respCache
	maps    *respCache // rendered PNG maps, bounded like the responses
	mux     *http.ServeMux
	// releases serve ?release=ID (releases.go).
	releases releaseServers
}

// New returns a server for the output directory out.
func New(out string, opt Options) (*Server, error) {
	if opt.MaxHeavy <= 0 {
		opt.MaxHeavy = 4
	}
	if opt.HeavyWait <= 0 {
		opt.HeavyWait = 2 * time.Second
	}
	if opt.ReloadEvery <= 0 {
		opt.ReloadEvery = 2 * time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	st, err := newStore(out, opt.ReloadEvery, opt.Log)
	if err != nil {
		return nil, err
	}
	s := &Server{out: out, opt: opt, data: st, metrics: newMetrics(), heavy: make(chan struct{}, opt.MaxHeavy), cache: newRespCache(256 << 20), maps: newRespCache(64 << 20), mux: http.NewServeMux()}
	st.onReload = func() {
		s.cache.reset()
		s.maps.reset()
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	s.handle("GET /api/v1/budget", s.budget)
	s.handle("GET /api/v1/regions", s.regionList)
	s.handle("GET /api/v1/regions/{id}", s.region)
	s.handle("GET /api/v1/agreement", s.agreement)
	s.handle("GET /api/v1/findings", s.findings)
	s.handle("GET /api/v1/findings.atom", s.findingsAtom)
	s.handle("GET /api/v1/projection", s.projection)
	s.handle("GET /api/v1/grid/{month}", s.grid)
	s.handle("GET /api/v1/map/{month}", s.mapPNG)
	s.handle("GET /api/v1/runs", s.runs)
	s.handle("GET /api/v1/months", s.months)
	s.handle("GET /api/v1/months/{month}/manifest", s.manifest)
	s.dashboardRoutes()
	s.handle("GET /api/v1/openapi.json", s.openapi)
	s.handle("GET /api/v1/releases", s.releaseList)
	s.handle("GET /api/v1/diff", s.diff)
	s.handle("GET /healthz", s.healthz)
	lat, _ := s.opt.Runs.(LatencyLister)
	s.mux.Handle("GET /metrics", http.HandlerFunc(s.metrics.serve(s.data, lat)))
	static, _ := fs.Sub(assets, "static")
	s.handle("GET /", func(w http.ResponseWriter, r *http.Request) error {
		if r.URL.Path != "/" && r.URL.Path != "/index.html" && r.URL.Path != "/app.js" && r.URL.Path != "/style.css" && r.URL.Path != "/release.js" && r.URL.Path != "/findings.js" {
			return errNotFound("no page %q", r.URL.Path)
		}
		http.FileServerFS(static).ServeHTTP(w, r)
		return nil
	})
}

// Handler returns the server's HTTP handler (gzip and metrics included),
// with the security headers on every response.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// The dashboard loads only its own script, style sheet and the
		// API's PNG maps: nothing inline, nothing from elsewhere.
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		if s.serveRelease(w, r) {
			return
		}
		s.mux.ServeHTTP(w, r)
	})
}

const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// ListenAndServe serves on addr until ctx is cancelled, then shuts down
// gracefully. Timeouts bound slow clients.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is cancelled.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	s.opt.Log.Info("serving", "addr", ln.Addr().String(), "out", s.out)
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil {
			return err
		}
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
