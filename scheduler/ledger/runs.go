package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// RunStatus is the state of a run.
type RunStatus string

// Run states. A run is "running" from BeginRun to FinishRun; one that
// never reached FinishRun (the process was killed) is found and marked
// "abandoned" by the next BeginRun.
const (
	RunRunning   RunStatus = "running"
	RunOK        RunStatus = "ok"
	RunFailed    RunStatus = "failed"
	RunAbandoned RunStatus = "abandoned"
)

// RunInfo describes a run as it begins.
type RunInfo struct {
	Command     string // "run", "update", "schedule", ...
	ConfigHash  string
	CodeVersion string
	// Host and PID default to this process's.
	Host string
	PID  int
	// Exclusive says the caller holds the output directory's lock, so no
	// other run can be live: every other "running" row is stale and is
	// marked abandoned. Without it only rows of dead processes on this
	// host are.
	Exclusive bool
}

// Run is one row of the runs table.
type Run struct {
	ID          int64
	Command     string
	Start       time.Time
	End         time.Time // zero while running (or when abandoned)
	Status      RunStatus
	Error       string
	ConfigHash  string
	CodeVersion string
	Host        string
	PID         int
}

// BeginRun records a new run as running and returns its id. First it marks
// as abandoned the runs left running by processes that died (see
// RunInfo.Exclusive).
func (l *Ledger) BeginRun(ctx context.Context, info RunInfo) (int64, error) {
	if info.Host == "" {
		info.Host, _ = os.Hostname()
	}
	if info.PID == 0 {
		info.PID = os.Getpid()
	}
	if _, err := l.AbandonStale(ctx, info.Exclusive); err != nil {
		return 0, err
	}
	res, err := l.db.ExecContext(ctx,
		`INSERT INTO runs (command, start, status, config_hash, code_version, host, pid) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		info.Command, formatTime(l.now()), RunRunning, info.ConfigHash, info.CodeVersion, info.Host, info.PID)
	if err != nil {
		return 0, fmt.Errorf("ledger %s: begin run: %w", l.path, err)
	}
	return res.LastInsertId()
}

// AbandonStale marks as abandoned the running runs whose process is gone:
// all of them when exclusive (the caller holds the output directory's
// lock), otherwise those on this host whose pid is not alive. Runs on
// other hosts are left alone unless exclusive: their pid means nothing
// here. It returns the ids it marked.
func (l *Ledger) AbandonStale(ctx context.Context, exclusive bool) ([]int64, error) {
	running, err := l.runs(ctx, `WHERE status = ? ORDER BY id`, RunRunning)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	var ids []int64
	for _, r := range running {
		if !exclusive && (r.Host != host || l.alive(r.PID)) {
			continue
		}
		_, err := l.db.ExecContext(ctx, `UPDATE runs SET status = ?, error = ? WHERE id = ? AND status = ?`,
			RunAbandoned, fmt.Sprintf("process %d on %s ended without finishing the run", r.PID, r.Host), r.ID, RunRunning)
		if err != nil {
			return ids, fmt.Errorf("ledger %s: abandon run %d: %w", l.path, r.ID, err)
		}
		ids = append(ids, r.ID)
	}
	return ids, nil
}

// Dead reports whether running run r's process is known to be gone: it
// ran on this host and its pid is not alive. A read-only reader (status,
// serve) shows such a run as interrupted without writing the ledger; the
// next run marks it abandoned.
func (l *Ledger) Dead(r Run) bool {
	host, _ := os.Hostname()
	return r.Status == RunRunning && r.Host == host && !l.alive(r.PID)
}

// FinishRun records the end of run id with status (ok, failed or
// abandoned) and the error that ended it, if any.
func (l *Ledger) FinishRun(ctx context.Context, id int64, status RunStatus, runErr error) error {
	if status == RunRunning || !validRun(status) {
		return fmt.Errorf("ledger %s: finish run %d: invalid final status %q", l.path, id, status)
	}
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
	}
	res, err := l.db.ExecContext(ctx, `UPDATE runs SET "end" = ?, status = ?, error = ? WHERE id = ?`,
		formatTime(l.now()), status, msg, id)
	if err != nil {
		return fmt.Errorf("ledger %s: finish run %d: %w", l.path, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("ledger %s: finish run %d: %w", l.path, id, ErrNotFound)
	}
	return nil
}

// Runs returns the latest limit runs, newest first (all when limit <= 0).
func (l *Ledger) Runs(ctx context.Context, limit int) ([]Run, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	return l.runs(ctx, `ORDER BY id DESC LIMIT ?`, limit)
}

// GetRun returns run id.
func (l *Ledger) GetRun(ctx context.Context, id int64) (Run, error) {
	rs, err := l.runs(ctx, `WHERE id = ?`, id)
	if err != nil {
		return Run{}, err
	}
	if len(rs) == 0 {
		return Run{}, fmt.Errorf("ledger %s: run %d: %w", l.path, id, ErrNotFound)
	}
	return rs[0], nil
}

func (l *Ledger) runs(ctx context.Context, where string, args ...any) ([]Run, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id, command, start, "end", status, error, config_hash, code_version, host, pid FROM runs `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger %s: read runs: %w", l.path, err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("ledger %s: read runs: %w", l.path, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger %s: read runs: %w", l.path, err)
	}
	return out, nil
}

func scanRun(rows *sql.Rows) (Run, error) {
	var r Run
	var start string
	var end sql.NullString
	if err := rows.Scan(&r.ID, &r.Command, &start, &end, &r.Status, &r.Error, &r.ConfigHash, &r.CodeVersion, &r.Host, &r.PID); err != nil {
		return r, err
	}
	var err error
	if r.Start, err = parseTime(start); err != nil {
		return r, fmt.Errorf("run %d start: %w", r.ID, err)
	}
	if end.Valid {
		if r.End, err = parseTime(end.String); err != nil {
			return r, fmt.Errorf("run %d end: %w", r.ID, err)
		}
	}
	return r, nil
}

func validRun(s RunStatus) bool {
	switch s {
	case RunRunning, RunOK, RunFailed, RunAbandoned:
		return true
	}
	return false
}

// processAlive reports whether pid is a live process on this machine.
// Signal 0 checks existence without delivering anything; EPERM means it
// exists but belongs to someone else. A reused pid reads as alive, which
// errs on the side of not abandoning a live run.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
