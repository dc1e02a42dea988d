package release

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/durable"
)

// Layout under the output directory.
const (
	Dir        = "releases"
	objectsDir = "objects/sha256"
	treesDir   = "trees"
)

// File is one frozen file of a release: its path relative to the output
// directory, its SHA-256 and size.
type File struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// published lists the files of the output directory that a release
// freezes: everything but the releases themselves, the models (their
// cards are in every month's manifest), the ledger and the hidden entries
// (the lock, the work directory, staging directories). Sorted by path.
func published(out string) ([]string, error) {
	var rel []string
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		r, _ := filepath.Rel(out, p)
		if r == "." {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") || r == Dir || r == "models" || strings.HasPrefix(r, "ledger.db") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			rel = append(rel, filepath.ToSlash(r))
		}
		return nil
	})
	sort.Strings(rel)
	return rel, err
}

// objectPath is where the object with the given hash lives.
func objectPath(out, sum string) string {
	return filepath.Join(out, Dir, objectsDir, sum[:2], sum)
}

// store hashes the published file rel and puts it in the object store,
// as a hard link when the filesystem allows (no copy: the object is the
// published file's own inode, which publishing never rewrites, since
// every write replaces a file by rename) and as a copy otherwise.
func store(out, rel string) (File, error) {
	path := filepath.Join(out, filepath.FromSlash(rel))
	f, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, fmt.Errorf("hash %s: %w", path, err)
	}
	file := File{Path: rel, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
	obj := objectPath(out, file.SHA256)
	if _, err := os.Stat(obj); err == nil {
		return file, nil // the same content is stored already
	}
	if err := os.MkdirAll(filepath.Dir(obj), 0o755); err != nil {
		return File{}, err
	}
	if err := os.Link(path, obj); err == nil {
		// The link names whatever inode path holds now: make sure it is
		// the one hashed (the lock keeps publishers out; this is cheap).
		fi, _ := f.Stat()
		oi, err := os.Stat(obj)
		if err != nil || !os.SameFile(fi, oi) {
			os.Remove(obj)
			return File{}, fmt.Errorf("store %s: the file was replaced while it was frozen", path)
		}
		return file, nil
	} else if errors.Is(err, fs.ErrExist) {
		return file, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return File{}, err
	}
	return file, copyTo(obj, f, file.SHA256)
}

// copyTo writes r to path durably, checking that what it wrote has the
// expected hash.
func copyTo(path string, r io.Reader, sum string) error {
	return durable.WriteFile(path, func(w io.Writer) error {
		h := sha256.New()
		if _, err := io.Copy(io.MultiWriter(w, h), r); err != nil {
			return err
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != sum {
			return fmt.Errorf("copied %s, want %s (the file changed while it was frozen)", got, sum)
		}
		return nil
	})
}

// materialise makes dir/f.Path name the object of f: a hard link, or a
// copy where links are not allowed.
func materialise(out, dir string, f File) error {
	dst := filepath.Join(dir, filepath.FromSlash(f.Path))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	obj := objectPath(out, f.SHA256)
	if err := os.Link(obj, dst); err == nil {
		return nil
	}
	src, err := os.Open(obj)
	if err != nil {
		return fmt.Errorf("release object %s of %s: %w", f.SHA256, f.Path, err)
	}
	defer src.Close()
	return copyTo(dst, src, f.SHA256)
}
