package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"strings"
	"sync"

	"github.com/carbonbudget/carbonbudget/internal/release"
)

// Releases. Without a release parameter the API serves the output
// directory as published now (the live state, which may hold months
// published since the latest release), or Options.DefaultRelease when set;
// ?release=ID (an id, a unique prefix, a name, or "latest") serves that
// release's frozen tree, by a server of its own opened on it, and
// ?release=live the output directory. The response carries what answered
// in the X-Carbonbudget-Release header.

// releaseServers holds one server per release served so far (at most
// maxReleaseServers). Releases never change, so a server, once opened,
// stays valid; one dropped to make room is reopened when asked for.
type releaseServers struct {
	mu   sync.Mutex
	byID map[string]*Server
}

// releaseHeader names the release a response comes from ("live" for the
// output directory as published now).
const releaseHeader = "X-Carbonbudget-Release"

const maxReleaseServers = 8

// serveRelease answers r from the release its release parameter names and
// reports whether it did. Listing releases and diffs take release ids as
// their own parameters, so they are answered by the live server.
func (s *Server) serveRelease(w http.ResponseWriter, r *http.Request) bool {
	ref := r.URL.Query().Get("release")
	byDefault := ref == ""
	if byDefault {
		ref = s.opt.DefaultRelease
	}
	if ref == "" || ref == "live" || !strings.HasPrefix(r.URL.Path, "/api/v1/") || r.URL.Path == "/api/v1/releases" || r.URL.Path == "/api/v1/diff" {
		w.Header().Set(releaseHeader, "live")
		return false
	}
	rel, err := release.Resolve(s.out, ref)
	if err != nil && byDefault {
		// No release yet to default to: the output directory is all there is.
		w.Header().Set(releaseHeader, "live")
		return false
	}
	if err != nil {
		writeError(w, &apiError{http.StatusNotFound, "no release " + quote(ref) + " (GET /api/v1/releases lists them)"})
		return true
	}
	sub, err := s.releaseServer(rel.ID)
	if err != nil {
		s.opt.Log.Error("open release", "release", rel.ID, "err", err)
		writeError(w, &apiError{http.StatusInternalServerError, internalMessage(requestID())})
		return true
	}
	q := r.URL.Query()
	q.Del("release")
	r2 := r.Clone(r.Context()) // a deep copy: r's URL stays as it came
	r2.URL.RawQuery = q.Encode()
	w.Header().Set(releaseHeader, rel.ID)
	sub.mux.ServeHTTP(w, r2)
	return true
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + strings.ReplaceAll(s, `"`, `'`) + `"`
}

func (s *Server) releaseServer(id string) (*Server, error) {
	s.releases.mu.Lock()
	defer s.releases.mu.Unlock()
	if sub, ok := s.releases.byID[id]; ok {
		return sub, nil
	}
	opt := s.opt
	opt.Runs = nil          // the ledger is the live directory's
	opt.DefaultRelease = "" // the release's tree has no releases
	sub, err := New(release.TreeDir(s.out, id), opt)
	if err != nil {
		return nil, err
	}
	// Heavy requests share the live server's slots, whichever release
	// they ask for; the caches are smaller, since there may be several.
	sub.heavy = s.heavy
	sub.cache, sub.maps = newRespCache(32<<20), newRespCache(8<<20)
	if s.releases.byID == nil {
		s.releases.byID = map[string]*Server{}
	}
	if len(s.releases.byID) >= maxReleaseServers {
		for old := range s.releases.byID {
			delete(s.releases.byID, old)
			break
		}
	}
	s.releases.byID[id] = sub
	return sub, nil
}

// releaseList answers GET /api/v1/releases: the releases, newest first,
// with the latest's id.
func (s *Server) releaseList(w http.ResponseWriter, r *http.Request) error {
	rels, err := release.List(s.out)
	if err != nil {
		return err
	}
	sums := release.Summaries(rels)
	for i, j := 0, len(sums)-1; i < j; i, j = i+1, j-1 {
		sums[i], sums[j] = sums[j], sums[i]
	}
	// default is what answers a request without ?release=: a release id,
	// or "live" (the output directory as published now).
	body := map[string]any{"latest": nil, "releases": sums, "default": "live"}
	if len(sums) > 0 {
		body["latest"] = sums[0].ID
	}
	if ref := s.opt.DefaultRelease; ref != "" && ref != "live" {
		if rel, err := release.Resolve(s.out, ref); err == nil {
			body["default"] = rel.ID
		}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return s.send(w, r, "application/json", b, "")
}

// diff answers GET /api/v1/diff?from=A&to=B[&format=csv]: A and B are
// releases (ids, names, "latest") or "live".
func (s *Server) diff(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	from, to := q.Get("from"), q.Get("to")
	if from == "" || to == "" {
		return errBadRequest("diff needs from= and to= (release ids, names, latest, or live)")
	}
	dirs := make([]string, 2)
	for i, ref := range []string{from, to} {
		if ref == "live" {
			dirs[i] = s.out
			continue
		}
		rel, err := release.Resolve(s.out, ref)
		if errors.Is(err, fs.ErrNotExist) {
			return errNotFound("no release %s (GET /api/v1/releases lists them)", quote(ref))
		}
		if err != nil {
			return errBadRequest("release %s: %v", quote(ref), err)
		}
		dirs[i] = release.TreeDir(s.out, rel.ID)
	}
	done, err := s.acquire(r) // reads every month of both sides
	if err != nil {
		return err
	}
	defer done()
	d, err := release.Compare(dirs[0], dirs[1])
	if err != nil {
		return err
	}
	d.From, d.To = from, to
	var buf bytes.Buffer
	switch q.Get("format") {
	case "", "json":
		if err := d.WriteJSON(&buf); err != nil {
			return err
		}
		return s.send(w, r, "application/json", buf.Bytes(), "")
	case "csv":
		if err := d.WriteCSV(&buf); err != nil {
			return err
		}
		return s.send(w, r, "text/csv; charset=utf-8", buf.Bytes(), "")
	}
	return errBadRequest("format %s: want json or csv", quote(q.Get("format")))
}
