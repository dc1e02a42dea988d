// Package ledger records runs and the state of each month in a SQLite
// database inside the output directory (<outdir>/ledger.db), so that
// update knows what is missing, failed or provisional, and status can show
// it.
//
// The database is opened in WAL mode with a busy timeout: status reads
// while a run writes, and writers queue instead of failing with "database
// is locked". Times are stored as fixed-width UTC text
// (2006-01-02T15:04:05.000000Z), so they sort as text and read well in the
// sqlite3 shell. Lists and maps are stored as JSON text.
//
// A months row holds the latest attempt at that month. A failed attempt
// overwrites an ok row on purpose: the published files of the month are
// still the previous ones (publish is atomic), but the month was chosen for
// recomputation and did not get it, so the next update must try again.
package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the ledger's name inside the output directory.
const FileName = "ledger.db"

// busyTimeoutMS is how long a writer waits for another writer's
// transaction. Transactions here are a few rows, so 5 s is generous.
const busyTimeoutMS = 5000

// timeLayout is fixed width so stored times sort as text.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// schemaVersion is stored in PRAGMA user_version; bump it with a
// migration in migrate. 2 added arrivals (every statement of schema is
// idempotent, so running it again is the migration from 1).
const schemaVersion = 2

const schema = `
CREATE TABLE IF NOT EXISTS runs (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	command      TEXT NOT NULL DEFAULT '',
	start        TEXT NOT NULL,
	"end"        TEXT,
	status       TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'abandoned')),
	error        TEXT NOT NULL DEFAULT '',
	config_hash  TEXT NOT NULL DEFAULT '',
	code_version TEXT NOT NULL DEFAULT '',
	host         TEXT NOT NULL DEFAULT '',
	pid          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_status ON runs (status);
CREATE TABLE IF NOT EXISTS months (
	month               TEXT PRIMARY KEY CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
	run_id              INTEGER NOT NULL REFERENCES runs (id),
	input_hash          TEXT NOT NULL DEFAULT '',
	status              TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'provisional')),
	provisional_sources TEXT NOT NULL DEFAULT '[]',
	output_checksums    TEXT NOT NULL DEFAULT '{}',
	error               TEXT NOT NULL DEFAULT '',
	updated             TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS arrivals (
	source        TEXT NOT NULL,
	month         TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
	sha256        TEXT NOT NULL,
	path          TEXT NOT NULL DEFAULT '',
	url           TEXT NOT NULL DEFAULT '',
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	size          INTEGER NOT NULL DEFAULT 0,
	arrived       TEXT NOT NULL,
	PRIMARY KEY (source, month, sha256)
);
`

// Ledger is an open ledger database. It is safe for concurrent use.
type Ledger struct {
	db   *sql.DB
	path string
	// now and alive are replaced in tests.
	now   func() time.Time
	alive func(pid int) bool
}

// Open opens (creating when missing) the ledger at path, usually
// filepath.Join(outDir, ledger.FileName).
func Open(path string) (*Ledger, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	// The driver opens with SQLITE_OPEN_URI, so the path is escaped as a
	// URI path ('?' or '#' in a directory name would otherwise cut it).
	dsn := "file:" + (&url.URL{Path: abs}).EscapedPath() +
		fmt.Sprintf("?_pragma=journal_mode(WAL)&_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate", busyTimeoutMS)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	l := &Ledger{db: db, path: path, now: time.Now, alive: processAlive}
	if err := l.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	return l, nil
}

// OpenReadOnly opens an existing ledger for reading only, as status and
// serve do: it never creates, migrates or writes the file, so it works on
// a read-only output directory and for a user who may not write there. It
// reads committed data through SQLite's read-only mode; where that cannot
// work (a read-only directory without the WAL's shared-memory file), it
// reads the database file as immutable, which a ledger whose writers have
// all exited holds in full.
func OpenReadOnly(path string) (*Ledger, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	base := "file:" + (&url.URL{Path: abs}).EscapedPath()
	var lastErr error
	for _, q := range []string{
		fmt.Sprintf("?mode=ro&_pragma=busy_timeout(%d)", busyTimeoutMS),
		"?mode=ro&immutable=1",
	} {
		db, err := sql.Open("sqlite", base+q)
		if err != nil {
			lastErr = err
			continue
		}
		var v int
		if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
			db.Close()
			lastErr = err
			continue
		}
		if v > schemaVersion {
			db.Close()
			return nil, fmt.Errorf("ledger %s: schema version %d is newer than this program's %d", path, v, schemaVersion)
		}
		return &Ledger{db: db, path: path, now: time.Now, alive: processAlive}, nil
	}
	return nil, fmt.Errorf("ledger %s: open read-only: %w", path, lastErr)
}

// migrate creates the schema, or refuses a database written by a newer
// program rather than misreading it.
func (l *Ledger) migrate(ctx context.Context) error {
	var v int
	if err := l.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > schemaVersion {
		return fmt.Errorf("schema version %d is newer than this program's %d", v, schemaVersion)
	}
	if _, err := l.db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	if _, err := l.db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return fmt.Errorf("set schema version: %w", err)
	}
	return nil
}

// Path is the database file's path.
func (l *Ledger) Path() string { return l.path }

// Close closes the database.
func (l *Ledger) Close() error { return l.db.Close() }

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// ErrNotFound is returned for a run id that is not in the ledger.
var ErrNotFound = errors.New("not in the ledger")
