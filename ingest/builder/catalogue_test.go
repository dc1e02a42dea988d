package builder

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/config"
)

func TestKeyDependsOnContentNotPath(t *testing.T) {
	e := []cube.Entry{{Source: "era5", Path: "/a/era5.nc", SHA256: "11", Status: "ok"}, {Source: "socat", Status: "missing"}}
	moved := []cube.Entry{{Source: "socat", Status: "missing"}, {Source: "era5", Path: "/b/era5.nc", SHA256: "11", Status: "ok"}}
	if Key("2023-01", 1.0, e) != Key("2023-01", 1.0, moved) {
		t.Error("moving or reordering inputs changed the key")
	}
	arrived := []cube.Entry{e[0], {Source: "socat", Path: "/a/s.tsv", SHA256: "22", Status: "ok"}}
	if Key("2023-01", 1.0, e) == Key("2023-01", 1.0, arrived) {
		t.Error("a late source arriving did not change the key")
	}
	if Key("2023-01", 1.0, e) == Key("2023-01", 0.5, e) {
		t.Error("a different resolution did not change the key")
	}
}

func TestFileHasherMemo(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "in.txt")
	os.WriteFile(p, []byte("hello"), 0o644)
	h := newFileHasher(dir)
	e, err := h.entry("x", "", p)
	if err != nil {
		t.Fatal(err)
	}
	// sha256("hello")
	if e.SHA256 != "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" || e.Size != 5 {
		t.Errorf("entry = %+v", e)
	}
	h.save()
	os.WriteFile(p, []byte("hello, world"), 0o644) // size changes: must rehash
	e2, _ := newFileHasher(dir).entry("x", "", p)
	if e2.SHA256 == e.SHA256 {
		t.Error("changed file kept its old checksum")
	}
}

// TestEveryConfiguredSourceHasAReader: the configuration accepts exactly
// the sources the builder reads.
func TestEveryConfiguredSourceHasAReader(t *testing.T) {
	var have []string
	for name := range readers {
		have = append(have, name)
	}
	slices.Sort(have)
	want := slices.Sorted(slices.Values(config.SourceNames))
	if !slices.Equal(have, want) {
		t.Errorf("readers for %v, config accepts %v", have, want)
	}
}

// TestFileHasherSeesASameSizeEditWithItsMtimeKept: an edit that keeps the
// size and sets the modification time back is rehashed (its change time
// moved), so the manifest never records the old checksum.
func TestFileHasherSeesASameSizeEditWithItsMtimeKept(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "co2_mm_gl.txt")
	os.WriteFile(p, []byte("2024 1 420.00"), 0o644)
	old := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	os.Chtimes(p, old, old)
	h := newFileHasher(dir)
	e, err := h.entry("co2_monthly", "", p)
	if err != nil {
		t.Fatal(err)
	}
	h.save()
	time.Sleep(20 * time.Millisecond) // the change time must be able to move
	os.WriteFile(p, []byte("2024 1 429.99"), 0o644)
	os.Chtimes(p, old, old)
	e2, err := newFileHasher(dir).entry("co2_monthly", "", p)
	if err != nil {
		t.Fatal(err)
	}
	if e2.SHA256 == e.SHA256 {
		t.Error("a same-size edit with the mtime kept was not rehashed")
	}
	if e3, _ := newFileHasher(dir).entry("co2_monthly", "", p); e3.SHA256 != e2.SHA256 {
		t.Error("an unchanged file hashed differently")
	}
}

// TestFetchSettingsDoNotShapeTheCube: where a source is fetched from is
// not part of the cube key (a fetch block added to a working
// configuration must not re-ingest every month); its variables are.
func TestFetchSettingsDoNotShapeTheCube(t *testing.T) {
	cfg, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := []cube.Entry{{Source: "co2_monthly", Path: "/a/co2.txt", SHA256: "11", Status: "ok"}}
	before := Key("2023-01", keySettings(cfg), e)
	src := cfg.Sources["co2_monthly"]
	src.Fetch = &config.Fetch{Provider: "http", URL: "https://gml.noaa.gov/webdata/ccgg/trends/co2/co2_mm_gl.txt"}
	src.WarnAfterDays = 40
	cfg.Sources["co2_monthly"] = src
	if Key("2023-01", keySettings(cfg), e) != before {
		t.Error("adding a fetch block changed the cube key")
	}
	era5 := cfg.Sources["era5"]
	era5.Variables = map[string]string{"t2m": "2t"}
	cfg.Sources["era5"] = era5
	if Key("2023-01", keySettings(cfg), e) == before {
		t.Error("changing a source's variables did not change the cube key")
	}
}
