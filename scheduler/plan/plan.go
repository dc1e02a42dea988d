// Package plan decides which months an update must compute, and why.
//
// A month from the configured start to (now − latency) is computed when
// it is missing from the ledger, its last attempt failed, it is
// provisional and one of the late sources it lacked has since arrived, or
// the hash of its input catalogue differs from the one it was computed
// with. Folding the configuration hash or the emulator versions into the
// input hash makes those changes trigger recomputation too; that choice is
// the caller's. The planner reads the ledger and calls the input-hash
// function, nothing else, so it is tested on tables.
package plan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/scheduler/ledger"
)

// Reason says why a month is, or is not, computed.
type Reason string

// Reasons, in the order they are checked.
const (
	Unavailable       Reason = "inputs unavailable" // not computed
	Missing           Reason = "missing"
	Failed            Reason = "failed"
	LateSourceArrived Reason = "late source arrived"
	InputsChanged     Reason = "inputs changed"
	UpToDate          Reason = "up to date" // not computed
	// Requested is for months computed because the operator named them
	// (carbonbudget run), whatever their state.
	Requested Reason = "requested"
)

// Decision is the planner's verdict on one month.
type Decision struct {
	Month  grid.Month
	Reason Reason
	Detail string // e.g. "socat arrived", "input hash 1a2b3c4d -> 5e6f7a8b"
	// InputHash and MissingLate are the month's inputs as they are now:
	// what to record in the ledger after computing it (a non-empty
	// MissingLate makes the month provisional).
	InputHash   string
	MissingLate []string
}

// Compute reports whether the month is to be computed.
func (d Decision) Compute() bool { return d.Reason != UpToDate && d.Reason != Unavailable }

// String formats the decision as "2023-02: late source arrived (socat arrived)".
func (d Decision) String() string {
	if d.Detail == "" {
		return fmt.Sprintf("%s: %s", d.Month, d.Reason)
	}
	return fmt.Sprintf("%s: %s (%s)", d.Month, d.Reason, d.Detail)
}

// InputHash returns the hash of month m's input catalogue as it is now and
// the late sources still missing for m. An error wrapping ErrUnavailable
// means m cannot be computed yet (a required input is absent); any other
// error stops the plan.
type InputHash func(m grid.Month) (hash string, missingLate []string, err error)

// ErrUnavailable marks a month whose required inputs are not all there.
var ErrUnavailable = errors.New("inputs not available")

// Ledger is what the planner reads: *ledger.Ledger satisfies it.
type Ledger interface {
	Months(ctx context.Context) ([]ledger.MonthState, error)
}

// Months returns the months to compute, oldest first, each with its reason.
func Months(ctx context.Context, l Ledger, start grid.Month, now time.Time, latencyMonths int, inputHash InputHash) ([]Decision, error) {
	all, err := Explain(ctx, l, start, now, latencyMonths, inputHash)
	if err != nil {
		return nil, err
	}
	var out []Decision
	for _, d := range all {
		if d.Compute() {
			out = append(out, d)
		}
	}
	return out, nil
}

// Last is the latest month an update computes at time now: the month of
// now minus latencyMonths.
func Last(now time.Time, latencyMonths int) grid.Month {
	return grid.MonthOf(now).Add(-latencyMonths)
}

// Explain returns a decision for every month from start to
// Last(now, latencyMonths), oldest first, including those not computed;
// status reports use it.
func Explain(ctx context.Context, l Ledger, start grid.Month, now time.Time, latencyMonths int, inputHash InputHash) ([]Decision, error) {
	if latencyMonths < 0 {
		return nil, fmt.Errorf("plan: latency %d months: want >= 0", latencyMonths)
	}
	states, err := l.Months(ctx)
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	byMonth := make(map[grid.Month]ledger.MonthState, len(states))
	for _, s := range states {
		byMonth[s.Month] = s
	}
	last := Last(now, latencyMonths)
	var out []Decision
	for m := start; !last.Before(m); m = m.Add(1) {
		hash, missing, err := inputHash(m)
		if err != nil && !errors.Is(err, ErrUnavailable) {
			return nil, fmt.Errorf("plan: inputs of %s: %w", m, err)
		}
		d := Decision{Month: m, InputHash: hash, MissingLate: missing}
		st, seen := byMonth[m]
		decide(&d, st, seen, err)
		out = append(out, d)
	}
	return out, nil
}

// decide sets d's reason from the ledger state st (seen false when the
// month has none) and the availability error.
func decide(d *Decision, st ledger.MonthState, seen bool, unavailable error) {
	switch {
	case unavailable != nil:
		d.Reason, d.Detail = Unavailable, unavailable.Error()
	case !seen:
		d.Reason = Missing
	case st.Status == ledger.MonthFailed:
		d.Reason, d.Detail = Failed, st.Error
	case st.Status == ledger.MonthProvisional && len(arrived(st.ProvisionalSources, d.MissingLate)) > 0:
		d.Reason, d.Detail = LateSourceArrived, strings.Join(arrived(st.ProvisionalSources, d.MissingLate), ", ")+" arrived"
	case st.InputHash != d.InputHash:
		d.Reason, d.Detail = InputsChanged, fmt.Sprintf("input hash %s -> %s", short(st.InputHash), short(d.InputHash))
	default:
		d.Reason = UpToDate
		if st.Status == ledger.MonthProvisional {
			d.Detail = "provisional, waiting for " + strings.Join(st.ProvisionalSources, ", ")
		}
	}
}

// arrived lists the sources missing before that are no longer missing.
func arrived(before, now []string) []string {
	var out []string
	for _, s := range before {
		if !slices.Contains(now, s) {
			out = append(out, s)
		}
	}
	return out
}

func short(hash string) string {
	if len(hash) > 8 {
		return hash[:8]
	}
	if hash == "" {
		return `""`
	}
	return hash
}
