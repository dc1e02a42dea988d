package scheduler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestBackoffDelay(t *testing.T) {
	b := Backoff{Attempts: 10, Initial: time.Minute, Max: 10 * time.Minute, Factor: 2}
	tests := []struct {
		n    int
		want time.Duration
	}{
		{0, time.Minute}, {1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute},
		{4, 8 * time.Minute}, {5, 10 * time.Minute}, {6, 10 * time.Minute},
		{100, 10 * time.Minute}, {100000, 10 * time.Minute}, // saturate, no overflow
	}
	for _, tt := range tests {
		if got := b.Delay(tt.n); got != tt.want {
			t.Errorf("Delay(%d) = %v, want %v", tt.n, got, tt.want)
		}
	}
	if got := (Backoff{}).Delay(3); got != 4*time.Minute {
		t.Errorf("zero Backoff Delay(3) = %v, want the default's 4m", got)
	}
	if got := (Backoff{Initial: time.Second, Factor: 3}).Delay(3); got != 9*time.Second {
		t.Errorf("factor 3 Delay(3) = %v, want 9s", got)
	}
}

type flaky struct{}

func (flaky) Error() string   { return "flaky" }
func (flaky) Transient() bool { return true }

func TestIsTransient(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("bad sst file"), false},
		{Transient(errors.New("503")), true},
		{fmt.Errorf("ingest 2024-01: %w", Transient(errors.New("timeout"))), true},
		{flaky{}, true},
		{fmt.Errorf("wrapped: %w", flaky{}), true},
	}
	for _, tt := range tests {
		if got := IsTransient(tt.err); got != tt.want {
			t.Errorf("IsTransient(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
	if Transient(nil) != nil {
		t.Error("Transient(nil) != nil")
	}
}

// script is a job that returns the given errors in turn, then nil.
type script struct {
	errs  []error
	calls int
	times []time.Time
}

func (s *script) job(context.Context) error {
	s.calls++
	s.times = append(s.times, time.Now())
	if s.calls <= len(s.errs) {
		return s.errs[s.calls-1]
	}
	return nil
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestRetry(t *testing.T) {
	tr := Transient(errors.New("503 from the server"))
	perm := errors.New("corrupt file")
	b := Backoff{Attempts: 4, Initial: 20 * time.Millisecond, Max: 50 * time.Millisecond, Factor: 2}
	tests := []struct {
		name      string
		errs      []error
		wantCalls int
		wantErr   error
		// minimum total wait: 20 + 40 + 50 ms for three retries
		minWait time.Duration
	}{
		{"succeeds at once", nil, 1, nil, 0},
		{"two transient failures, then success", []error{tr, tr}, 3, nil, 60 * time.Millisecond},
		{"permanent error is not retried", []error{perm}, 1, perm, 0},
		{"transient then permanent", []error{tr, perm}, 2, perm, 20 * time.Millisecond},
		{"gives up after Attempts", []error{tr, tr, tr, tr, tr}, 4, tr, 110 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{errs: tt.errs}
			start := time.Now()
			err := retry(context.Background(), context.Background(), b, IsTransient, quiet, s.job)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if s.calls != tt.wantCalls {
				t.Errorf("job ran %d times, want %d", s.calls, tt.wantCalls)
			}
			if took := time.Since(start); took < tt.minWait {
				t.Errorf("took %v, want at least the backoff waits %v", took, tt.minWait)
			}
			for i := 1; i < len(s.times); i++ {
				if gap := s.times[i].Sub(s.times[i-1]); gap < b.Delay(i) {
					t.Errorf("retry %d came %v after the previous try, want >= %v", i, gap, b.Delay(i))
				}
			}
		})
	}
}

func TestRetryStopsOnShutdown(t *testing.T) {
	shutdown, cancel := context.WithCancel(context.Background())
	s := &script{errs: []error{Transient(errors.New("timeout")), Transient(errors.New("timeout"))}}
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	start := time.Now()
	err := retry(shutdown, context.Background(), Backoff{Attempts: 5, Initial: time.Hour}, IsTransient, quiet, s.job)
	if err == nil || !strings.Contains(err.Error(), "shutting down") || s.calls != 1 {
		t.Fatalf("got %v after %d calls, want a shutdown error after 1", err, s.calls)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("shutdown took %v to interrupt an hour's backoff", took)
	}
}
