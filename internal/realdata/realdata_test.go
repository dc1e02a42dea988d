package realdata

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindWalksUpToTheModuleRoot(t *testing.T) {
	// A module at tmp/repo with tmp/shared/data/real/x/y.txt beside it, the
	// test running two directories below the root.
	tmp := t.TempDir()
	repo := filepath.Join(tmp, "repo")
	pkg := filepath.Join(repo, "a", "b")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module m\n"), 0o644)
	want := filepath.Join(tmp, "shared", "data", "real", "x", "y.txt")
	os.MkdirAll(filepath.Dir(want), 0o755)
	os.WriteFile(want, nil, 0o644)
	t.Chdir(pkg)
	if got, err := find("x", "y.txt"); err != nil || got != want {
		t.Errorf("find = %q, %v; want %q", got, err, want)
	}
	if _, err := find("x", "absent.txt"); err == nil {
		t.Error("find of an absent file: no error")
	}
	t.Chdir(tmp) // no go.mod at or above the temporary directory
	if _, err := find("x", "y.txt"); err == nil {
		t.Error("find outside a module: no error")
	}
}
