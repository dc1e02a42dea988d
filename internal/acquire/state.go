package acquire

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/durable"
)

// state is what the last fetch of one destination learnt: the validators
// for a conditional request, the checksum of what it wrote (a file changed
// by hand since is fetched whole again), and for a CDS result the request
// it answered.
type state struct {
	URL          string    `json:"url"` // redacted
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	SHA256       string    `json:"sha256"`
	Size         int64     `json:"size"`
	Fetched      time.Time `json:"fetched"`
	RequestHash  string    `json:"request_hash,omitempty"`
}

func (f *Fetcher) statePath(dest string) string {
	if f.StateDir == "" {
		return ""
	}
	abs, _ := filepath.Abs(dest)
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(f.StateDir, hex.EncodeToString(sum[:12])+".json")
}

// loadState returns dest's state when the file there is still the one
// the state describes (same size and checksum); ok is false otherwise.
func (f *Fetcher) loadState(dest string) (st state, ok bool) {
	p := f.statePath(dest)
	if p == "" {
		return st, false
	}
	b, err := os.ReadFile(p)
	if err != nil || json.Unmarshal(b, &st) != nil {
		return state{}, false
	}
	fi, err := os.Stat(dest)
	if err != nil || fi.Size() != st.Size {
		return state{}, false
	}
	if sum, _, err := durable.FileSHA256(dest); err != nil || sum != st.SHA256 {
		return state{}, false
	}
	return st, true
}

func (f *Fetcher) saveState(dest string, st state) error {
	p := f.statePath(dest)
	if p == "" {
		return nil
	}
	if err := os.MkdirAll(f.StateDir, 0o755); err != nil {
		return err
	}
	return durable.WriteFile(p, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(st)
	})
}

// Provenance is where a fetched file came from, for a month's manifest.
type Provenance struct {
	URL          string    `json:"url"` // redacted
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Fetched      time.Time `json:"fetched"`
	SHA256       string    `json:"sha256"`
}

// StateDir is the fetch state directory of a work directory: the CLI's
// Fetcher keeps its state there and ReadProvenance reads it.
func StateDir(workDir string) string { return filepath.Join(workDir, "fetch") }

// ReadProvenance returns the provenance of the file at dest from the state
// in stateDir, when carbonbudget fetched it and it has not changed since
// (its checksum is sha256); ok is false for a file put in place by hand.
func ReadProvenance(stateDir, dest, sha256 string) (p Provenance, ok bool) {
	f := &Fetcher{StateDir: stateDir}
	b, err := os.ReadFile(f.statePath(dest))
	var st state
	if err != nil || json.Unmarshal(b, &st) != nil || st.SHA256 != sha256 {
		return Provenance{}, false
	}
	return Provenance{URL: st.URL, ETag: st.ETag, LastModified: st.LastModified, Fetched: st.Fetched, SHA256: st.SHA256}, true
}

func notExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
