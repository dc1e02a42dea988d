package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"
)

// Backoff is the retry policy for transient errors: the n-th retry waits
// Initial × Factor^(n-1), at most Max. The zero value means
// DefaultBackoff.
type Backoff struct {
	Attempts int           // tries in all, the first included
	Initial  time.Duration // wait before the first retry
	Max      time.Duration // cap on any wait
	Factor   float64       // growth per retry
}

// DefaultBackoff retries for about an hour: waits of 1, 2, 4, 8, 16 and
// 30 min. Transient failures of a monthly job are network or file-server
// hiccups, which this outlasts without delaying the month by a day.
var DefaultBackoff = Backoff{Attempts: 7, Initial: time.Minute, Max: 30 * time.Minute, Factor: 2}

func (b Backoff) withDefaults() Backoff {
	if b.Attempts <= 0 {
		b.Attempts = DefaultBackoff.Attempts
	}
	if b.Initial <= 0 {
		b.Initial = DefaultBackoff.Initial
	}
	if b.Max <= 0 {
		b.Max = DefaultBackoff.Max
	}
	if b.Factor < 1 {
		b.Factor = DefaultBackoff.Factor
	}
	return b
}

// Delay is the wait before retry n (n = 1 for the first retry), capped at
// Max. It is computed in float64 so that large n saturate at Max instead
// of overflowing.
func (b Backoff) Delay(n int) time.Duration {
	b = b.withDefaults()
	if n < 1 {
		n = 1
	}
	d := float64(b.Initial) * math.Pow(b.Factor, float64(n-1))
	if d >= float64(b.Max) || math.IsInf(d, 0) || math.IsNaN(d) {
		return b.Max
	}
	return time.Duration(d)
}

// TransientError marks an error worth retrying (a network timeout, a
// source server that answered 503).
type TransientError struct{ Err error }

// Error is the wrapped error's message.
func (e *TransientError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *TransientError) Unwrap() error { return e.Err }

// Transient marks err as transient; nil stays nil.
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return &TransientError{Err: err}
}

// IsTransient reports whether err, or an error it wraps, is a
// *TransientError or has a Transient() bool method returning true.
func IsTransient(err error) bool {
	var te *TransientError
	if errors.As(err, &te) {
		return true
	}
	var t interface{ Transient() bool }
	return errors.As(err, &t) && t.Transient()
}

// retry runs job until it succeeds, fails permanently, runs out of
// attempts, or shutdown is done (no new attempt after a shutdown began).
func retry(shutdown, jobCtx context.Context, b Backoff, transient func(error) bool, log *slog.Logger, job Job) error {
	b = b.withDefaults()
	for attempt := 1; ; attempt++ {
		err := job(jobCtx)
		if err == nil {
			return nil
		}
		if !transient(err) {
			return err
		}
		if attempt >= b.Attempts {
			return fmt.Errorf("gave up after %d attempts: %w", attempt, err)
		}
		wait := b.Delay(attempt)
		log.Warn("transient failure, will retry", "attempt", attempt, "of", b.Attempts, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-shutdown.Done():
			t.Stop()
			return fmt.Errorf("shutting down, not retrying: %w", err)
		case <-jobCtx.Done():
			t.Stop()
			return fmt.Errorf("abandoned, not retrying: %w", err)
		}
	}
}
