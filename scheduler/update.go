package scheduler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/crashpoint"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/scheduler/ledger"
	"github.com/carbonbudget/carbonbudget/scheduler/lock"
	"github.com/carbonbudget/carbonbudget/scheduler/plan"
	"github.com/carbonbudget/carbonbudget/scheduler/progress"
	"github.com/carbonbudget/carbonbudget/scheduler/publish"
)

// MonthJob is one month handed to a MonthFunc.
type MonthJob struct {
	Month grid.Month
	// StagingDir receives the month's files, laid out as under the output
	// directory and inside directories named for the month (see publish).
	StagingDir string
	// Progress reports the step starting ("ingest", "ocean", ...) to the
	// progress display; it is never nil.
	Progress func(step string)
}

// MonthResult is what a MonthFunc reports for the ledger.
type MonthResult struct {
	// InputHash is the hash of the inputs actually used; "" means the
	// planner's hash.
	InputHash string
	// MissingLate names the late sources that were missing: non-empty
	// makes the month provisional.
	MissingLate []string
}

// MonthFunc computes one month and writes its files into j.StagingDir.
// It must be a pure function of the month and its inputs, so a rerun
// gives the same bytes.
type MonthFunc func(ctx context.Context, j MonthJob) (MonthResult, error)

// Updater computes months into an output directory under the operational
// rules: the directory's lock is held throughout, interrupted publishes
// are recovered first, each month is published atomically, and the run and
// every month's outcome go into the ledger.
type Updater struct {
	OutDir      string
	Command     string // recorded in the ledger: "run", "update", "schedule"
	ConfigHash  string
	CodeVersion string
	Wait        bool // wait for the lock instead of failing with a *lock.HeldError
	// Locked says the caller already holds OutDir's lock (lock.Acquire) and
	// keeps it for the Updater's whole run: the command line takes it
	// before it loads or trains the models, so that a second run is turned
	// away at once and training itself is covered.
	Locked    bool
	InputHash plan.InputHash // required by Update; RunMonths records it when set
	Compute   MonthFunc
	Log       *slog.Logger // nil discards
	Progress  io.Writer    // nil: no progress display
}

// Summary is what an Update or RunMonths did.
type Summary struct {
	RunID    int64
	Planned  []plan.Decision // the months to compute and why
	Outcomes []Outcome       // one per month attempted, in order
}

// Outcome is the result of one month.
type Outcome struct {
	Month  grid.Month
	Status ledger.MonthStatus
	Err    error
}

// ErrStopped is returned when a shutdown (see Stopping) or a cancelled
// context stopped the run between months; the run is recorded as
// abandoned and the months not reached are left for the next update.
var ErrStopped = errors.New("stopped before all months were computed")

// Update computes the months plan.Months selects from start to
// now − latencyMonths, oldest first.
func (u *Updater) Update(ctx context.Context, start grid.Month, now time.Time, latencyMonths int) (*Summary, error) {
	if u.InputHash == nil {
		return nil, errors.New("update: Updater.InputHash is nil")
	}
	return u.session(ctx, func(ctx context.Context, l *ledger.Ledger) ([]plan.Decision, error) {
		return plan.Months(ctx, l, start, now, latencyMonths, u.InputHash)
	})
}

// RunMonths computes the given months, whatever their state.
func (u *Updater) RunMonths(ctx context.Context, months []grid.Month) (*Summary, error) {
	return u.session(ctx, func(ctx context.Context, l *ledger.Ledger) ([]plan.Decision, error) {
		ds := make([]plan.Decision, len(months))
		for i, m := range months {
			ds[i] = plan.Decision{Month: m, Reason: plan.Requested}
		}
		return ds, nil
	})
}

// session holds the lock, recovers, opens the ledger and records the run
// around computing the months todo returns.
func (u *Updater) session(ctx context.Context, todo func(context.Context, *ledger.Ledger) ([]plan.Decision, error)) (*Summary, error) {
	log := u.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if !u.Locked {
		lk, err := lock.Acquire(ctx, u.OutDir, u.Wait)
		if err != nil {
			return nil, err
		}
		defer lk.Release()
	}
	rep, err := publish.Recover(u.OutDir)
	if err != nil {
		return nil, err
	}
	if len(rep.RolledForward)+len(rep.Removed) > 0 {
		log.Warn("recovered an interrupted publish", "completed", rep.RolledForward, "removed", rep.Removed)
	}
	l, err := ledger.Open(filepath.Join(u.OutDir, ledger.FileName))
	if err != nil {
		return nil, err
	}
	defer l.Close()
	// Ledger writes must land even when ctx is cancelled: they record why.
	bg := context.WithoutCancel(ctx)
	runID, err := l.BeginRun(bg, ledger.RunInfo{Command: u.Command, ConfigHash: u.ConfigHash, CodeVersion: u.CodeVersion, Exclusive: true})
	if err != nil {
		return nil, err
	}
	sum := &Summary{RunID: runID}
	sum.Planned, err = todo(ctx, l)
	if err == nil {
		log.Info("run", "id", runID, "command", u.Command, "months", len(sum.Planned))
		err = u.computeAll(ctx, l, sum, log)
	}
	status := ledger.RunOK
	switch {
	case errors.Is(err, ErrStopped):
		status = ledger.RunAbandoned
	case err != nil:
		status = ledger.RunFailed
	}
	if ferr := l.FinishRun(bg, runID, status, err); ferr != nil {
		return sum, errors.Join(err, ferr)
	}
	return sum, err
}

// computeAll computes the planned months in order. A failed month does
// not stop the later ones (each month is computed from its own inputs);
// the failures are joined in the returned error, so a transient one makes
// the whole update retryable.
func (u *Updater) computeAll(ctx context.Context, l *ledger.Ledger, sum *Summary, log *slog.Logger) error {
	var rep *progress.Reporter
	if u.Progress != nil {
		rep = progress.New(u.Progress, len(sum.Planned), progress.Options{Log: log})
		defer rep.Finish()
	}
	var failed []error
	for i, d := range sum.Planned {
		if Stopping(ctx) || ctx.Err() != nil {
			return fmt.Errorf("%w: %d of %d months left, starting with %s", ErrStopped, len(sum.Planned)-i, len(sum.Planned), d.Month)
		}
		progress := func(step string) {
			if rep != nil {
				rep.Begin(d.Month.String(), step)
			}
		}
		progress("start")
		out := u.computeMonth(ctx, l, sum.RunID, d, progress)
		sum.Outcomes = append(sum.Outcomes, out)
		if rep != nil {
			rep.Step()
		}
		if out.Err != nil {
			log.Error("month failed", "month", d.Month, "reason", d.Reason, "err", out.Err)
			failed = append(failed, out.Err)
			continue
		}
		log.Info("month published", "month", d.Month, "reason", d.Reason, "status", out.Status)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d months failed: %w", len(failed), len(sum.Planned), errors.Join(failed...))
	}
	return nil
}

// computeMonth computes, publishes and records one month.
func (u *Updater) computeMonth(ctx context.Context, l *ledger.Ledger, runID int64, d plan.Decision, progress func(string)) Outcome {
	bg := context.WithoutCancel(ctx)
	if d.Reason == plan.Requested && u.InputHash != nil {
		hash, missing, err := u.InputHash(d.Month)
		if err != nil {
			return u.recordFailure(bg, l, runID, d, fmt.Errorf("inputs of %s: %w", d.Month, err))
		}
		d.InputHash, d.MissingLate = hash, missing
	}
	var res MonthResult
	sums, err := publish.Month(u.OutDir, d.Month, func(dir string) error {
		var err error
		res, err = u.Compute(ctx, MonthJob{Month: d.Month, StagingDir: dir, Progress: progress})
		if err == nil {
			progress("publish")
		}
		return err
	})
	if err != nil {
		return u.recordFailure(bg, l, runID, d, err)
	}
	crashpoint.At("ledger: month published, not recorded")
	st := ledger.MonthState{Month: d.Month, RunID: runID, InputHash: res.InputHash, Status: ledger.MonthOK,
		ProvisionalSources: res.MissingLate, OutputChecksums: sums}
	if st.InputHash == "" {
		st.InputHash = d.InputHash
	}
	if len(st.ProvisionalSources) > 0 {
		st.Status = ledger.MonthProvisional
	}
	if err := l.RecordMonth(bg, st); err != nil {
		return Outcome{Month: d.Month, Status: ledger.MonthFailed, Err: err}
	}
	return Outcome{Month: d.Month, Status: st.Status}
}

// recordFailure marks the month failed, keeping the checksums of the files
// still published from its last success.
func (u *Updater) recordFailure(ctx context.Context, l *ledger.Ledger, runID int64, d plan.Decision, err error) Outcome {
	st := ledger.MonthState{Month: d.Month, RunID: runID, InputHash: d.InputHash, Status: ledger.MonthFailed, Error: err.Error()}
	if prev, ok, perr := l.Month(ctx, d.Month); perr == nil && ok {
		st.OutputChecksums = prev.OutputChecksums
	}
	if rerr := l.RecordMonth(ctx, st); rerr != nil {
		err = errors.Join(err, rerr)
	}
	return Outcome{Month: d.Month, Status: ledger.MonthFailed, Err: err}
}

type stoppingKey struct{}

// withStopping marks ctx as belonging to a job that should stop at the
// next unit boundary once stop is closed.
func withStopping(ctx context.Context, stop <-chan struct{}) context.Context {
	return context.WithValue(ctx, stoppingKey{}, stop)
}

// Stopping reports whether a shutdown has begun for a job run by Run or
// Once: its context stays live for the grace period, and the job should
// finish the month in hand and return. It is also true when ctx itself is
// done.
func Stopping(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	stop, _ := ctx.Value(stoppingKey{}).(<-chan struct{})
	if stop == nil {
		return false
	}
	select {
	case <-stop:
		return true
	default:
		return false
	}
}
