// Package realdata finds the real sample files kept beside the repository
// in ../shared/data/real (see its PROVENANCE.md), for the tests that check
// readers and published numbers against them. The files are never copied
// into the repository, so a fresh clone has none of them: a test that needs
// one skips, naming the file, and the test command still passes.
package realdata

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Path returns ../shared/data/real/<elem...>, ".." being the parent of the
// module root (the nearest directory above the working directory that
// holds go.mod), or skips t when the file is not there. With no elem it
// returns the directory itself.
func Path(t testing.TB, elem ...string) string {
	t.Helper()
	p, err := find(elem...)
	if err != nil {
		t.Skipf("real sample data/real/%s is not available (../shared is not beside the repository): %v", filepath.ToSlash(filepath.Join(elem...)), err)
	}
	return p
}

func find(elem ...string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root := wd
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "", fmt.Errorf("no go.mod above %s", wd)
		}
		root = parent
	}
	p := filepath.Join(append([]string{filepath.Dir(root), "shared", "data", "real"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}
