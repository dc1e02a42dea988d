package scheduler

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/scheduler/ledger"
	"github.com/carbonbudget/carbonbudget/scheduler/lock"
	"github.com/carbonbudget/carbonbudget/scheduler/plan"
)

var (
	jan23 = grid.Month{Year: 2023, Month: 1}
	feb23 = grid.Month{Year: 2023, Month: 2}
	mar23 = grid.Month{Year: 2023, Month: 3}
	// now23 with a 3-month latency makes March 2023 the last month.
	now23 = time.Date(2023, 6, 5, 6, 0, 0, 0, time.UTC)
)

func openLedger(t *testing.T, outDir string) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open(filepath.Join(outDir, ledger.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func months(sum *Summary) []string {
	var out []string
	for _, o := range sum.Outcomes {
		out = append(out, o.Month.String()+" "+string(o.Status))
	}
	return out
}

func TestUpdateComputesMissingThenNothing(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	w := newFakeWorld(jan23, 6)
	var prog bytes.Buffer
	u := w.updater(out)
	u.Progress = &prog // not a terminal: progress goes to the log
	u.Log = slog.New(slog.NewTextHandler(&prog, nil))
	sum, err := u.Update(ctx, jan23, now23, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := months(sum), []string{"2023-01 ok", "2023-02 ok", "2023-03 ok"}; !slices.Equal(got, want) {
		t.Fatalf("first update: %v, want %v", got, want)
	}
	if !strings.Contains(prog.String(), "month=2023-03 stage=budget") {
		t.Errorf("progress lacks the stages of the months:\n%s", prog.String())
	}
	l := openLedger(t, out)
	for _, m := range []grid.Month{jan23, feb23, mar23} {
		st, ok, err := l.Month(ctx, m)
		if err != nil || !ok || st.Status != ledger.MonthOK || st.RunID != sum.RunID || st.InputHash != "h-"+m.String() {
			t.Fatalf("%s in the ledger: %+v %v %v", m, st, ok, err)
		}
		if len(st.OutputChecksums) != 2 {
			t.Errorf("%s: %d checksums, want 2", m, len(st.OutputChecksums))
		}
		for rel, sum := range st.OutputChecksums {
			b, err := os.ReadFile(filepath.Join(out, rel))
			h := sha256.Sum256(b)
			if err != nil || hex.EncodeToString(h[:]) != sum {
				t.Errorf("%s: ledger checksum of %s does not match the file (%v)", m, rel, err)
			}
		}
	}
	sum2, err := u.Update(ctx, jan23, now23, 3)
	if err != nil || len(sum2.Outcomes) != 0 {
		t.Fatalf("second update: %v %v, want nothing to do", months(sum2), err)
	}
	runs, _ := l.Runs(ctx, 0)
	if len(runs) != 2 || runs[0].Status != ledger.RunOK || runs[1].Status != ledger.RunOK || runs[0].ConfigHash != "cfg" {
		t.Errorf("runs: %+v, want two ok runs", runs)
	}
}

// TestProvisionalBecomesFinal: February is computed without its ship file,
// stays provisional while the file is missing, and is the only month
// recomputed once it arrives.
func TestProvisionalBecomesFinal(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	w := newFakeWorld(jan23, 3)
	w.missing[feb23] = []string{"socat"}
	u := w.updater(out)
	if _, err := u.Update(ctx, jan23, now23, 3); err != nil {
		t.Fatal(err)
	}
	l := openLedger(t, out)
	if st, _, _ := l.Month(ctx, feb23); st.Status != ledger.MonthProvisional || !slices.Equal(st.ProvisionalSources, []string{"socat"}) {
		t.Fatalf("February after the first update: %+v, want provisional on socat", st)
	}
	if sum, _ := u.Update(ctx, jan23, now23, 3); len(sum.Outcomes) != 0 {
		t.Fatalf("update with the ship file still missing recomputed %v", months(sum))
	}
	w.set(func() { delete(w.missing, feb23); w.hash[feb23] = "h-2023-02+socat" })
	sum, err := u.Update(ctx, jan23, now23, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := months(sum); !slices.Equal(got, []string{"2023-02 ok"}) || sum.Planned[0].Reason != plan.LateSourceArrived {
		t.Fatalf("update after the ship file arrived: %v (%v), want only 2023-02 ok, late source arrived", got, sum.Planned)
	}
	if w.callsOf(jan23) != 1 || w.callsOf(mar23) != 1 || w.callsOf(feb23) != 2 {
		t.Errorf("compute calls: jan %d feb %d mar %d, want 1 2 1", w.callsOf(jan23), w.callsOf(feb23), w.callsOf(mar23))
	}
	b, _ := os.ReadFile(filepath.Join(out, "months/2023-02/budget.json"))
	if !strings.Contains(string(b), `"provisional": []`) {
		t.Errorf("published February still provisional: %s", b)
	}
}

// TestConcurrentUpdates: while one update runs, a second is refused with
// the holder named, or with Wait runs after it; the ledger shows one run
// for the refused case.
func TestConcurrentUpdates(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	w := newFakeWorld(jan23, 3)
	w.entered, w.release = make(chan grid.Month, 3), make(chan struct{})
	first := make(chan error, 1)
	go func() { _, err := w.updater(out).Update(ctx, jan23, now23, 3); first <- err }()
	<-w.entered // the first update is inside January

	other := newFakeWorld(jan23, 3)
	_, err := other.updater(out).Update(ctx, jan23, now23, 3)
	var held *lock.HeldError
	if !errors.As(err, &held) || held.Holder.PID != os.Getpid() {
		t.Fatalf("second update: %v, want a *lock.HeldError naming pid %d", err, os.Getpid())
	}
	waiter := other.updater(out)
	waiter.Wait = true
	second := make(chan *Summary, 1)
	go func() { sum, _ := waiter.Update(ctx, jan23, now23, 3); second <- sum }()
	time.Sleep(300 * time.Millisecond)
	if len(second) != 0 {
		t.Fatal("the waiting update ran while the lock was held")
	}
	l := openLedger(t, out)
	if runs, _ := l.Runs(ctx, 0); len(runs) != 1 {
		t.Fatalf("ledger while the first update runs: %d runs, want 1", len(runs))
	}
	close(w.release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	sum := <-second
	if sum == nil || len(sum.Outcomes) != 0 {
		t.Fatalf("waiting update: %+v, want it to run after the first and find nothing to do", sum)
	}
	if runs, _ := l.Runs(ctx, 0); len(runs) != 2 || runs[0].Status != ledger.RunOK || runs[1].Status != ledger.RunOK {
		t.Errorf("runs: %+v, want two ok runs", runs)
	}
}

func TestFailedMonthIsRetried(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	w := newFakeWorld(jan23, 3)
	u := w.updater(out)
	if _, err := u.Update(ctx, jan23, now23, 3); err != nil {
		t.Fatal(err)
	}
	l := openLedger(t, out)
	before, _, _ := l.Month(ctx, feb23)
	// New inputs for February arrive, but its computation fails.
	w.set(func() { w.hash[feb23] = "h2-new"; w.fail[feb23] = errors.New("ocean: NaN in the emulator output") })
	sum, err := u.Update(ctx, jan23, now23, 3)
	if err == nil || !strings.Contains(err.Error(), "NaN in the emulator output") {
		t.Fatalf("update with a failing month: %v", err)
	}
	st, _, _ := l.Month(ctx, feb23)
	if st.Status != ledger.MonthFailed || !strings.Contains(st.Error, "NaN") || st.RunID != sum.RunID {
		t.Errorf("February after the failure: %+v", st)
	}
	if len(st.OutputChecksums) != 2 || st.OutputChecksums["months/2023-02/budget.json"] != before.OutputChecksums["months/2023-02/budget.json"] {
		t.Errorf("failed month lost the checksums of its still-published files: %v", st.OutputChecksums)
	}
	if runs, _ := l.Runs(ctx, 1); runs[0].Status != ledger.RunFailed || !strings.Contains(runs[0].Error, "2023-02") {
		t.Errorf("run: %+v, want failed naming the month", runs[0])
	}
	b, _ := os.ReadFile(filepath.Join(out, "months/2023-02/budget.json"))
	if !strings.Contains(string(b), `"h-2023-02"`) {
		t.Errorf("previous February outputs not intact after the failure: %s", b)
	}
	w.set(func() { delete(w.fail, feb23) })
	sum, err = u.Update(ctx, jan23, now23, 3)
	if err != nil || !slices.Equal(months(sum), []string{"2023-02 ok"}) || sum.Planned[0].Reason != plan.Failed {
		t.Fatalf("retry: %v %v, want only February, reason failed", months(sum), err)
	}
}

// TestTransientMonthMakesUpdateRetryable: a transient failure of one month
// surfaces as a transient error of the update, so Once retries it, and
// the retry computes only that month.
func TestTransientMonthMakesUpdateRetryable(t *testing.T) {
	out := t.TempDir()
	w := newFakeWorld(jan23, 3)
	w.fail[feb23] = Transient(errors.New("503 from the ship-data server"))
	u := w.updater(out)
	attempts := 0
	job := func(ctx context.Context) error {
		attempts++
		if attempts == 2 {
			w.set(func() { delete(w.fail, feb23) })
		}
		_, err := u.Update(ctx, jan23, now23, 3)
		return err
	}
	if err := Once(context.Background(), Options{Retry: Backoff{Attempts: 3, Initial: time.Millisecond}, Log: quiet}, job); err != nil {
		t.Fatal(err)
	}
	if w.callsOf(jan23) != 1 || w.callsOf(feb23) != 2 || attempts != 2 {
		t.Errorf("attempts %d, compute calls jan %d feb %d; want 2, 1, 2", attempts, w.callsOf(jan23), w.callsOf(feb23))
	}
}

// TestShutdownStopsBetweenMonths: a shutdown during January lets January
// finish (grace) and starts no other month; the run is abandoned.
func TestShutdownStopsBetweenMonths(t *testing.T) {
	out := t.TempDir()
	w := newFakeWorld(jan23, 3)
	w.entered, w.release = make(chan grid.Month, 3), make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() {
		res <- Once(ctx, Options{Grace: 10 * time.Second, Log: quiet}, func(ctx context.Context) error {
			_, err := w.updater(out).Update(ctx, jan23, now23, 3)
			return err
		})
	}()
	<-w.entered
	cancel()
	time.Sleep(50 * time.Millisecond)
	close(w.release)
	err := <-res
	if !errors.Is(err, ErrStopped) {
		t.Fatalf("Once: %v, want ErrStopped", err)
	}
	l := openLedger(t, out)
	ms, _ := l.Months(context.Background())
	runs, _ := l.Runs(context.Background(), 0)
	if len(ms) != 1 || ms[0].Month != jan23 || ms[0].Status != ledger.MonthOK || runs[0].Status != ledger.RunAbandoned {
		t.Fatalf("after the shutdown: months %+v runs %+v, want only January ok and the run abandoned", ms, runs)
	}
	if w.callsOf(feb23) != 0 {
		t.Error("February was started after the shutdown")
	}
}

// TestScheduleRunsUpdate: the daemon with a seconds spec fires the update,
// which lands in the ledger, and stops cleanly when cancelled (as on
// SIGTERM).
func TestScheduleRunsUpdate(t *testing.T) {
	out := t.TempDir()
	w := newFakeWorld(jan23, 3)
	u := w.updater(out)
	u.Command = "schedule"
	var logs syncBuffer
	cancel, res := runDaemon(testOptions(&logs), func(ctx context.Context) error {
		_, err := u.Update(ctx, jan23, now23, 3)
		return err
	})
	defer cancel()
	l := openLedger(t, out)
	waitFor(t, "two scheduled runs in the ledger", func() bool {
		runs, _ := l.Runs(context.Background(), 0)
		return len(runs) >= 2 && runs[0].Status == ledger.RunOK
	})
	cancel()
	if err := returns(t, res, 3*time.Second); err != nil {
		t.Fatalf("daemon after cancel: %v", err)
	}
	runs, _ := l.Runs(context.Background(), 0)
	for _, r := range runs {
		if r.Command != "schedule" || (r.Status != ledger.RunOK) {
			t.Errorf("run %+v, want an ok schedule run", r)
		}
	}
	if ms, _ := l.Months(context.Background()); len(ms) != 3 || w.callsOf(jan23) != 1 {
		t.Errorf("months %d (want 3), January computed %d times (want 1)", len(ms), w.callsOf(jan23))
	}
}

func TestRunMonthsRecomputesRequested(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	w := newFakeWorld(jan23, 3)
	u := w.updater(out)
	u.Command = "run"
	if _, err := u.RunMonths(ctx, []grid.Month{jan23, feb23}); err != nil {
		t.Fatal(err)
	}
	sum, err := u.RunMonths(ctx, []grid.Month{feb23, {Year: 2030, Month: 1}})
	if err == nil || !strings.Contains(err.Error(), "2030-01") {
		t.Fatalf("run of an unavailable month: %v, want an error naming it", err)
	}
	if got := months(sum); !slices.Equal(got, []string{"2023-02 ok", "2030-01 failed"}) || w.callsOf(feb23) != 2 {
		t.Fatalf("outcomes %v, feb computed %d times; want February recomputed and 2030-01 failed", got, w.callsOf(feb23))
	}
}

// TestLockedUpdaterUsesTheCallersLock: with Locked the Updater runs under
// the lock its caller took (a second Acquire in the same process would be
// refused, flock being per open file); without it, it is refused.
func TestLockedUpdaterUsesTheCallersLock(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	lk, err := lock.Acquire(ctx, out, false)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Release()
	w := newFakeWorld(jan23, 2)
	if _, err := w.updater(out).Update(ctx, jan23, now23, 3); !errors.Is(err, lock.ErrHeld) {
		t.Fatalf("unlocked Updater under a held lock: %v, want lock.ErrHeld", err)
	}
	u := w.updater(out)
	u.Locked = true
	sum, err := u.Update(ctx, jan23, now23, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Outcomes) != 2 {
		t.Errorf("locked Updater computed %d months, want 2", len(sum.Outcomes))
	}
	if held, _, _ := lock.Held(out); !held {
		t.Error("the Updater released the caller's lock")
	}
}
