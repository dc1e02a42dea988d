package main

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/crashpoint"
	"github.com/carbonbudget/carbonbudget/internal/server"
)

// Environment of a child that is to record or crash at crash points.
const (
	envCrashLog = "CARBONBUDGET_TEST_CRASH_LOG" // append every point reached to this file
	envCrashAt  = "CARBONBUDGET_TEST_CRASH_AT"  // SIGKILL the process at this point
)

// installCrashHook arms crashpoint.Hook in a child run as main, as its
// environment says.
func installCrashHook() {
	logPath, at := os.Getenv(envCrashLog), os.Getenv(envCrashAt)
	if logPath == "" && at == "" {
		return
	}
	crashpoint.Hook = func(point string) {
		if logPath != "" {
			if f, err := os.OpenFile(logPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
				f.WriteString(point + "\n")
				f.Close()
			}
		}
		if point == at {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute) // the signal is asynchronous
		}
	}
}

// TestKillAtEveryPublishStep republishes a month whose published value is
// known to be wrong and kills the run at every crash point of publishing
// it and rebuilding the tables. After the next 'update', every month's
// budget.json, budget_monthly.csv and the API must agree, and the month
// must hold its old value when the kill came before the commit point and
// its new one after.
func TestKillAtEveryPublishStep(t *testing.T) {
	fixture(t)
	ctx := context.Background()
	base := t.TempDir()
	if _, err := carbonbudget(ctx, "update", "--config", fix.config, "--out", base); err != nil {
		t.Fatal(err)
	}
	right := readBudgetJSON(t, base, lastMonth)
	// The published state starts wrong in one month (as after a bad input
	// later corrected), consistently so: the tables are healed to it.
	const wrongSLand = 9.875
	setSLand(t, base, lastMonth, wrongSLand)
	if _, err := carbonbudget(ctx, "update", "--config", fix.config, "--out", base); err != nil {
		t.Fatal(err)
	}
	agree(t, base, "the starting state")

	republish := func(out string, env ...string) error {
		cmd := command(ctx, "run", "--month", lastMonth, "--config", fix.config, "--out", out)
		cmd.Env = append(cmd.Env, env...)
		return cmd.Run()
	}
	copyDir := func(name string) string {
		dst := filepath.Join(t.TempDir(), name)
		if out, err := exec.Command("cp", "-a", base, dst).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v %s", err, out)
		}
		return dst
	}

	// The points an uninterrupted republish passes, in order.
	logPath := filepath.Join(t.TempDir(), "points")
	if err := republish(copyDir("record"), envCrashLog+"="+logPath); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	var points []string
	for _, p := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !slices.Contains(points, p) {
			points = append(points, p)
		}
	}
	commit := slices.Index(points, "publish: committed")
	if commit < 0 || len(points) < 12 || !slices.Contains(points, "tables: wrote fossil_national.csv") {
		t.Fatalf("crash points of a republish: %q; want the publish steps, the ledger and every table", points)
	}

	for i, point := range points {
		out := copyDir(strconv.Itoa(i))
		err := republish(out, envCrashAt+"="+point)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("kill at %q: run ended with %v, want SIGKILL", point, err)
		}
		if _, err := carbonbudget(ctx, "update", "--config", fix.config, "--out", out); err != nil {
			t.Fatalf("update after a kill at %q: %v", point, err)
		}
		agree(t, out, "after a kill at "+strconv.Quote(point))
		entries, _ := os.ReadDir(out)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".tmp-") || strings.HasPrefix(e.Name(), ".staging-") || strings.HasPrefix(e.Name(), ".publish-") {
				t.Errorf("kill at %q: %s left in the output directory after the update", point, e.Name())
			}
		}
		want := wrongSLand
		if i >= commit {
			want = right
		}
		if got := readBudgetJSON(t, out, lastMonth); got != want {
			t.Errorf("kill at %q: %s S_LAND %v after the update, want %v", point, lastMonth, got, want)
		}
	}
	t.Logf("killed at %d points: %q", len(points), points)
}

func budgetJSONPath(out, month string) string {
	return filepath.Join(out, "months", month, "budget.json")
}

// readBudgetJSON is month's published S_LAND in GtC.
func readBudgetJSON(t *testing.T, out, month string) float64 {
	t.Helper()
	b, err := os.ReadFile(budgetJSONPath(out, month))
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Budget struct {
			SLand struct {
				GtC float64 `json:"gtc"`
			} `json:"s_land"`
		} `json:"budget"`
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	return rec.Budget.SLand.GtC
}

// setSLand rewrites month's S_LAND in budget.json, as a later publish
// would, and dates it after the tables.
func setSLand(t *testing.T, out, month string, v float64) {
	t.Helper()
	path := budgetJSONPath(out, month)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	rec["budget"].(map[string]any)["s_land"].(map[string]any)["gtc"] = v
	b, _ = json.Marshal(rec)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	os.Chtimes(path, later, later)
}

// agree checks that every published month's S_LAND is the same in its
// budget.json, in budget_monthly.csv and in the API's monthly budget.
func agree(t *testing.T, out, when string) {
	t.Helper()
	csvSLand := map[string]float64{}
	b, err := os.ReadFile(filepath.Join(out, "budget_monthly.csv"))
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	col := slices.Index(strings.Split(lines[0], ","), "s_land_gtc")
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		v, _ := strconv.ParseFloat(f[col], 64)
		csvSLand[f[0]] = v
	}
	s, err := server.New(out, server.Options{})
	if err != nil {
		t.Fatalf("%s: server: %v", when, err)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/budget?format=json", nil))
	var rows []struct {
		Period string  `json:"period"`
		SLand  float64 `json:"s_land_gtc"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &rows); err != nil {
		t.Fatalf("%s: API budget: %v: %s", when, err, rec.Body.String())
	}
	if len(rows) != nMonths || len(csvSLand) != nMonths {
		t.Fatalf("%s: %d months in the API, %d in the CSV, want %d", when, len(rows), len(csvSLand), nMonths)
	}
	for _, r := range rows {
		j := readBudgetJSON(t, out, r.Period)
		if c := csvSLand[r.Period]; math.Abs(j-r.SLand) > 1e-12 || math.Abs(j-c) > 1e-12 {
			t.Errorf("%s: %s S_LAND %v in budget.json, %v in budget_monthly.csv, %v in the API", when, r.Period, j, c, r.SLand)
		}
	}
}
