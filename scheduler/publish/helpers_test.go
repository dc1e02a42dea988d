package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// The test months write two units, like the pipeline: a lake partition and
// a month directory. Each unit holds data files and a manifest, written
// last, with the generation and the files' checksums, so a reader can tell
// a complete unit from a half-written or mixed one.

func unitDirs(m grid.Month) []string {
	return []string{
		fmt.Sprintf("grid/year=%04d/month=%02d", m.Year, int(m.Month)),
		"months/" + m.String(),
	}
}

type unitManifest struct {
	Gen   int               `json:"gen"`
	Files map[string]string `json:"files"`
}

// writeMonth stages generation gen of month m: per unit, files of
// sizeBytes bytes whose content depends on gen, then the manifest. Odd
// generations carry an extra file, so a leftover from the previous
// generation shows up as an unlisted file.
func writeMonth(staging string, m grid.Month, gen, sizeBytes int) error {
	for _, u := range unitDirs(m) {
		dir := filepath.Join(staging, u)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		names := []string{"part-0.bin", "part-1.bin"}
		if gen%2 == 1 {
			names = append(names, "odd-only.bin")
		}
		man := unitManifest{Gen: gen, Files: map[string]string{}}
		for i, name := range names {
			pat := fmt.Sprintf("%s gen %d file %d|", m, gen, i)
			data := []byte(strings.Repeat(pat, sizeBytes/len(pat)+1)[:max(sizeBytes, len(pat))])
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			man.Files[name] = hex.EncodeToString(sum[:])
		}
		b, _ := json.Marshal(man)
		if err := os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// readUnit checks a published unit is complete and of one generation and
// returns that generation; exists is false when the directory is absent.
func readUnit(dir string) (gen int, exists bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if os.IsNotExist(err) {
		if _, serr := os.Stat(dir); os.IsNotExist(serr) {
			return 0, false, nil
		}
		return 0, true, fmt.Errorf("%s: directory without manifest", dir)
	}
	if err != nil {
		return 0, true, err
	}
	var man unitManifest
	if err := json.Unmarshal(b, &man); err != nil {
		return 0, true, fmt.Errorf("%s: manifest: %v", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, true, err
	}
	if len(entries) != len(man.Files)+1 {
		return man.Gen, true, fmt.Errorf("%s: %d entries, manifest of gen %d lists %d files", dir, len(entries), man.Gen, len(man.Files))
	}
	for name, want := range man.Files {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return man.Gen, true, err
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != want {
			return man.Gen, true, fmt.Errorf("%s/%s: checksum %s, manifest of gen %d says %s", dir, name, got[:8], man.Gen, want[:8])
		}
		if !strings.Contains(string(data[:min(len(data), 64)]), fmt.Sprintf("gen %d ", man.Gen)) {
			return man.Gen, true, fmt.Errorf("%s/%s: content of another generation than gen %d", dir, name, man.Gen)
		}
	}
	return man.Gen, true, nil
}

// readMonth checks both units of m and that they agree on the generation.
func readMonth(outDir string, m grid.Month) (int, error) {
	gens := map[int]bool{}
	for _, u := range unitDirs(m) {
		gen, exists, err := readUnit(filepath.Join(outDir, u))
		if err != nil {
			return 0, err
		}
		if !exists {
			return 0, fmt.Errorf("%s: missing", u)
		}
		gens[gen] = true
	}
	if len(gens) != 1 {
		return 0, fmt.Errorf("month %s: units of different generations %v", m, gens)
	}
	for g := range gens {
		return g, nil
	}
	return 0, nil
}

// leftovers lists the bookkeeping entries left in outDir.
func leftovers(t *testing.T, outDir string) []string {
	t.Helper()
	entries, err := os.ReadDir(outDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

func mustPublish(t *testing.T, outDir string, m grid.Month, gen int) map[string]string {
	t.Helper()
	sums, err := Month(outDir, m, func(dir string) error { return writeMonth(dir, m, gen, 1000) })
	if err != nil {
		t.Fatalf("publish %s gen %d: %v", m, gen, err)
	}
	return sums
}
