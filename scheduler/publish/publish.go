// Package publish swaps a month's output files into the output directory
// all at once, so that readers (the server, DuckDB on the Parquet lake)
// never see a half-written month and a crash never damages the month that
// was there before.
//
// # Scheme
//
// The caller's stage function writes the month's files into a fresh
// staging directory <outdir>/.staging-YYYY-MM-*, laid out as they will
// appear under outdir. Every file must lie inside a directory named for the
// month, "YYYY-MM" or "year=YYYY/month=MM" (e.g. months/2023-12/budget.json
// and grid/year=2023/month=12/part-0.parquet); the shallowest such
// directory on each path is a unit, and a unit replaces its published
// namesake as a whole, so a file dropped from a month disappears with the
// old copy. The staging directory sits inside outdir, so every rename below
// stays on one filesystem, where rename is atomic.
//
// Month then
//  1. fsyncs every staged file and directory;
//  2. writes a journal <outdir>/.publish-YYYY-MM.json naming the units and
//     the inode of each staged directory, and fsyncs it: this is the
//     commit point;
//  3. swaps each unit in: renameat2(RENAME_EXCHANGE) when the directory is
//     already published (one atomic step: a reader's path lookup resolves
//     either the old or the new directory, never neither and never a mix),
//     a plain rename when it is not;
//  4. fsyncs the parents, deletes the journal, removes the staging tree
//     (which now holds the old directories).
//
// On filesystems without RENAME_EXCHANGE (it needs Linux 3.15 and ext4,
// xfs, btrfs, tmpfs and most local filesystems have it) the swap falls back
// to renaming the old directory aside into the staging tree and the new one
// in. Between those two renames, a few microseconds, a reader finds the
// unit missing (the month looks unpublished), still never half-written. A
// symlink-swap "current" scheme was not used because the lake is read by
// globbing Hive-style partition directories, which not every reader
// follows through symlinks.
//
// A crash before the journal is committed leaves the previous files
// untouched and a staging directory that Recover deletes. A crash after it
// leaves a journal that Recover rolls forward, comparing inodes to see
// which units were already swapped, so a month is never left with some
// directories new and some old once Recover has run. Callers hold the
// output directory's lock (scheduler/lock) around Month and Recover, and
// call Recover once after taking the lock, before anything else.
package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/crashpoint"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Prefixes of the bookkeeping entries in the output directory. Both start
// with a dot, so lake globs and directory listings of months skip them.
const (
	stagingPrefix = ".staging-"
	journalPrefix = ".publish-"
)

// ErrOutsideMonth is returned when the stage function writes a file that is
// not inside a directory named for the month: publishing it would replace
// a directory that other months share.
var ErrOutsideMonth = errors.New("file not inside a directory named for the month")

// Month publishes month m's files into outDir. stage writes them into the
// staging directory it is given, laid out as under outDir. It returns the
// hex SHA-256 of every published file, keyed by its slash-separated path
// relative to outDir (what the ledger stores as output checksums). An error
// before the commit point leaves the previously published files of m
// untouched; one after it (a failed rename) leaves the journal, and the
// next Recover or Month of m completes the publish.
func Month(outDir string, m grid.Month, stage func(stagingDir string) error) (map[string]string, error) {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("publish %s: %w", m, err)
	}
	// A journal of an earlier crashed publish of m must be rolled forward
	// first, or its old units would be swapped back over the new ones.
	if _, err := recoverMonth(outDir, m); err != nil {
		return nil, fmt.Errorf("publish %s: %w", m, err)
	}
	staging, err := os.MkdirTemp(outDir, stagingPrefix+m.String()+"-")
	if err != nil {
		return nil, fmt.Errorf("publish %s: %w", m, err)
	}
	committed := false
	defer func() {
		if !committed {
			os.RemoveAll(staging)
		}
	}()
	if err := os.Chmod(staging, 0o755); err != nil { // MkdirTemp makes 0700
		return nil, fmt.Errorf("publish %s: %w", m, err)
	}
	if err := stage(staging); err != nil {
		return nil, fmt.Errorf("publish %s: stage: %w", m, err)
	}
	crashpoint.At("publish: staged")
	units, sums, err := prepare(staging, m)
	if err != nil {
		return nil, fmt.Errorf("publish %s: %w", m, err)
	}
	crashpoint.At("publish: synced")
	j, err := newJournal(outDir, m, staging, units)
	if err != nil {
		return nil, fmt.Errorf("publish %s: %w", m, err)
	}
	if err := j.commit(); err != nil {
		// The journal may have been renamed in before the failing fsync;
		// with its staging tree about to go it must not be rolled forward.
		os.Remove(journalPath(outDir, m.String()))
		return nil, fmt.Errorf("publish %s: %w", m, err)
	}
	committed = true // from here on, Recover rolls forward
	crashpoint.At("publish: committed")
	if err := j.apply(); err != nil {
		return nil, fmt.Errorf("publish %s: %w", m, err)
	}
	return sums, nil
}

// prepare finds the units of the staging tree, checks every file lies in
// one, and fsyncs and hashes the files, then fsyncs the directories
// bottom-up so every entry is durable before the commit.
func prepare(staging string, m grid.Month) (units []string, sums map[string]string, err error) {
	sums = map[string]string{}
	unitSet := map[string]bool{}
	var dirs []string
	err = filepath.WalkDir(staging, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(staging, path)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			dirs = append(dirs, path)
			return nil
		case !d.Type().IsRegular():
			return fmt.Errorf("%s: not a regular file or directory", rel)
		}
		unit, ok := unitOf(rel, m)
		if !ok {
			return fmt.Errorf("%s: %w (want .../%s/... or .../year=%04d/month=%02d/...)", rel, ErrOutsideMonth, m, m.Year, int(m.Month))
		}
		unitSet[unit] = true
		sum, err := syncAndHash(path)
		if err != nil {
			return err
		}
		sums[rel] = sum
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(unitSet) == 0 {
		return nil, nil, errors.New("stage wrote no files")
	}
	for i := len(dirs) - 1; i >= 0; i-- { // children before parents
		if err := syncDir(dirs[i]); err != nil {
			return nil, nil, err
		}
	}
	for u := range unitSet {
		units = append(units, u)
	}
	sort.Strings(units)
	return units, sums, nil
}

// unitOf returns the shallowest directory of rel (a slash path to a file)
// named for month m.
func unitOf(rel string, m grid.Month) (string, bool) {
	parts := strings.Split(rel, "/")
	monthPart := fmt.Sprintf("month=%02d", int(m.Month))
	yearPart := fmt.Sprintf("year=%04d", m.Year)
	for i := 0; i < len(parts)-1; i++ { // the last part is the file
		if parts[i] == m.String() || (parts[i] == monthPart && i > 0 && parts[i-1] == yearPart) {
			return strings.Join(parts[:i+1], "/"), true
		}
	}
	return "", false
}

func syncAndHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("fsync %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// syncDir fsyncs a directory so the entries created or renamed in it are
// durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}
