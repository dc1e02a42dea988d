// Package durable holds the one way carbonbudget writes a file that a
// reader may trust: to a temporary file in the target's directory, flushed
// and fsync'd, renamed over the target, and the directory fsync'd, so that
// a crash or a full disk leaves either the old file or the new one, never
// a half-written file under a final name. Every writer uses it.
package durable

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes path through write: the bytes go to a temporary
// file in the same directory (rename is atomic only within a filesystem),
// which is flushed, fsync'd, closed and renamed over path. On any error the
// temporary file is removed and path is left as it was. The directory is
// created when missing and fsync'd after the rename so the new name survives
// a power cut.
func WriteFile(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := createTemp(path)
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: fsync: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(dir)
}

// syncDir fsyncs a directory so a rename inside it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// WriteWith is WriteFile for writers that need a file name rather than an
// io.Writer (the netCDF and GDAL libraries): write creates the file at
// tmpPath, a fresh name in path's directory, which is then fsync'd and
// renamed over path. On any error tmpPath is removed and path is left as
// it was.
func WriteWith(path string, write func(tmpPath string) error) (err error) {
	f, err := createTemp(path)
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	// The libraries create the file themselves (some refuse an existing
	// one): the name was reserved only to be unique.
	os.Remove(tmp)
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err := write(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return Replace(tmp, path)
}

// Replace finishes a write by name: tmp, a complete file in path's
// directory, is fsync'd and renamed over path, and the directory fsync'd.
// It is the end of WriteWith, for a writer that must keep its file open
// across several calls (the twin's netCDF files, written a month at a
// time). On any error tmp is removed and path is left as it was.
func Replace(tmp, path string) (err error) {
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if filepath.Dir(tmp) != filepath.Dir(path) {
		return fmt.Errorf("write %s: temporary file %s is not in its directory (rename is atomic only within one)", path, tmp)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// WriteDir fills a new directory through write and renames it to path,
// replacing what was there: readers see the old directory or the whole
// new one. The files write creates should themselves be written with
// WriteFile or WriteWith, so that they are on disk before the rename.
func WriteDir(path string, write func(tmpDir string) error) (err error) {
	parent := filepath.Dir(path)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.RemoveAll(tmp) // gone after a successful rename
	if err := write(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.RemoveAll(path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(parent)
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("fsync: %w", err)
	}
	return nil
}

// createTemp creates a fresh temporary file beside path (and path's
// directory when missing): rename is atomic only within a filesystem.
func createTemp(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return f, nil
}

// FileSHA256 returns the hex SHA-256 of the file at path and its size in
// bytes: the checksum that manifests, caches, fetch state and releases
// record of a file written.
func FileSHA256(path string) (sum string, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	if size, err = io.Copy(h, f); err != nil {
		return "", 0, fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}
