package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Arrival is one vintage of a source's file for a month: the first time
// carbonbudget fetched (or found) that content. A revised file (NOAA
// revises its recent months) is a new arrival of the same month.
type Arrival struct {
	Source             string
	Month              grid.Month
	SHA256             string
	Path               string // relative to the input directory
	URL                string // without credentials; empty for a file put in place by hand
	ETag, LastModified string
	Size               int64
	Arrived            time.Time // set by RecordArrival
}

// RecordArrival stores a's vintage unless it is already known, and reports
// whether it was new.
func (l *Ledger) RecordArrival(ctx context.Context, a Arrival) (bool, error) {
	if a.Source == "" || a.SHA256 == "" {
		return false, fmt.Errorf("ledger %s: record arrival: source %q, sha256 %q", l.path, a.Source, a.SHA256)
	}
	res, err := l.db.ExecContext(ctx, `INSERT INTO arrivals (source, month, sha256, path, url, etag, last_modified, size, arrived)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		a.Source, a.Month.String(), a.SHA256, a.Path, a.URL, a.ETag, a.LastModified, a.Size, formatTime(l.now()))
	if err != nil {
		return false, fmt.Errorf("ledger %s: record arrival of %s %s: %w", l.path, a.Source, a.Month, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// SourceLatest is a source's newest month and when it first arrived.
type SourceLatest struct {
	Source  string
	Month   grid.Month
	Arrived time.Time
	// Vintages counts the versions of that month's file seen.
	Vintages int
}

// LatestArrivals returns, per source, its newest month: what status and
// /metrics report as the source's latency. A ledger written before
// arrivals were kept has none.
func (l *Ledger) LatestArrivals(ctx context.Context) ([]SourceLatest, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT a.source, a.month, MIN(a.arrived), COUNT(*) FROM arrivals a
		WHERE a.month = (SELECT MAX(b.month) FROM arrivals b WHERE b.source = a.source)
		GROUP BY a.source, a.month ORDER BY a.source`)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil, nil // an older ledger opened read-only
		}
		return nil, fmt.Errorf("ledger %s: arrivals: %w", l.path, err)
	}
	defer rows.Close()
	var out []SourceLatest
	for rows.Next() {
		var s SourceLatest
		var month, arrived string
		if err := rows.Scan(&s.Source, &month, &arrived, &s.Vintages); err != nil {
			return nil, fmt.Errorf("ledger %s: arrivals: %w", l.path, err)
		}
		if s.Month, err = grid.ParseMonth(month); err != nil {
			return nil, fmt.Errorf("ledger %s: arrivals: %w", l.path, err)
		}
		if s.Arrived, err = parseTime(arrived); err != nil {
			return nil, fmt.Errorf("ledger %s: arrivals: %w", l.path, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// LatencyDays is the days from the end of month m to t.
func LatencyDays(m grid.Month, t time.Time) float64 {
	return t.Sub(m.Add(1).Start()).Hours() / 24
}
