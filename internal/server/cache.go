package server

import (
	"strings"
	"sync"
)

// respCache keeps encoded response bodies, bounded by the bytes of keys
// and bodies together. Keys start with the data version, so entries of an
// old publication are never served; when the cache is full it is simply
// emptied, and the server empties it on every new publication.
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

// reset drops every entry (builds under way finish and may put theirs).
func (c *respCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = map[string][]byte{}
	c.bytes = 0
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

// reqKey is the identity of a response: the publication (its version),
// the path (whose identifiers the handler has checked against the data)
// and the request's parameters as parsed and validated, in a fixed order.
// It is never built from the raw query, so parameters the API does not
// read, repeats and spellings of a default all map to one small key. It
// keys the response cache and names the ETag.
func reqKey(version, path string, params ...string) string {
	return version + "|" + path + "?" + strings.Join(params, "&")
}
