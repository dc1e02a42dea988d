package cli

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/scheduler/ledger"
)

func run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	err = Run(context.Background(), args, &o, &e)
	return o.String(), e.String(), err
}

func TestHelpAndUsageErrors(t *testing.T) {
	out, _, err := run(t, "--help")
	if err != nil || !strings.Contains(out, "grid") || !strings.Contains(out, "version") {
		t.Errorf("--help: err %v, output %q", err, out)
	}
	for _, args := range [][]string{{}, {"nosuch"}, {"grid", "info", "--res", "0.3"}, {"grid", "info", "--bogus"}, {"grid"}} {
		_, _, err := run(t, args...)
		if !errors.Is(err, ErrUsage) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
	for _, args := range [][]string{{"grid", "info", "--help"}, {"version", "--help"}, {"config", "print", "--help"}} {
		if _, _, err := run(t, args...); err != nil {
			t.Errorf("%v: err = %v, want nil (help exits 0)", args, err)
		}
	}
}

func TestGridInfo(t *testing.T) {
	out, _, err := run(t, "grid", "info", "--res", "0.5")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"rows        360", "columns     720", "cells       259200", "510.07 million km²"} {
		if !strings.Contains(out, want) {
			t.Errorf("grid info output lacks %q:\n%s", want, out)
		}
	}
}

func TestConfigPrint(t *testing.T) {
	out, _, err := run(t, "config", "print", "--out", "/tmp/cbout")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "output_dir: /tmp/cbout") || !strings.Contains(out, "models_dir: /tmp/cbout/models") {
		t.Errorf("--out not applied:\n%s", out)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("resolution_deg: 1\noutput_dirr: x\n"), 0o644)
	_, _, err = run(t, "config", "print", "--config", bad)
	if err == nil || !strings.Contains(err.Error(), `unknown key "output_dirr"`) {
		t.Errorf("unknown key: err = %v", err)
	}
	def, _, _ := run(t, "config", "default")
	if !strings.Contains(def, "latency_months: 3") || !strings.Contains(def, "# ") {
		t.Error("config default does not print the documented default file")
	}
}

func TestLogFormat(t *testing.T) {
	if _, _, err := run(t, "version", "--log-format", "xml"); !errors.Is(err, ErrUsage) {
		t.Errorf("--log-format xml: err = %v, want usage error", err)
	}
	out, _, err := run(t, "version", "--log-format", "json")
	if err != nil || !strings.HasPrefix(out, "carbonbudget ") {
		t.Errorf("version: %q %v", out, err)
	}
}

// TestRunRefusesMonthsWithoutInputs: run and budget refuse months before
// the configured start or after this month before they take the lock or
// touch the ledger.
func TestRunRefusesMonthsWithoutInputs(t *testing.T) {
	out := t.TempDir()
	for _, args := range [][]string{
		{"run", "--from", "0001-01", "--to", "9999-12"},
		{"run", "--month", "2000-12"}, // the default start is 2001-01
		{"budget", "--month", "9999-12"},
	} {
		_, _, err := run(t, append(args, "--out", out)...)
		if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), "no inputs can exist") {
			t.Errorf("%v: err = %v, want a usage error naming the range", args, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "ledger.db")); err == nil {
		t.Error("a refused run created the ledger")
	}
}

// TestLedgerRunsForTheAPI: /api/v1/runs is served from the ledger, with
// the keys of 'status --json'; no ledger yet is an empty list.
func TestLedgerRunsForTheAPI(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ledger.FileName)
	if runs, err := (ledgerRuns{path: path}).RunsJSON(10); err != nil || len(runs) != 0 {
		t.Fatalf("no ledger: %v, %v; want an empty list", runs, err)
	}
	l, err := ledger.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := l.BeginRun(context.Background(), ledger.RunInfo{Command: "update"})
	l.FinishRun(context.Background(), id, ledger.RunOK, nil)
	l.Close()
	runs, err := (ledgerRuns{path: path}).RunsJSON(10)
	if err != nil || len(runs) != 1 || runs[0]["command"] != "update" || runs[0]["status"] != "ok" || runs[0]["end"] == nil {
		t.Fatalf("runs %v, %v; want the finished update", runs, err)
	}
}

// TestLedgerLatencyForMetrics: /metrics gets the latency of sources whose
// files name their month, not of whole-record files.
func TestLedgerLatencyForMetrics(t *testing.T) {
	cfg, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), ledger.FileName)
	l, err := ledger.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	nov := grid.Month{Year: 2024, Month: 11}
	l.RecordArrival(ctx, ledger.Arrival{Source: "ndvi", Month: nov, SHA256: "aa"})
	l.RecordArrival(ctx, ledger.Arrival{Source: "co2_monthly", Month: nov, SHA256: "bb"})
	l.Close()
	src, budget, err := (ledgerRuns{path, cfg}).LatencyDays()
	if err != nil || budget != nil || len(src) != 1 {
		t.Fatalf("latencies %v, budget %v, %v; want ndvi only, no budget", src, budget, err)
	}
	if d, want := src["ndvi"], ledger.LatencyDays(nov, time.Now()); math.Abs(d-want) > 0.2 {
		t.Errorf("ndvi latency %v days, want about %v", d, want)
	}
}
