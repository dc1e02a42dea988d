package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/lake"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// apiError is an error with an HTTP status; its message is shown to the
// client as {"error": "..."}.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func errBadRequest(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

func errNotFound(format string, args ...any) error {
	return &apiError{http.StatusNotFound, fmt.Sprintf(format, args...)}
}

// handle registers h under pattern with error rendering and metrics.
func (s *Server) handle(pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			// A bug, not bad data; net/http would drop the connection and
			// log the value, paths included, where no one quotes it.
			id := requestID()
			s.opt.Log.Error("handler panicked", "request_id", id, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !rw.wrote {
				writeError(rw, &apiError{http.StatusInternalServerError, internalMessage(id)})
			}
			s.metrics.observe(pattern, http.StatusInternalServerError, time.Since(start))
		}()
		if err := h(rw, r); err != nil {
			if r.Context().Err() != nil && errors.Is(err, r.Context().Err()) {
				// The client went away; nobody is left to answer.
				s.metrics.observe(pattern, 499, time.Since(start))
				return
			}
			var ae *apiError
			if !errors.As(err, &ae) {
				// The detail (file paths included) goes to the log, the
				// client gets an id to quote.
				id := requestID()
				s.opt.Log.Error("request failed", "request_id", id, "path", r.URL.Path, "err", err)
				ae = &apiError{http.StatusInternalServerError, internalMessage(id)}
			}
			if rw.wrote { // too late to change the answer: the log has it
				s.opt.Log.Warn("request failed after its answer began", "path", r.URL.Path, "err", err)
			} else {
				writeError(rw, ae)
			}
		}
		s.metrics.observe(pattern, rw.status, time.Since(start))
	})
}

func internalMessage(id string) string {
	return "internal error (request " + id + "; the server log has the detail)"
}

// writeError answers {"error": msg} with ae's status, dropping the headers
// a handler may have set for the response it meant to send.
func writeError(w http.ResponseWriter, ae *apiError) {
	h := w.Header()
	h.Del("Content-Disposition")
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	h.Del("ETag") // an error is not the resource
	h.Del("Last-Modified")
	b, _ := json.Marshal(map[string]string{"error": ae.msg})
	h.Set("Content-Type", "application/json")
	w.WriteHeader(ae.status)
	w.Write(append(b, '\n'))
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool // the status line has gone: an error can no longer be answered
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(p)
}

// send writes body with its content type, gzip-compressed for clients that
// accept it (text formats only). With a cache key, the encoded body and its
// gzip form are kept for the current data version, so a popular table is
// encoded once per publication, not once per request.
func (s *Server) send(w http.ResponseWriter, r *http.Request, ctype string, body []byte, key string) error {
	w.Header().Set("Content-Type", ctype)
	text := strings.HasPrefix(ctype, "application/json") || strings.HasPrefix(ctype, "text/")
	if text && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		var gz []byte
		ok := false
		if key != "" {
			gz, ok = s.cache.get(key + "|gz")
		}
		if !ok {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
			zw.Write(body)
			zw.Close()
			gz = buf.Bytes()
			if key != "" {
				s.cache.put(key+"|gz", gz)
			}
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Add("Vary", "Accept-Encoding")
		body = gz
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, err := w.Write(body)
	return err
}

// notModified handles conditional requests. The ETag is a hash of key
// (see reqKey: publication, path and canonical parameters), so two
// different responses never share one and spellings of one request do.
func notModified(w http.ResponseWriter, r *http.Request, snap *snapshot, key string) bool {
	h := sha256.Sum256([]byte(key))
	etag := `"` + hex.EncodeToString(h[:16]) + `"`
	w.Header().Set("ETag", etag)
	if !snap.modTime.IsZero() {
		w.Header().Set("Last-Modified", snap.modTime.UTC().Format(http.TimeFormat))
	}
	w.Header().Set("Cache-Control", "no-cache")
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

// etagMatches applies If-None-Match's weak comparison (RFC 9110 13.1.2):
// a list of tags, each possibly W/, or "*".
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// monthRange parses the optional from/to query parameters (YYYY-MM).
func monthRange(r *http.Request) (from, to grid.Month, err error) {
	from, to = grid.Month{Year: 0, Month: 1}, grid.Month{Year: 9999, Month: 12}
	if v := r.URL.Query().Get("from"); v != "" {
		if from, err = grid.ParseMonth(v); err != nil {
			return from, to, errBadRequest("from: %v", err)
		}
	}
	if v := r.URL.Query().Get("to"); v != "" {
		if to, err = grid.ParseMonth(v); err != nil {
			return from, to, errBadRequest("to: %v", err)
		}
	}
	if to.Before(from) {
		return from, to, errBadRequest("from %s is after to %s", from, to)
	}
	return from, to, nil
}

func (s *Server) budget(w http.ResponseWriter, r *http.Request) error {
	snap := s.data.get()
	q := r.URL.Query()
	from, to, err := monthRange(r)
	if err != nil {
		return err
	}
	freq := nonEmpty(q.Get("freq"), "monthly")
	if freq != "monthly" && freq != "annual" {
		return errBadRequest("freq: want monthly or annual")
	}
	format, err := parseFormat(r)
	if err != nil {
		return err
	}
	key := reqKey(snap.etag, r.URL.Path, "freq="+freq, "from="+from.String(), "to="+to.String(), "format="+format)
	if notModified(w, r, snap, key) {
		return nil
	}
	return s.writeTable(w, r, "budget_"+freq, key, format, func() any {
		var rows []lake.Row
		if freq == "monthly" {
			for _, row := range snap.monthly {
				if m, err := grid.ParseMonth(row.Period); err == nil && !m.Before(from) && !to.Before(m) {
					rows = append(rows, row)
				}
			}
			return rows
		}
		for _, row := range snap.annual {
			y, _ := strconv.Atoi(row.Period[:4])
			if y >= from.Year && y <= to.Year {
				rows = append(rows, row)
			}
		}
		return rows
	})
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (s *Server) regionList(w http.ResponseWriter, r *http.Request) error {
	return s.wholeTable(w, r, "regions", func(snap *snapshot) (any, error) { return snap.regions, nil })
}

func (s *Server) region(w http.ResponseWriter, r *http.Request) error {
	snap := s.data.get()
	id := r.PathValue("id")
	if _, ok := snap.regionIndex[id]; !ok {
		return errNotFound("unknown region %q; GET /api/v1/regions lists them", id)
	}
	from, to, err := monthRange(r)
	if err != nil {
		return err
	}
	comp := r.URL.Query().Get("component")
	if comp != "" && comp != componentTopDown && !snap.components[comp] && !standardComponents[comp] {
		return errBadRequest("unknown component (fossil, land_sink, fire, ocean_sink, net_flux_to_atmosphere, topdown, land_topdown, ocean_topdown, land_topdown:PRODUCT, ocean_topdown:PRODUCT)")
	}
	format, err := parseFormat(r)
	if err != nil {
		return err
	}
	key := reqKey(snap.etag, r.URL.Path, "component="+comp, "from="+from.String(), "to="+to.String(), "format="+format)
	if notModified(w, r, snap, key) {
		return nil
	}
	if format == "json" {
		return s.regionJSON(w, r, key, snap, id, comp, from, to)
	}
	return s.writeTable(w, r, "region_"+strings.ReplaceAll(id, "/", "_"), key, format, func() any {
		var rows []lake.RegionRow
		for _, row := range snap.byRegion[id] {
			if !componentMatches(comp, row.Component) {
				continue
			}
			if m, _ := grid.ParseMonth(row.Month); !m.Before(from) && !to.Before(m) {
				rows = append(rows, row)
			}
		}
		return rows
	})
}

// standardComponents are always valid names, whether or not the tables
// hold rows of them yet (an answer of no rows, not an error).
var standardComponents = map[string]bool{lake.CompFossil: true, lake.CompLand: true, lake.CompFire: true, lake.CompOcean: true,
	lake.CompNetToAtmos: true, lake.CompLandTopDown: true, lake.CompOceanTopDown: true}

// componentTopDown asks for every top-down component of a region: the
// inversions' ensemble and each product, land and ocean.
const componentTopDown = "topdown"

// componentMatches reports whether a row's component answers the
// component parameter ("" answers all).
func componentMatches(param, comp string) bool {
	switch param {
	case "":
		return true
	case componentTopDown:
		return strings.HasPrefix(comp, lake.CompLandTopDown) || strings.HasPrefix(comp, lake.CompOceanTopDown)
	}
	return param == comp
}

// agreement serves the agreement table: bottom-up against top-down
// anomalies per region, month and calendar year, filtered by region,
// window (month or calendar-year), product and disagree=true.
func (s *Server) agreement(w http.ResponseWriter, r *http.Request) error {
	snap := s.data.get()
	q := r.URL.Query()
	region, window, product := q.Get("region"), q.Get("window"), q.Get("product")
	if region != "" {
		if _, ok := snap.regionIndex[region]; !ok {
			return errNotFound("unknown region; GET /api/v1/regions lists them")
		}
	}
	if window != "" && window != "month" && window != "calendar-year" {
		return errBadRequest("window: month or calendar-year")
	}
	if len(product) > 64 {
		return errBadRequest("product: too long")
	}
	var disagree bool
	switch q.Get("disagree") {
	case "", "false":
	case "true":
		disagree = true
	default:
		return errBadRequest("disagree: true or false")
	}
	format, err := parseFormat(r)
	if err != nil {
		return err
	}
	key := reqKey(snap.etag, r.URL.Path, "region="+region, "window="+window, "product="+product,
		"disagree="+strconv.FormatBool(disagree), "format="+format)
	if notModified(w, r, snap, key) {
		return nil
	}
	return s.writeTable(w, r, "agreement", key, format, func() any {
		rows := []lake.AgreementRow{}
		for _, a := range snap.agreement {
			if (region == "" || a.RegionID == region) && (window == "" || a.Window == window) &&
				(product == "" || a.Product == product) && (!disagree || !a.Agree) {
				rows = append(rows, a)
			}
		}
		return rows
	})
}

func (s *Server) months(w http.ResponseWriter, r *http.Request) error {
	snap := s.data.get()
	type month struct {
		Month       string `json:"month" parquet:"month"`
		Provisional bool   `json:"provisional" parquet:"provisional"`
	}
	prov := map[string]bool{}
	for _, row := range snap.monthly {
		prov[row.Period] = row.Provisional
	}
	format, err := parseFormat(r)
	if err != nil {
		return err
	}
	var out []month
	for _, m := range sortedMonths(snap.months) {
		// The list follows the filesystem, not only the last reload: a
		// month deleted since is gone at once.
		if _, err := os.Stat(filepath.Join(lake.MonthDir(s.out, m), lake.BudgetJSON)); err != nil {
			continue
		}
		if _, err := os.Stat(output.GridPath(s.out, m)); err != nil {
			continue // its grid would answer 404
		}
		out = append(out, month{m.String(), prov[m.String()]})
	}
	// The list, not only the publication, names the response: it follows
	// the filesystem between reloads.
	listed := make([]string, len(out))
	for i, m := range out {
		listed[i] = m.Month
	}
	key := reqKey(snap.etag, r.URL.Path, "format="+format, "months="+strings.Join(listed, ","))
	if notModified(w, r, snap, key) {
		return nil
	}
	return s.writeTable(w, r, "months", key, format, func() any { return out })
}

func (s *Server) runs(w http.ResponseWriter, r *http.Request) error {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return errBadRequest("limit %q: want 1..1000", v)
		}
		limit = n
	}
	runs := []map[string]any{}
	if s.opt.Runs != nil {
		var err error
		if runs, err = s.opt.Runs.RunsJSON(limit); err != nil {
			return err
		}
	}
	b, err := json.Marshal(runs)
	if err != nil {
		return err
	}
	return s.send(w, r, "application/json", b, "")
}

// monthParam validates a {month} path value against the published months.
func (s *Server) monthParam(r *http.Request) (grid.Month, *snapshot, error) {
	snap := s.data.get()
	m, err := grid.ParseMonth(r.PathValue("month"))
	if err != nil {
		return m, snap, errBadRequest("%v", err)
	}
	if !snap.months[m] {
		return m, snap, errNotFound("month %s is not published", m)
	}
	return m, snap, nil
}

func (s *Server) manifest(w http.ResponseWriter, r *http.Request) error {
	m, snap, err := s.monthParam(r)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(lake.MonthDir(s.out, m), "manifest.json"))
	if errors.Is(err, os.ErrNotExist) {
		return errNotFound("month %s has no manifest", m)
	}
	if err != nil {
		return err
	}
	// The manifest is read on every request, so its content names it.
	h := sha256.Sum256(b)
	if notModified(w, r, snap, reqKey(snap.etag, r.URL.Path, "sha256="+hex.EncodeToString(h[:]))) {
		return nil
	}
	return s.send(w, r, "application/json", b, "")
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	// Healthy means the published data can be served: the output
	// directory and its tables are there, readable and whole now (the
	// snapshot in memory may outlive a deleted directory).
	if reason := s.unservable(); reason != "" {
		b, _ := json.Marshal(map[string]string{"status": "unhealthy", "reason": reason})
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, err := w.Write(append(b, '\n'))
		return err
	}
	snap := s.data.get()
	b, _ := json.Marshal(map[string]any{"status": "ok", "months": len(snap.months), "latest": snap.latest.String(),
		"updated": snap.modTime.UTC().Format(time.RFC3339)})
	return s.send(w, r, "application/json", b, "")
}

// unservable says why the published data cannot be served, naming files
// relative to the output directory (never the server's paths), or "".
// The pipeline publishes all of tableFiles together, so each must be
// there and a whole Parquet file.
func (s *Server) unservable() string {
	reason := func(name string, err error) string {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the OS reason, without the path
		}
		return "published data unreadable: " + name + ": " + err.Error()
	}
	d, err := os.Open(s.out)
	if err != nil {
		return reason("output directory", err)
	}
	_, err = d.Readdirnames(1)
	d.Close()
	if err != nil && !errors.Is(err, io.EOF) {
		return reason("output directory", err)
	}
	for _, name := range tableFiles {
		if err := parquetFileIntact(filepath.Join(s.out, name)); err != nil {
			return reason(name, err)
		}
	}
	return ""
}

// parquetFileIntact opens path and checks its Parquet frame.
func parquetFileIntact(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	return parquetIntact(f, st.Size())
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	b, err := assets.ReadFile("openapi.json")
	if err != nil {
		return err
	}
	return s.send(w, r, "application/json", b, "openapi")
}

// acquire takes a slot for a heavy request, or fails with 503.
func (s *Server) acquire(r *http.Request) (func(), error) {
	// A request whose client has gone takes no slot: select would pick at
	// random between a free slot and a done context.
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	t := time.NewTimer(s.opt.HeavyWait)
	defer t.Stop()
	select {
	case s.heavy <- struct{}{}:
		return func() { <-s.heavy }, nil
	case <-t.C:
		return nil, &apiError{http.StatusServiceUnavailable, "server busy: too many large requests at once; retry shortly"}
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
}

// regionJSON answers the dashboard's and analysts' commonest request from
// the rows encoded at load time: no encoding on the request path, so a
// burst of first requests after a publication stays fast.
func (s *Server) regionJSON(w http.ResponseWriter, r *http.Request, key string, snap *snapshot, id, comp string, from, to grid.Month) error {
	body, err := s.cache.getOrMake(key, func() ([]byte, error) {
		var b bytes.Buffer
		b.WriteByte('[')
		n := 0
		for i, row := range snap.byRegion[id] {
			if !componentMatches(comp, row.Component) {
				continue
			}
			if m, _ := grid.ParseMonth(row.Month); m.Before(from) || to.Before(m) {
				continue
			}
			if n > 0 {
				b.WriteByte(',')
			}
			b.Write(snap.byRegionJSON[id][i])
			n++
		}
		b.WriteString("]\n")
		return b.Bytes(), nil
	})
	if err != nil {
		return err
	}
	return s.send(w, r, "application/json", body, key)
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip: named
// (or "*") with a q-value above 0.
func acceptsGzip(header string) bool {
	gzipQ, starQ := -1.0, -1.0 // -1: not named
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip":
			gzipQ = q
		case "*":
			starQ = q
		}
	}
	if gzipQ >= 0 { // named explicitly: its own q decides
		return gzipQ > 0
	}
	return starQ > 0
}

var requestSeq atomic.Uint64

// requestID names one failed request in the log and in its response.
func requestID() string {
	return fmt.Sprintf("%x-%d", time.Now().UnixNano()&0xffffff, requestSeq.Add(1))
}
