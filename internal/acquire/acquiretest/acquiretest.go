// Package acquiretest serves files the way the providers' HTTPS servers
// do, on loopback, for tests of internal/acquire and of the commands that
// fetch: strong ETags (the SHA-256 of the content), Last-Modified,
// conditional requests and Range requests, and a count of the bodies sent.
package acquiretest

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// FileServer serves the files under Root at their relative paths.
type FileServer struct {
	Root string

	mu     sync.Mutex
	bodies map[string]int
}

// NewFileServer serves root.
func NewFileServer(root string) *FileServer { return &FileServer{Root: root, bodies: map[string]int{}} }

// Bodies is how many times path (as requested) was sent with a body (a
// 200 or a 206), not counting 304s.
func (s *FileServer) Bodies(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bodies[path]
}

// ServeHTTP answers GET and HEAD for files under Root.
func (s *FileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rel := filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/"))
	if strings.Contains(rel, "..") {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	path := filepath.Join(s.Root, rel)
	b, err := os.ReadFile(path)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	fi, _ := os.Stat(path)
	w.Header().Set("ETag", fmt.Sprintf(`"%x"`, sha256.Sum256(b)))
	w.Header().Set("Content-Type", "application/octet-stream")
	cw := &countingWriter{ResponseWriter: w}
	http.ServeContent(cw, r, filepath.Base(path), fi.ModTime(), strings.NewReader(string(b)))
	if cw.code == http.StatusOK || cw.code == http.StatusPartialContent {
		s.mu.Lock()
		s.bodies[r.URL.Path]++
		s.mu.Unlock()
	}
}

type countingWriter struct {
	http.ResponseWriter
	code int
}

func (c *countingWriter) WriteHeader(code int) {
	c.code = code
	c.ResponseWriter.WriteHeader(code)
}

func (c *countingWriter) Write(b []byte) (int, error) {
	if c.code == 0 {
		c.code = http.StatusOK
	}
	return c.ResponseWriter.Write(b)
}
