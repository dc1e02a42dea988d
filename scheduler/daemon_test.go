package scheduler

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "time/tzdata" // the DST test needs Europe/Berlin whatever the host has

	"github.com/robfig/cron/v3"
)

// everySecond is the seconds-resolution test spec.
const everySecond = "* * * * * *"

// syncBuffer is a log sink safe for cron's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testOptions(logs *syncBuffer) Options {
	return Options{Spec: everySecond, Seconds: true, Grace: 5 * time.Second,
		Retry: Backoff{Attempts: 1}, Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
}

// runDaemon starts Run in a goroutine and returns its cancel and result.
func runDaemon(opt Options, job Job) (context.CancelFunc, <-chan error) {
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- Run(ctx, opt, job) }()
	return cancel, res
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(6 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func returns(t *testing.T, res <-chan error, within time.Duration) error {
	t.Helper()
	select {
	case err := <-res:
		return err
	case <-time.After(within):
		t.Fatalf("Run did not return within %v of the cancellation", within)
		return nil
	}
}

// TestRunFiresAndStopsCleanly: the daemon fires every second, and after
// cancellation it returns nil and fires no more.
func TestRunFiresAndStopsCleanly(t *testing.T) {
	var logs syncBuffer
	var ticks atomic.Int32
	cancel, res := runDaemon(testOptions(&logs), func(ctx context.Context) error {
		ticks.Add(1)
		return nil
	})
	waitFor(t, "two ticks", func() bool { return ticks.Load() >= 2 })
	cancel()
	if err := returns(t, res, 2*time.Second); err != nil {
		t.Fatalf("Run after cancel: %v, want nil", err)
	}
	n := ticks.Load()
	time.Sleep(1500 * time.Millisecond)
	if got := ticks.Load(); got != n {
		t.Errorf("%d ticks after Run returned", got-n)
	}
	if !strings.Contains(logs.String(), "stopped cleanly") {
		t.Errorf("log lacks the clean stop:\n%s", logs.String())
	}
}

// TestRunPanicDoesNotStopLaterTicks: the first tick panics; the next tick
// must still run (it would be skipped forever with the wrapper order
// reversed, see TestChainOrder).
func TestRunPanicDoesNotStopLaterTicks(t *testing.T) {
	var logs syncBuffer
	var ticks atomic.Int32
	cancel, res := runDaemon(testOptions(&logs), func(ctx context.Context) error {
		if ticks.Add(1) == 1 {
			panic("stage bug")
		}
		return nil
	})
	defer cancel()
	waitFor(t, "a tick after the panic", func() bool { return ticks.Load() >= 2 })
	cancel()
	returns(t, res, 2*time.Second)
	if l := logs.String(); !strings.Contains(l, "stage bug") || strings.Contains(l, "tick skipped") {
		t.Errorf("want the panic logged and no skipped tick:\n%s", l)
	}
}

// TestChainOrder runs a panicking job through our chain and through the
// reversed one, synchronously: ours runs the job again, the reversed one
// leaks the running token and skips it (robfig/cron #366).
func TestChainOrder(t *testing.T) {
	for _, tt := range []struct {
		name      string
		wrappers  func(cron.Logger) []cron.JobWrapper
		wantCalls int
	}{
		{"skip outer, recover inner", chain, 3},
		{"recover outer, skip inner", func(l cron.Logger) []cron.JobWrapper {
			return []cron.JobWrapper{cron.Recover(l), cron.SkipIfStillRunning(l)}
		}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			j := cron.NewChain(tt.wrappers(cron.DiscardLogger)...).Then(cron.FuncJob(func() {
				calls++
				panic("boom")
			}))
			for range 3 {
				j.Run()
			}
			if calls != tt.wantCalls {
				t.Errorf("job ran %d of 3 times, want %d", calls, tt.wantCalls)
			}
		})
	}
}

// TestRunSkipsOverlappingTicks: a tick lasting 2.5 s on a 1 s schedule
// never runs twice at once.
func TestRunSkipsOverlappingTicks(t *testing.T) {
	var logs syncBuffer
	var running, maxRunning, ticks atomic.Int32
	cancel, res := runDaemon(testOptions(&logs), func(ctx context.Context) error {
		n := running.Add(1)
		defer running.Add(-1)
		if n > maxRunning.Load() {
			maxRunning.Store(n)
		}
		ticks.Add(1)
		time.Sleep(2500 * time.Millisecond)
		return nil
	})
	defer cancel()
	waitFor(t, "a skipped tick", func() bool { return strings.Contains(logs.String(), "tick skipped") })
	cancel()
	returns(t, res, 5*time.Second)
	if maxRunning.Load() != 1 {
		t.Errorf("%d ticks ran at once, want 1", maxRunning.Load())
	}
}

// TestRunGraceLetsTheMonthFinish: a job busy when the signal comes keeps
// an uncancelled context and finishes within the grace period.
func TestRunGraceLetsTheMonthFinish(t *testing.T) {
	var logs syncBuffer
	started := make(chan struct{})
	var once sync.Once
	var finishedOK atomic.Bool
	opt := testOptions(&logs)
	cancel, res := runDaemon(opt, func(ctx context.Context) error {
		once.Do(func() { close(started) })
		time.Sleep(300 * time.Millisecond) // the month in flight
		finishedOK.Store(ctx.Err() == nil)
		return nil
	})
	<-started
	cancel()
	if err := returns(t, res, opt.Grace); err != nil {
		t.Fatalf("Run: %v, want nil (the job finished within the grace period)", err)
	}
	if !finishedOK.Load() {
		t.Error("the job's context was cancelled before the grace period ended")
	}
}

// TestRunGraceAbandons: a job still running when the grace period ends
// has its context cancelled, and Run returns ErrAbandoned.
func TestRunGraceAbandons(t *testing.T) {
	var logs syncBuffer
	started := make(chan struct{})
	var once sync.Once
	opt := testOptions(&logs)
	opt.Grace = 300 * time.Millisecond
	cancelled := make(chan struct{})
	cancel, res := runDaemon(opt, func(ctx context.Context) error {
		once.Do(func() { close(started) })
		<-ctx.Done()
		close(cancelled)
		return ctx.Err()
	})
	<-started
	t0 := time.Now()
	cancel()
	err := returns(t, res, 5*time.Second)
	if !errors.Is(err, ErrAbandoned) {
		t.Fatalf("Run: %v, want ErrAbandoned", err)
	}
	if took := time.Since(t0); took < opt.Grace {
		t.Errorf("abandoned after %v, before the %v grace period", took, opt.Grace)
	}
	select {
	case <-cancelled:
	default:
		t.Error("the job's context was never cancelled")
	}
}

func TestRunRejectsBadSpecs(t *testing.T) {
	for _, spec := range []string{"0 6 5 * * *", "61 * * * *", "0 3 31 2 *", "every day"} {
		err := Run(context.Background(), Options{Spec: spec}, func(context.Context) error { return nil })
		if err == nil || !strings.Contains(err.Error(), spec) {
			t.Errorf("Run(%q): got %v, want an error naming the spec", spec, err)
		}
	}
}

func TestOnce(t *testing.T) {
	tr := Transient(errors.New("timeout"))
	opt := Options{Retry: Backoff{Attempts: 3, Initial: time.Millisecond}, Log: quiet}
	s := &script{errs: []error{tr, tr}}
	if err := Once(context.Background(), opt, s.job); err != nil || s.calls != 3 {
		t.Fatalf("Once: %v after %d calls, want nil after 3", err, s.calls)
	}
	perm := errors.New("bad config")
	s = &script{errs: []error{perm}}
	if err := Once(context.Background(), opt, s.job); !errors.Is(err, perm) || s.calls != 1 {
		t.Fatalf("Once: %v after %d calls, want the permanent error after 1", err, s.calls)
	}
	err := Once(context.Background(), opt, func(context.Context) error { panic("nil map") })
	if err == nil || !strings.Contains(err.Error(), "panic: nil map") {
		t.Fatalf("Once with a panicking job: %v, want the panic as an error", err)
	}
}

func TestOnceGrace(t *testing.T) {
	opt := Options{Grace: 200 * time.Millisecond, Log: quiet}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	err := Once(ctx, opt, func(jctx context.Context) error {
		time.Sleep(100 * time.Millisecond) // finishes inside the grace period
		return jctx.Err()
	})
	if err != nil {
		t.Fatalf("Once with a job finishing in the grace period: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	err = Once(ctx, opt, func(jctx context.Context) error { <-jctx.Done(); return jctx.Err() })
	if !errors.Is(err, ErrAbandoned) {
		t.Fatalf("Once with a job outlasting the grace period: %v, want ErrAbandoned", err)
	}
}

func TestNext(t *testing.T) {
	from := time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)
	got, err := Next(DefaultSpec, nil, false, from, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Time{time.Date(2024, 2, 5, 6, 0, 0, 0, time.UTC), time.Date(2024, 3, 5, 6, 0, 0, 0, time.UTC)}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("Next[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if got, _ := Next("@monthly", nil, false, from, 1); !got[0].Equal(time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("@monthly next = %v, want 2024-02-01T00:00Z", got[0])
	}
	if got, _ := Next("30 * * * * *", nil, true, from, 1); !got[0].Equal(from.Add(30 * time.Second)) {
		t.Errorf("seconds spec next = %v, want %v", got[0], from.Add(30*time.Second))
	}
}

// TestNextDSTHazard documents why the default zone is UTC: in
// Europe/Berlin a 02:30 daily job is skipped on the spring-forward day
// and runs twice on the fall-back day.
func TestNextDSTHazard(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	count := func(from time.Time, day int) int {
		ts, err := Next("30 2 * * *", berlin, false, from, 4)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ts := range ts {
			if ts.In(berlin).Day() == day {
				n++
			}
		}
		return n
	}
	if n := count(time.Date(2024, 3, 30, 12, 0, 0, 0, time.UTC), 31); n != 0 {
		t.Errorf("spring-forward day 2024-03-31: %d runs, want 0 (the known skip)", n)
	}
	if n := count(time.Date(2024, 10, 26, 12, 0, 0, 0, time.UTC), 27); n != 2 {
		t.Errorf("fall-back day 2024-10-27: %d runs, want 2 (the known repeat)", n)
	}
}
