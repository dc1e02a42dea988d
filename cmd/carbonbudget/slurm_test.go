package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// slurmUp skips the test unless sbatch is installed and a cluster answers.
func slurmUp(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("sbatch"); err != nil {
		t.Skip("sbatch is not installed: the Slurm tests need Debian's slurm-wlm and munge and a running cluster (.ci/slurm-single-node.sh)")
	}
	out, err := exec.Command("sinfo", "-h", "-o", "%T").Output()
	if err != nil || !regexp.MustCompile(`idle|mix|alloc`).Match(out) {
		t.Skipf("no Slurm cluster answers sinfo (%v, %q): start one with .ci/slurm-single-node.sh", err, out)
	}
}

// waitFor polls cond every half second for up to limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("waited %v for %s", limit, what)
}

// TestSlurmMatchesRunAndResumes submits two months of the 2° twin world to
// the Slurm cluster with the 2022-12 compute task killed at its end (as a
// node failure would), checks that status reports it, resumes, and
// compares the published months with a local run of the same months: the
// same bytes.
func TestSlurmMatchesRunAndResumes(t *testing.T) {
	slurmUp(t)
	fixture(t)
	ctx := context.Background()
	from, to := "2022-11", lastMonth
	ref := t.TempDir()
	if _, err := carbonbudget(ctx, "run", "--from", from, "--to", to, "--config", fix.config, "--out", ref); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	cmd := command(ctx, "slurm", "submit", "--from", from, "--to", to, "--config", fix.config, "--out", out, "--time", "10")
	cmd.Env = append(cmd.Env, envCrashAt+"=compute: staged "+to)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("slurm submit: %v\n%s", err, b)
	}
	runs, _ := filepath.Glob(filepath.Join(out, ".slurm", "*"))
	if len(runs) != 1 {
		t.Fatalf("submission directories %v", runs)
	}
	dir := runs[0]
	status := func() string {
		s, err := carbonbudget(ctx, "slurm", "status", "--dir", dir, "--config", fix.config, "--out", out)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	waitFor(t, 3*time.Minute, "the killed task to be reported failed", func() bool {
		s := status()
		return strings.Contains(s, "compute  1   "+to+"           failed") && strings.Contains(s, "compute  0   "+from+"           done")
	})
	if _, err := os.Stat(filepath.Join(dir, "shards", to)); err == nil {
		t.Error("the killed task left its month's directory")
	}
	if _, err := carbonbudget(ctx, "slurm", "resume", "--dir", dir, "--config", fix.config, "--out", out); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 3*time.Minute, "finalize after the resume", func() bool {
		_, err := os.Stat(filepath.Join(dir, "finalize.done"))
		return err == nil
	})
	samePublished(t, ref, out, "Slurm")
	if s := status(); strings.Count(s, " done") != 8 { // 5 ingest (2 months and 3 before), 2 compute, finalize
		t.Errorf("status after the resume:\n%s", s)
	}
}

// TestSlurmDryRunRunsTheGivenBinary: --bin puts the given command (a
// script running carbonbudget in an Apptainer image, say) in every batch
// script instead of this binary; --dry-run submits nothing, so no cluster
// is needed.
func TestSlurmDryRunRunsTheGivenBinary(t *testing.T) {
	fixture(t)
	out := t.TempDir()
	wrap := "/opt/cb/apptainer-carbonbudget"
	stdout, err := carbonbudget(context.Background(), "slurm", "submit", "--from", lastMonth, "--to", lastMonth,
		"--config", fix.config, "--out", out, "--bin", wrap, "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "exec '"+wrap+"' shard-task") || !strings.Contains(stdout, "#SBATCH") {
		t.Errorf("dry-run scripts do not run %s:\n%.2000s", wrap, stdout)
	}
	if strings.Count(stdout, "exec '") != strings.Count(stdout, "exec '"+wrap+"'") {
		t.Errorf("some scripts run another binary:\n%.2000s", stdout)
	}
}
