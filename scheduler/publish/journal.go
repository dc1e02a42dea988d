package publish

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/carbonbudget/carbonbudget/internal/crashpoint"
	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// journal is the commit record of one publish: once it is on disk the
// publish must complete, by Month or by a later Recover.
type journal struct {
	Month   string `json:"month"`
	Staging string `json:"staging"` // name inside outDir
	Units   []unit `json:"units"`

	outDir string
}

// unit is one directory to swap in, identified by the inode of its staged
// copy: renames keep the inode, so after a crash the inode tells whether
// the published path already holds the new directory.
type unit struct {
	Dir string `json:"dir"` // slash path relative to outDir
	Dev uint64 `json:"dev"`
	Ino uint64 `json:"ino"`
}

func journalPath(outDir string, month string) string {
	return filepath.Join(outDir, journalPrefix+month+".json")
}

func newJournal(outDir string, m grid.Month, staging string, dirs []string) (*journal, error) {
	j := &journal{Month: m.String(), Staging: filepath.Base(staging), outDir: outDir}
	for _, d := range dirs {
		dev, ino, err := identity(filepath.Join(staging, filepath.FromSlash(d)))
		if err != nil {
			return nil, err
		}
		j.Units = append(j.Units, unit{Dir: d, Dev: dev, Ino: ino})
	}
	return j, nil
}

// commit writes the journal durably: temp file, fsync, rename, fsync of
// the directory. Only the rename makes it visible, so a torn journal is
// never read.
func (j *journal) commit() error {
	path := journalPath(j.outDir, j.Month)
	b, err := json.MarshalIndent(j, "", " ")
	if err != nil {
		return err
	}
	if err := durable.WriteFile(path, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return syncDir(j.outDir)
}

// apply swaps every unit in, makes the renames durable, then deletes the
// journal and the staging tree (holding the old directories by then).
// It is idempotent, so Recover can run it again after a crash.
func (j *journal) apply() error {
	staging := filepath.Join(j.outDir, j.Staging)
	parents := map[string]bool{}
	for _, u := range j.Units {
		final := filepath.Join(j.outDir, filepath.FromSlash(u.Dir))
		staged := filepath.Join(staging, filepath.FromSlash(u.Dir))
		if err := swapUnit(staged, final, u); err != nil {
			return fmt.Errorf("swap in %s: %w", u.Dir, err)
		}
		parents[filepath.Dir(final)], parents[filepath.Dir(staged)] = true, true
		crashpoint.At("publish: swapped " + u.Dir)
	}
	for _, p := range sortedKeys(parents) {
		if err := syncDir(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := os.Remove(journalPath(j.outDir, j.Month)); err != nil {
		return fmt.Errorf("remove journal: %w", err)
	}
	if err := syncDir(j.outDir); err != nil {
		return err
	}
	crashpoint.At("publish: journal removed")
	return os.RemoveAll(staging)
}

// swapUnit puts the staged directory u at final, unless a previous attempt
// already did.
func swapUnit(staged, final string, u unit) error {
	if isUnit(final, u) {
		return nil
	}
	if !isUnit(staged, u) {
		return fmt.Errorf("neither %s nor %s is the staged directory (inode %d); remove the journal to give up this publish", final, staged, u.Ino)
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return err
	}
	if _, err := os.Lstat(final); errors.Is(err, os.ErrNotExist) {
		return os.Rename(staged, final)
	} else if err != nil {
		return err
	}
	err := exchange(staged, final)
	if err == nil || !exchangeUnsupported(err) {
		return err
	}
	// No RENAME_EXCHANGE: move the old directory aside (into the staging
	// tree, which is deleted afterwards) and the new one in. A reader
	// between the two renames finds no directory; a crash between them is
	// finished by Recover, which sees final missing.
	aside := staged + ".old"
	os.RemoveAll(aside)
	if err := os.Rename(final, aside); err != nil {
		return err
	}
	crashpoint.At("publish: aside " + u.Dir)
	return os.Rename(staged, final)
}

// exchange atomically swaps two paths; a variable so tests can force the
// fallback.
var exchange = func(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}

func exchangeUnsupported(err error) bool {
	return errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP)
}

func identity(path string) (dev, ino uint64, err error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return 0, 0, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, fmt.Errorf("%s: no inode number on this system", path)
	}
	return uint64(st.Dev), st.Ino, nil
}

func isUnit(path string, u unit) bool {
	dev, ino, err := identity(path)
	return err == nil && dev == u.Dev && ino == u.Ino
}

// Report says what Recover did.
type Report struct {
	// RolledForward lists the months whose interrupted publish was
	// completed.
	RolledForward []string
	// Removed lists the leftover staging directories, temporary journals
	// and unfinished table writes deleted (names inside the output
	// directory).
	Removed []string
}

// Recover finishes or discards publishes interrupted by a crash: committed
// ones (a journal exists) are rolled forward, uncommitted staging
// directories and the temporary files of unfinished table writes are
// deleted. Call it after taking the output directory's
// lock and before publishing. A missing outDir is not an error.
func Recover(outDir string) (Report, error) {
	return recoverMatching(outDir, "")
}

// recoverMonth is Recover restricted to month m.
func recoverMonth(outDir string, m grid.Month) (Report, error) {
	return recoverMatching(outDir, m.String())
}

func recoverMatching(outDir, month string) (Report, error) {
	var rep Report
	entries, err := os.ReadDir(outDir)
	if errors.Is(err, os.ErrNotExist) {
		return rep, nil
	}
	if err != nil {
		return rep, fmt.Errorf("recover %s: %w", outDir, err)
	}
	for _, e := range entries { // journals first: their staging trees are not orphans
		name := e.Name()
		if !strings.HasPrefix(name, journalPrefix+month) || !strings.HasSuffix(name, ".json") {
			continue
		}
		if err := rollForward(outDir, name); err != nil {
			return rep, err
		}
		rep.RolledForward = append(rep.RolledForward, strings.TrimSuffix(strings.TrimPrefix(name, journalPrefix), ".json"))
	}
	for _, e := range entries {
		name := e.Name()
		orphan := strings.HasPrefix(name, stagingPrefix+month) ||
			(strings.HasPrefix(name, "."+journalPrefix+month) && strings.Contains(name, ".json.tmp-")) || // a journal's unfinished write
			(month == "" && strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-")) // a table's unfinished write (internal/durable)
		if !orphan {
			continue
		}
		if _, err := os.Lstat(filepath.Join(outDir, name)); errors.Is(err, os.ErrNotExist) {
			continue // removed by a roll-forward above
		}
		if err := os.RemoveAll(filepath.Join(outDir, name)); err != nil {
			return rep, fmt.Errorf("recover %s: %w", outDir, err)
		}
		rep.Removed = append(rep.Removed, name)
	}
	return rep, nil
}

func rollForward(outDir, name string) error {
	path := filepath.Join(outDir, name)
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("recover: read journal %s: %w", path, err)
	}
	j := &journal{outDir: outDir}
	if err := json.Unmarshal(b, j); err != nil {
		return fmt.Errorf("recover: journal %s: %w", path, err)
	}
	if j.Staging == "" || strings.ContainsAny(j.Staging, `/\`) || !strings.HasPrefix(j.Staging, stagingPrefix) {
		return fmt.Errorf("recover: journal %s: bad staging name %q", path, j.Staging)
	}
	if err := j.apply(); err != nil {
		return fmt.Errorf("recover: journal %s (month %s): %w", path, j.Month, err)
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
