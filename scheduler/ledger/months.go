package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// MonthStatus is the state of a month's latest computation.
type MonthStatus string

// Month states. Provisional means the month was computed and published
// while a late source (e.g. SOCAT ship data) was still missing.
const (
	MonthOK          MonthStatus = "ok"
	MonthFailed      MonthStatus = "failed"
	MonthProvisional MonthStatus = "provisional"
)

// MonthState is one row of the months table: the latest attempt at a
// month.
type MonthState struct {
	Month     grid.Month
	RunID     int64
	InputHash string // hash of the input catalogue the attempt used
	Status    MonthStatus
	// ProvisionalSources names the late sources that were missing.
	ProvisionalSources []string
	// OutputChecksums maps each published file, relative to the output
	// directory, to its hex SHA-256.
	OutputChecksums map[string]string
	Error           string // why a failed attempt failed
	Updated         time.Time
}

// RecordMonth stores st as the latest state of st.Month, replacing the
// previous one. Updated is set to now.
func (l *Ledger) RecordMonth(ctx context.Context, st MonthState) error {
	if st.Status != MonthOK && st.Status != MonthFailed && st.Status != MonthProvisional {
		return fmt.Errorf("ledger %s: record month %s: invalid status %q", l.path, st.Month, st.Status)
	}
	if st.Status == MonthProvisional && len(st.ProvisionalSources) == 0 {
		return fmt.Errorf("ledger %s: record month %s: provisional without a missing source", l.path, st.Month)
	}
	sources := append([]string{}, st.ProvisionalSources...)
	sort.Strings(sources)
	src, err := json.Marshal(sources)
	if err != nil {
		return fmt.Errorf("ledger %s: record month %s: %w", l.path, st.Month, err)
	}
	sums := st.OutputChecksums
	if sums == nil {
		sums = map[string]string{}
	}
	sum, err := json.Marshal(sums) // map keys are sorted: stable text
	if err != nil {
		return fmt.Errorf("ledger %s: record month %s: %w", l.path, st.Month, err)
	}
	_, err = l.db.ExecContext(ctx, `INSERT INTO months (month, run_id, input_hash, status, provisional_sources, output_checksums, error, updated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (month) DO UPDATE SET run_id = excluded.run_id, input_hash = excluded.input_hash, status = excluded.status,
			provisional_sources = excluded.provisional_sources, output_checksums = excluded.output_checksums,
			error = excluded.error, updated = excluded.updated`,
		st.Month.String(), st.RunID, st.InputHash, st.Status, string(src), string(sum), st.Error, formatTime(l.now()))
	if err != nil {
		return fmt.Errorf("ledger %s: record month %s (run %d): %w", l.path, st.Month, st.RunID, err)
	}
	return nil
}

// Month returns the state of month m; ok is false when m was never
// attempted.
func (l *Ledger) Month(ctx context.Context, m grid.Month) (st MonthState, ok bool, err error) {
	ms, err := l.months(ctx, `WHERE month = ?`, m.String())
	if err != nil || len(ms) == 0 {
		return MonthState{}, false, err
	}
	return ms[0], true, nil
}

// Months returns the state of every attempted month, in month order.
func (l *Ledger) Months(ctx context.Context) ([]MonthState, error) {
	return l.months(ctx, `ORDER BY month`)
}

func (l *Ledger) months(ctx context.Context, where string, args ...any) ([]MonthState, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT month, run_id, input_hash, status, provisional_sources, output_checksums, error, updated FROM months `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger %s: read months: %w", l.path, err)
	}
	defer rows.Close()
	var out []MonthState
	for rows.Next() {
		st, err := scanMonth(rows)
		if err != nil {
			return nil, fmt.Errorf("ledger %s: read months: %w", l.path, err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger %s: read months: %w", l.path, err)
	}
	return out, nil
}

func scanMonth(rows *sql.Rows) (MonthState, error) {
	var st MonthState
	var month, src, sums, updated string
	if err := rows.Scan(&month, &st.RunID, &st.InputHash, &st.Status, &src, &sums, &st.Error, &updated); err != nil {
		return st, err
	}
	var err error
	if st.Month, err = grid.ParseMonth(month); err != nil {
		return st, err
	}
	if err := json.Unmarshal([]byte(src), &st.ProvisionalSources); err != nil {
		return st, fmt.Errorf("month %s: provisional_sources: %w", month, err)
	}
	if err := json.Unmarshal([]byte(sums), &st.OutputChecksums); err != nil {
		return st, fmt.Errorf("month %s: output_checksums: %w", month, err)
	}
	if st.Updated, err = parseTime(updated); err != nil {
		return st, fmt.Errorf("month %s updated: %w", month, err)
	}
	return st, nil
}
