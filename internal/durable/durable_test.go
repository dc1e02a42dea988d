package durable

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileKeepsOldFileOnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "a.csv")
	if err := WriteFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "x\n1\n"); return err }); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("new file: %v, %v; want mode 0644", fi, err)
	}
	boom := errors.New("boom")
	err := WriteFile(path, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "x\n1\n" {
		t.Errorf("after a failed write the file holds %q, want the old content", b)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestWriteWithRenamesOnlyOnSuccess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grid.nc")
	if err := WriteWith(path, func(tmp string) error { return os.WriteFile(tmp, []byte("new"), 0o644) }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteWith(path, func(tmp string) error {
		os.WriteFile(tmp, []byte("half"), 0o644)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("after a failed write the file holds %q, want the old content", b)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestWriteDirReplacesWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cube")
	write := func(content string, fail error) error {
		return WriteDir(path, func(dir string) error {
			if err := os.WriteFile(filepath.Join(dir, "a"), []byte(content), 0o644); err != nil {
				return err
			}
			return fail
		})
	}
	if err := write("one", nil); err != nil {
		t.Fatal(err)
	}
	if err := write("two", errors.New("boom")); err == nil {
		t.Fatal("a failed write reported success")
	}
	if b, _ := os.ReadFile(filepath.Join(path, "a")); string(b) != "one" {
		t.Errorf("after a failed write the directory holds %q, want the old one", b)
	}
	if err := write("three", nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(path, "a")); string(b) != "three" {
		t.Errorf("directory holds %q, want the new one", b)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*")); len(left) != 0 {
		t.Errorf("temporary directories left behind: %v", left)
	}
}

func TestReplace(t *testing.T) {
	dir := t.TempDir()
	path, tmp := filepath.Join(dir, "a.nc"), filepath.Join(dir, ".a.nc.tmp")
	os.WriteFile(path, []byte("old"), 0o644)
	os.WriteFile(tmp, []byte("new"), 0o644)
	if err := Replace(tmp, path); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("after Replace the file holds %q, want %q", b, "new")
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file still there after Replace: %v", err)
	}

	// A missing temporary file, or one in another directory (where rename
	// would not be atomic), fails and leaves path as it was.
	other := filepath.Join(t.TempDir(), ".a.nc.tmp")
	os.WriteFile(other, []byte("elsewhere"), 0o644)
	for _, bad := range []string{filepath.Join(dir, ".missing.tmp"), other} {
		if err := Replace(bad, path); err == nil {
			t.Errorf("Replace(%s, %s) succeeded", bad, path)
		}
		if b, _ := os.ReadFile(path); string(b) != "new" {
			t.Errorf("after Replace(%s) failed the file holds %q, want %q", bad, b, "new")
		}
		if _, err := os.Stat(bad); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("failed Replace left %s behind", bad)
		}
	}
}

// TestFileSHA256 checks the sum and size against the SHA-256 test vector
// of "abc" (FIPS 180-2), and that a missing file is an error.
func TestFileSHA256(t *testing.T) {
	path := filepath.Join(t.TempDir(), "abc")
	if err := os.WriteFile(path, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, size, err := FileSHA256(path)
	if err != nil || size != 3 || sum != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("FileSHA256 = %s, %d, %v", sum, size, err)
	}
	if _, _, err := FileSHA256(path + ".missing"); err == nil {
		t.Error("a missing file hashed")
	}
}
