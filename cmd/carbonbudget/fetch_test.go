package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/carbonbudget/carbonbudget/internal/acquire/acquiretest"
)

// fetchConfig writes the twin's configuration with an empty input
// directory and every source fetched over HTTP from base, where the
// twin's files are served at their relative paths.
func fetchConfig(t *testing.T, base, inputDir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fix.world, "carbonbudget.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	cfg["input_dir"], cfg["models_dir"], cfg["start"], cfg["members"] = inputDir, fix.models, firstMonth, 1
	for _, s := range cfg["sources"].(map[string]any) {
		src := s.(map[string]any)
		src["fetch"] = map[string]any{"provider": "http", "url": base + "/" + src["path"].(string)}
	}
	cfg["sources"].(map[string]any)["ndvi"].(map[string]any)["warn_after_days"] = 45
	out, _ := yaml.Marshal(cfg)
	path := filepath.Join(t.TempDir(), "fetch.yaml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFetchThenUpdate: 'update' on an empty input directory fetches the
// twin's files from a fake provider and publishes the months; a second
// 'fetch' downloads nothing; a revised NOAA file is fetched again as a new
// vintage, the months it changes are recomputed, and the month's manifest
// records the new vintage.
func TestFetchThenUpdate(t *testing.T) {
	fixture(t)
	ctx := context.Background()
	served := filepath.Join(t.TempDir(), "provider")
	if out, err := exec.Command("cp", "-a", fix.world, served).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	fs := acquiretest.NewFileServer(served)
	srv := httptest.NewServer(fs)
	defer srv.Close()
	inputs, out := t.TempDir(), t.TempDir()
	cfg := fetchConfig(t, srv.URL, inputs)

	stdout, err := carbonbudget(ctx, "fetch", "--from", firstMonth, "--to", lastMonth, "--config", cfg, "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "co2_monthly") || strings.Contains(stdout, "FAILED") {
		t.Fatalf("first fetch:\n%s", stdout)
	}
	noaa := "/noaa/co2_mm_gl.txt"
	if _, err := os.Stat(filepath.Join(inputs, "noaa", "co2_mm_gl.txt")); err != nil || fs.Bodies(noaa) != 1 {
		t.Fatalf("NOAA file not fetched (%v), sent %d times", err, fs.Bodies(noaa))
	}
	stdout, err = carbonbudget(ctx, "fetch", "--from", firstMonth, "--to", lastMonth, "--config", cfg, "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`\sfetched\s`).MatchString(stdout) || fs.Bodies(noaa) != 1 {
		t.Fatalf("second fetch downloaded again (NOAA sent %d times):\n%s", fs.Bodies(noaa), stdout)
	}

	if _, err := carbonbudget(ctx, "update", "--config", cfg, "--out", out); err != nil {
		t.Fatal(err)
	}
	if st := status(t, out); len(st.Months) != nMonths {
		t.Fatalf("update after fetching published %d months, want %d", len(st.Months), nMonths)
	}
	before := manifestFetch(t, out, lastMonth, "noaa/co2_mm_gl.txt")
	if !strings.HasPrefix(before.URL, srv.URL+noaa) || before.ETag == "" {
		t.Fatalf("manifest of %s records the NOAA file as %+v", lastMonth, before)
	}

	// NOAA revises its last month.
	p := filepath.Join(served, "noaa", "co2_mm_gl.txt")
	b, _ := os.ReadFile(p)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	var revised []string
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 3 && f[0] == "2022" && f[1] == "12" {
			l = strings.Replace(l, f[3], "999.99", 1)
		}
		revised = append(revised, l)
	}
	newFile := strings.Join(revised, "\n") + "\n"
	if newFile == string(b) {
		t.Fatal("the test did not change the NOAA file")
	}
	os.WriteFile(p, []byte(newFile), 0o644)
	stdout, err = carbonbudget(ctx, "update", "--config", cfg, "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if fs.Bodies(noaa) != 2 {
		t.Errorf("the revised NOAA file was sent %d times in all, want 2", fs.Bodies(noaa))
	}
	after := manifestFetch(t, out, lastMonth, "noaa/co2_mm_gl.txt")
	sum := sha256.Sum256([]byte(newFile))
	if after.SHA256 != hex.EncodeToString(sum[:]) || after.ETag == before.ETag {
		t.Errorf("manifest after the revision records %+v; want the new vintage %x", after, sum)
	}
	if !strings.Contains(stdout, "computed") || strings.Contains(stdout, " 0 computed") {
		t.Errorf("the update after the revision recomputed nothing: %s", stdout)
	}

	// status: each source's newest month and latency; NOAA's next month is
	// years overdue against its 45 days; the budget's own latency.
	js, err := carbonbudget(ctx, "status", "--json", "--config", cfg, "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Sources []struct {
			Source, Month, Warning string
			Vintages               int
			Record                 bool
		}
		BudgetLatencyDays *float64 `json:"budget_latency_days"`
	}
	if err := json.Unmarshal([]byte(js), &st); err != nil {
		t.Fatal(err)
	}
	var co2, ndvi bool
	for _, s := range st.Sources {
		switch s.Source {
		case "co2_monthly": // a whole-record file: when it changed, no month
			co2 = s.Vintages == 2 && s.Month == "" && s.Record
		case "ndvi":
			ndvi = s.Month == lastMonth && strings.Contains(s.Warning, "2023-01 has not arrived")
		}
	}
	if !co2 || !ndvi || st.BudgetLatencyDays == nil || *st.BudgetLatencyDays < 365 {
		t.Errorf("status --json: sources %+v, budget latency %v; want NOAA as a record of 2 vintages, NDVI to %s with 2023-01 overdue", st.Sources, st.BudgetLatencyDays, lastMonth)
	}
	text, _ := carbonbudget(ctx, "status", "--config", cfg, "--out", out)
	if !strings.Contains(text, "WARNING: source ndvi") || !strings.Contains(text, "DAYS AFTER MONTH END") {
		t.Errorf("status text lacks the sources' latency or the warning:\n%s", text)
	}
}

type fetchRecord struct {
	URL    string `json:"url"`
	ETag   string `json:"etag"`
	SHA256 string `json:"sha256"`
}

func manifestFetch(t *testing.T, out, month, input string) fetchRecord {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "months", month, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		Fetched map[string]fetchRecord `json:"fetched"`
	}
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	return man.Fetched[input]
}
