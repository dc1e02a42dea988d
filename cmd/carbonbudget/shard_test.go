package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestComputeThenFinalizeMatchesRun: months computed one by one as units
// of work (compute: no lock, no ledger), then published by finalize, are
// byte-identical to a local run of the same months; a rerun task gives the
// same bytes; finalize refuses, before publishing anything, when a month's
// work is missing.
func TestComputeThenFinalizeMatchesRun(t *testing.T) {
	fixture(t)
	ctx := context.Background()
	months := []string{"2022-11", lastMonth}
	ref := t.TempDir()
	if _, err := carbonbudget(ctx, "run", "--from", months[0], "--to", months[1], "--config", fix.config, "--out", ref); err != nil {
		t.Fatal(err)
	}
	out, shards := t.TempDir(), t.TempDir()
	for _, m := range months {
		if _, err := carbonbudget(ctx, "compute", "--month", m, "--into", filepath.Join(shards, m), "--config", fix.config, "--out", out); err != nil {
			t.Fatal(err)
		}
	}
	// Tasks share the work directory's cube cache (written atomically),
	// and nothing else of the output directory: no lock, no ledger.
	if entries, _ := os.ReadDir(out); len(entries) != 1 || entries[0].Name() != ".work" {
		t.Fatalf("compute wrote into the output directory: %v", entries)
	}
	first := published(t, filepath.Join(shards, months[1]))
	if _, err := carbonbudget(ctx, "compute", "--month", months[1], "--into", filepath.Join(shards, months[1]), "--config", fix.config, "--out", out); err != nil {
		t.Fatal(err)
	}
	for name, b := range published(t, filepath.Join(shards, months[1])) {
		if !bytes.Equal(b, first[name]) {
			t.Errorf("a rerun task changed %s", name)
		}
	}

	// A missing month: refused before anything is published.
	partial := t.TempDir()
	_, err := carbonbudget(ctx, "finalize", "--from", "2022-10", "--to", months[1], "--shards", shards, "--config", fix.config, "--out", partial)
	if err == nil || !strings.Contains(err.Error(), "shard of 2022-10") {
		t.Fatalf("finalize with 2022-10 missing: %v", err)
	}
	if _, err := os.Stat(filepath.Join(partial, "months")); err == nil {
		t.Error("a refused finalize published months")
	}

	if _, err := carbonbudget(ctx, "finalize", "--from", months[0], "--to", months[1], "--shards", shards, "--config", fix.config, "--out", out); err != nil {
		t.Fatal(err)
	}
	samePublished(t, ref, out, "compute+finalize")
	st := status(t, out)
	if len(st.Months) != 2 || st.Months[0].Status != "ok" || st.Runs[0].Command != "finalize" {
		t.Errorf("ledger after finalize: %+v", st)
	}
}

// samePublished checks that out holds exactly the published files of ref,
// byte for byte; how says how out was made.
func samePublished(t *testing.T, ref, out, how string) {
	t.Helper()
	want, got := published(t, ref), published(t, out)
	if len(got) != len(want) {
		t.Errorf("%s published %d files, a local run %d", how, len(got), len(want))
	}
	for name, b := range want {
		if !bytes.Equal(b, got[name]) {
			t.Errorf("%s differs between %s and a local run", name, how)
		}
	}
}
