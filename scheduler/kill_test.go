package scheduler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/scheduler/ledger"
)

// envKillChild makes the test binary a child running killWorld's update
// into the directory it names.
const envKillChild = "CARBONBUDGET_SCHEDULER_CHILD_OUT"

// The kill test's run: 24 months, last one 2024-12 with a 3-month latency.
const killMonths = 24

var killNow = jan23.Add(killMonths - 1 + 3).Start()

func killWorld() *fakeWorld {
	w := newFakeWorld(jan23, killMonths)
	w.sizeBytes = 256 << 10
	w.delay = 10 * time.Millisecond
	return w
}

func TestMain(m *testing.M) {
	if out := os.Getenv(envKillChild); out != "" {
		if _, err := killWorld().updater(out).Update(context.Background(), jan23, killNow, 3); err != nil {
			fmt.Fprintln(os.Stderr, "child update:", err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKillUpdateAtRandomPoints SIGKILLs a child update at random moments,
// at least ten times, over one output directory. After every kill each
// published month must be byte-identical to an uninterrupted run's and
// the ledger's ok months must match their files; finally a rerun must
// complete with all outputs byte-identical to the uninterrupted run.
func TestKillUpdateAtRandomPoints(t *testing.T) {
	ref := t.TempDir()
	if _, err := killWorld().updater(ref).Update(context.Background(), jan23, killNow, 3); err != nil {
		t.Fatal(err)
	}
	want := tree(t, ref)
	if len(want) != 2*killMonths {
		t.Fatalf("reference run wrote %d files, want %d", len(want), 2*killMonths)
	}

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	out := t.TempDir()
	kills, finished, published := 0, 0, 0
	for attempt := 0; kills < 10 && attempt < 40; attempt++ {
		before := tree(t, out)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envKillChild+"="+out)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.IntN(300_000)) * time.Microsecond)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			kills++
		} else if err != nil {
			t.Fatalf("child update failed: %v", err)
		} else {
			finished++
			clearDir(t, out) // start over so that later kills interrupt work
			continue
		}
		after := tree(t, out)
		for rel, sum := range after {
			if want[rel] != sum {
				t.Fatalf("kill %d: %s differs from the uninterrupted run's", kills, rel)
			}
		}
		for rel := range before {
			if _, ok := after[rel]; !ok {
				t.Fatalf("kill %d: %s, published before, is gone", kills, rel)
			}
		}
		checkLedgerMatchesFiles(t, out, after)
		published = len(after)
	}
	t.Logf("%d kills, %d runs that finished before their kill; %d of %d files published before the rerun", kills, finished, published, len(want))
	if kills < 10 {
		t.Fatalf("only %d of the children were killed mid-run", kills)
	}

	if _, err := killWorld().updater(out).Update(context.Background(), jan23, killNow, 3); err != nil {
		t.Fatalf("rerun after the kills: %v", err)
	}
	got := tree(t, out)
	if len(got) != len(want) {
		t.Errorf("rerun: %d files, want %d", len(got), len(want))
	}
	for rel, sum := range want {
		if got[rel] != sum {
			t.Errorf("rerun: %s is not byte-identical to the uninterrupted run's", rel)
		}
	}
	l := openLedger(t, out)
	runs, _ := l.Runs(context.Background(), 0)
	for _, r := range runs[1:] {
		if r.Status != ledger.RunAbandoned && r.Status != ledger.RunOK {
			t.Errorf("run %d: status %s, want abandoned or ok", r.ID, r.Status)
		}
	}
	if runs[0].Status != ledger.RunOK {
		t.Errorf("final run: %s, want ok", runs[0].Status)
	}
}

// tree maps each output file under dir (not the ledger or the lock) to
// its SHA-256.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() || strings.HasPrefix(rel, ledger.FileName) || rel == ".lock" {
			return nil
		}
		if strings.HasPrefix(rel, ".") {
			return nil // staging and journals: Recover's business, not a reader's
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(h[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkLedgerMatchesFiles: every month the ledger calls ok must be
// published with exactly the recorded checksums.
func checkLedgerMatchesFiles(t *testing.T, out string, files map[string]string) {
	t.Helper()
	l, err := ledger.Open(filepath.Join(out, ledger.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ms, err := l.Months(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Status != ledger.MonthOK {
			t.Errorf("month %s: status %s after a kill, want ok (the fake pipeline never fails)", m.Month, m.Status)
		}
		for rel, sum := range m.OutputChecksums {
			if files[rel] != sum {
				t.Errorf("month %s: the ledger's checksum of %s does not match the published file", m.Month, rel)
			}
		}
	}
}

func clearDir(t *testing.T, dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
}
