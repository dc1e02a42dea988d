package server

import (
	"net/http"
	"strings"
	"sync"
)

// respCache keeps encoded response bodies. Keys start with the data
// version, so entries of an old publication are never served; when the
// cache is full it is simply emptied (a new publication does the same).
type respCache struct {
	mu       sync.Mutex
	m        map[string][]byte
	inflight map[string]chan struct{}
	bytes    int
	max      int
}

func newRespCache(maxBytes int) *respCache {
	return &respCache{m: map[string][]byte{}, inflight: map[string]chan struct{}{}, max: maxBytes}
}

// getOrMake returns the cached body of key, or runs build once, however many
// requests ask for the same key at the same moment (the first burst after a
// publication would otherwise encode one table a hundred times).
func (c *respCache) getOrMake(key string, build func() ([]byte, error)) ([]byte, error) {
	if key == "" { // not cacheable: every request builds its own
		return build()
	}
	for {
		c.mu.Lock()
		if b, ok := c.m[key]; ok {
			c.mu.Unlock()
			return b, nil
		}
		wait, busy := c.inflight[key]
		if !busy {
			done := make(chan struct{})
			c.inflight[key] = done
			c.mu.Unlock()
			b, err := build()
			c.mu.Lock()
			delete(c.inflight, key)
			c.mu.Unlock()
			close(done)
			if err == nil {
				c.put(key, b)
			}
			return b, err
		}
		c.mu.Unlock()
		<-wait
	}
}

func (c *respCache) get(key string) ([]byte, bool) {
	if key == "" {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[key]
	return b, ok
}

func (c *respCache) put(key string, b []byte) {
	size := len(key) + len(b) // keys count: they are memory too
	if key == "" || size > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[key]; ok {
		c.bytes -= len(key) + len(old)
	}
	if c.bytes+size > c.max {
		c.m = map[string][]byte{}
		c.bytes = 0
	}
	c.m[key] = b
	c.bytes += size
}

// cacheParams are the query parameters the API reads; no other enters a
// cache key.
var cacheParams = []string{"anomaly", "bbox", "component", "format", "freq", "from", "to", "var", "vars"}

// maxKeyBytes bounds a cache key: a request whose known parameters are
// longer than this is answered without caching.
const maxKeyBytes = 2048

// cacheKey is the key of a request's response: the data version, the
// path and the known parameters in a fixed order. A query string padded
// with parameters the API does not read (600 distinct 900 KB ones once
// took the server to 1.5 GB) maps to the same small key as without them.
func cacheKey(version string, r *http.Request) string {
	q := r.URL.Query()
	var b strings.Builder
	b.WriteString(version)
	b.WriteByte('|')
	b.WriteString(r.URL.Path)
	for _, p := range cacheParams {
		if v, ok := q[p]; ok {
			b.WriteString("&" + p + "=" + strings.Join(v, ","))
		}
		if b.Len() > maxKeyBytes {
			return ""
		}
	}
	return b.String()
}
