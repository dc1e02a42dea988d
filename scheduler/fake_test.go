package scheduler

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/scheduler/plan"
)

// fakeWorld is a stand-in pipeline: a month's outputs are a function of
// the month and its input hash only, as the real stages must be, so a
// rerun is byte-identical.
type fakeWorld struct {
	mu          sync.Mutex
	hash        map[grid.Month]string
	missing     map[grid.Month][]string
	unavailable map[grid.Month]bool
	fail        map[grid.Month]error
	calls       map[grid.Month]int
	// entered, when set, receives each month as Compute starts; release,
	// when set, must then be closed or receive before Compute goes on.
	entered   chan grid.Month
	release   chan struct{}
	sizeBytes int
	delay     time.Duration
}

func newFakeWorld(from grid.Month, n int) *fakeWorld {
	w := &fakeWorld{hash: map[grid.Month]string{}, missing: map[grid.Month][]string{}, unavailable: map[grid.Month]bool{},
		fail: map[grid.Month]error{}, calls: map[grid.Month]int{}, sizeBytes: 4096}
	for i := range n {
		m := from.Add(i)
		w.hash[m] = "h-" + m.String()
	}
	return w
}

func (w *fakeWorld) inputHash(m grid.Month) (string, []string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	h, ok := w.hash[m]
	if !ok || w.unavailable[m] {
		return "", nil, fmt.Errorf("no reanalysis file for %s: %w", m, plan.ErrUnavailable)
	}
	return h, append([]string(nil), w.missing[m]...), nil
}

func (w *fakeWorld) compute(ctx context.Context, j MonthJob) (MonthResult, error) {
	w.mu.Lock()
	w.calls[j.Month]++
	fail := w.fail[j.Month]
	w.mu.Unlock()
	if w.entered != nil {
		w.entered <- j.Month
	}
	if w.release != nil {
		<-w.release
	}
	hash, missing, err := w.inputHash(j.Month)
	if err != nil {
		return MonthResult{}, err
	}
	j.Progress("ingest")
	if fail != nil {
		return MonthResult{}, fail
	}
	m := j.Month
	j.Progress("ocean")
	part := filepath.Join(j.StagingDir, "grid", fmt.Sprintf("year=%04d", m.Year), fmt.Sprintf("month=%02d", int(m.Month)), "part-0.parquet")
	pat := fmt.Sprintf("%s %s %v|", m, hash, missing)
	if err := writeFile(part, strings.Repeat(pat, w.sizeBytes/len(pat)+1)); err != nil {
		return MonthResult{}, err
	}
	j.Progress("budget")
	budget := filepath.Join(j.StagingDir, "months", m.String(), "budget.json")
	if err := writeFile(budget, fmt.Sprintf(`{"month": %q, "inputs": %q, "provisional": %q}`+"\n", m, hash, missing)); err != nil {
		return MonthResult{}, err
	}
	select {
	case <-time.After(w.delay):
	case <-ctx.Done():
		return MonthResult{}, ctx.Err()
	}
	return MonthResult{InputHash: hash, MissingLate: missing}, nil
}

func (w *fakeWorld) callsOf(m grid.Month) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.calls[m]
}

func (w *fakeWorld) set(f func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f()
}

func writeFile(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

func (w *fakeWorld) updater(outDir string) *Updater {
	return &Updater{OutDir: outDir, Command: "update", ConfigHash: "cfg", CodeVersion: "test",
		InputHash: w.inputHash, Compute: w.compute, Log: quiet}
}
