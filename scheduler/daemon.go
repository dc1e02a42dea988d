package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/robfig/cron/v3"
)

// DefaultSpec runs the update at 06:00 UTC on the 5th of each month, when
// the previous month's reanalysis is usually out.
const DefaultSpec = "0 6 5 * *"

// DefaultGrace is how long a running job may go on after a shutdown
// signal, meant to cover one month at 0.25°. systemd kills a service 90 s
// after SIGTERM by default, so a unit running the daemon sets
// TimeoutStopSec above the grace period.
const DefaultGrace = 5 * time.Minute

// ErrAbandoned is returned when the running job did not finish within the
// grace period after shutdown began.
var ErrAbandoned = errors.New("job abandoned: it did not finish within the grace period")

// abandonWait is how long Run waits for an abandoned job to return after
// its context is cancelled, before returning anyway.
var abandonWait = 5 * time.Second

// Job is the work of one tick, usually the update.
type Job func(ctx context.Context) error

// Options configure Run and Once. The zero value runs DefaultSpec in UTC.
type Options struct {
	Spec     string         // cron spec; "" means DefaultSpec
	Location *time.Location // zone of the spec; nil means UTC
	Seconds  bool           // the spec has a leading seconds field (tests)
	Grace    time.Duration  // 0 means DefaultGrace
	Retry    Backoff        // zero means DefaultBackoff
	// Transient says which errors are retried; nil means IsTransient.
	Transient func(error) bool
	Log       *slog.Logger // nil discards
}

func (o Options) withDefaults() Options {
	if o.Spec == "" {
		o.Spec = DefaultSpec
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Grace <= 0 {
		o.Grace = DefaultGrace
	}
	if o.Transient == nil {
		o.Transient = IsTransient
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// Run fires job on the schedule until ctx is cancelled, then stops as the
// package doc describes: nil when the running job (if any) finished within
// the grace period, ErrAbandoned otherwise. A job's error is logged, not
// returned: the daemon goes on to the next tick.
func Run(ctx context.Context, opt Options, job Job) error {
	opt = opt.withDefaults()
	sched, err := ParseSpec(opt.Spec, opt.Seconds)
	if err != nil {
		return err
	}
	if err := checkFires(opt.Spec, sched, opt.Location); err != nil {
		return err
	}
	jobCtx, abandon := context.WithCancel(withStopping(context.WithoutCancel(ctx), ctx.Done()))
	defer abandon()
	cl := cronLogger{opt.Log}
	c := cron.New(cron.WithLocation(opt.Location), cron.WithLogger(cl), cron.WithChain(chain(cl)...))
	c.Schedule(sched, cron.FuncJob(func() { tick(ctx, jobCtx, opt, job) }))
	c.Start()
	opt.Log.Info("schedule started", "spec", opt.Spec, "zone", opt.Location.String(), "next", sched.Next(time.Now().In(opt.Location)))
	<-ctx.Done()
	opt.Log.Info("shutting down: no more ticks", "grace", opt.Grace)
	return awaitGrace(c.Stop().Done(), opt.Grace, abandon, opt.Log)
}

// chain is the wrapper order robfig/cron issue #366 requires:
// SkipIfStillRunning outside, Recover inside.
func chain(l cron.Logger) []cron.JobWrapper {
	return []cron.JobWrapper{cron.SkipIfStillRunning(l), cron.Recover(l)}
}

// tick is one scheduled run with retries; a panic propagates to
// cron.Recover.
func tick(shutdown, jobCtx context.Context, opt Options, job Job) {
	if shutdown.Err() != nil {
		return // a tick racing the shutdown: do not start work
	}
	start := time.Now()
	opt.Log.Info("tick", "time", start.In(opt.Location))
	if err := retry(shutdown, jobCtx, opt.Retry, opt.Transient, opt.Log, job); err != nil {
		opt.Log.Error("tick failed", "err", err, "took", time.Since(start).Round(time.Millisecond))
		return
	}
	opt.Log.Info("tick done", "took", time.Since(start).Round(time.Millisecond))
}

// Once runs one tick now, with the same retries and shutdown grace as Run,
// and returns its error (a panic becomes an error).
func Once(ctx context.Context, opt Options, job Job) error {
	opt = opt.withDefaults()
	jobCtx, abandon := context.WithCancel(withStopping(context.WithoutCancel(ctx), ctx.Done()))
	defer abandon()
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		err = safely(func() error { return retry(ctx, jobCtx, opt.Retry, opt.Transient, opt.Log, job) })
	}()
	select {
	case <-done:
		return err
	case <-ctx.Done():
	}
	if gerr := awaitGrace(done, opt.Grace, abandon, opt.Log); gerr != nil {
		return gerr
	}
	return err
}

// awaitGrace waits for done up to grace; then it cancels the job and waits
// abandonWait more for it to unwind.
func awaitGrace(done <-chan struct{}, grace time.Duration, abandon func(), log *slog.Logger) error {
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
		log.Info("stopped cleanly")
		return nil
	case <-t.C:
	}
	log.Warn("grace period over: cancelling the running job", "grace", grace)
	abandon()
	select {
	case <-done:
	case <-time.After(abandonWait):
		log.Error("the job ignored cancellation; exiting without it")
	}
	return ErrAbandoned
}

func safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	return f()
}

// ParseSpec parses a five-field spec or a descriptor, or with seconds a
// six-field spec whose first field is seconds. A CRON_TZ=Zone prefix pins
// the spec to a zone.
func ParseSpec(spec string, seconds bool) (cron.Schedule, error) {
	fields := cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor
	if seconds {
		fields |= cron.Second
	}
	s, err := cron.NewParser(fields).Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", spec, err)
	}
	return s, nil
}

// Next returns the next n fire times of spec after from, in loc (nil
// means UTC), for status reports and for checking a spec by eye.
func Next(spec string, loc *time.Location, seconds bool, from time.Time, n int) ([]time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	s, err := ParseSpec(spec, seconds)
	if err != nil {
		return nil, err
	}
	if err := checkFires(spec, s, loc); err != nil {
		return nil, err
	}
	out := make([]time.Time, 0, n)
	t := from.In(loc)
	for range n {
		t = s.Next(t)
		out = append(out, t)
	}
	return out, nil
}

// checkFires rejects a spec that parses but never fires ("0 3 31 2 *"):
// cron's Next returns the zero time for it after searching five years.
func checkFires(spec string, s cron.Schedule, loc *time.Location) error {
	if s.Next(time.Now().In(loc)).IsZero() {
		return fmt.Errorf("schedule %q never fires (an impossible date?)", spec)
	}
	return nil
}

// cronLogger adapts slog to cron's logger. cron's routine messages go to
// Debug; a skipped tick is worth a warning.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		c.l.Warn("tick skipped: the previous one is still running")
		return
	}
	c.l.Debug("cron: "+msg, kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append([]any{"err", err}, kv...)...)
}
