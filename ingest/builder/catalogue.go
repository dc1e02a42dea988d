package builder

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/durable"
)

// formatVersion is mixed into every cube key; bump it when the cube's
// content, canonical units or file layout change, so stale caches are not
// reused (v3: fields as raw float32 blocks instead of Parquet).
const formatVersion = "cube-v3"

// fileHasher computes SHA-256 of input files, remembering each by path,
// size, modification time, inode and change time in
// <work>/filehashes.json so that a yearly ERA5 file is hashed once, not
// once per month. The change time is what an edit cannot keep: a
// same-size rewrite with its mtime set back (touch -r) still moves it, and
// a file replaced by another (a new download renamed into place) has a new
// inode.
type fileHasher struct {
	path  string
	mu    sync.Mutex
	memo  map[string]fileHash
	dirty bool // memo changed since the last save
}

type fileHash struct {
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mtime"`
	Inode   uint64    `json:"inode"`
	CTime   time.Time `json:"ctime"`
	SHA256  string    `json:"sha256"`
}

// identity is what the memo compares to decide that a file is unchanged.
func identity(st os.FileInfo) fileHash {
	fh := fileHash{Size: st.Size(), ModTime: st.ModTime()}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		fh.Inode = sys.Ino
		fh.CTime = time.Unix(sys.Ctim.Sec, sys.Ctim.Nsec)
	}
	return fh
}

func (a fileHash) sameFile(b fileHash) bool {
	return a.Size == b.Size && a.ModTime.Equal(b.ModTime) && a.Inode == b.Inode && a.CTime.Equal(b.CTime)
}

func newFileHasher(workDir string) *fileHasher {
	h := &fileHasher{path: filepath.Join(workDir, "filehashes.json"), memo: map[string]fileHash{}}
	if b, err := os.ReadFile(h.path); err == nil {
		json.Unmarshal(b, &h.memo) // a corrupt memo only costs rehashing
	}
	return h
}

// entry stats and hashes path for the catalogue.
func (h *fileHasher) entry(source, model, path string) (cube.Entry, error) {
	st, err := os.Stat(path)
	if err != nil {
		return cube.Entry{}, err
	}
	h.mu.Lock()
	fh, ok := h.memo[path]
	h.mu.Unlock()
	if now := identity(st); !ok || !fh.sameFile(now) {
		sum, _, err := durable.FileSHA256(path)
		if err != nil {
			return cube.Entry{}, err
		}
		fh = now
		fh.SHA256 = sum
		h.mu.Lock()
		h.memo[path] = fh
		h.dirty = true
		h.mu.Unlock()
	}
	return cube.Entry{Source: source, Model: model, Path: path, Size: st.Size(), SHA256: fh.SHA256, Status: "ok"}, nil
}

// save writes the memo; failure to save is not an error for the caller.
func (h *fileHasher) save() {
	h.mu.Lock()
	if !h.dirty {
		h.mu.Unlock()
		return
	}
	h.dirty = false
	b, err := json.Marshal(h.memo)
	h.mu.Unlock()
	if err != nil {
		return
	}
	durable.WriteFile(h.path, func(w io.Writer) error { _, err := w.Write(b); return err })
}

// Key is the cache key of a month: SHA-256 over the cube format version,
// the month, the settings that shape the cube and every input's checksum.
// Paths are left out, so moving the input tree does not force re-ingestion.
func Key(month string, settings any, entries []cube.Entry) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", formatVersion, month)
	b, _ := json.Marshal(settings)
	h.Write(b)
	sorted := append([]cube.Entry(nil), entries...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].Source != sorted[j].Source {
			return sorted[i].Source < sorted[j].Source
		}
		return sorted[i].Model < sorted[j].Model
	})
	for _, e := range sorted {
		fmt.Fprintf(h, "\n%s|%s|%s|%s", e.Source, e.Model, e.Status, e.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}
