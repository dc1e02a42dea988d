// Package lock holds the exclusive lock on an output directory, so that
// one run or update at a time writes into it.
//
// The lock is flock(2) on <dir>/.lock. The kernel drops it when the
// holding process exits for any reason, SIGKILL included, so a crashed run
// never leaves a stale lock behind and nothing has to guess from pids. The
// holder's pid, host and start time are written inside the file only so a
// refused contender can say who holds it. The file itself is never
// removed: unlinking a locked file lets a third process lock a fresh inode
// under the same name while the second still holds the old one.
//
// flock is advisory and per open file description: two Acquire calls in
// one process exclude each other like two processes do. On NFS, Linux
// emulates flock with POSIX byte-range locks, which hold across clients
// only when the server supports NLM; keep the output directory local.
package lock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// FileName is the name of the lock file inside the locked directory.
const FileName = ".lock"

// pollInterval is how often a waiting Acquire retries: flock(LOCK_EX)
// without LOCK_NB cannot be interrupted by a context, so waiting polls.
const pollInterval = 100 * time.Millisecond

// Holder describes the process holding a lock, as written in the file.
type Holder struct {
	PID   int
	Host  string
	Start time.Time
}

// String names the holder for messages: "pid 4242 on host since <RFC 3339 time>".
func (h Holder) String() string {
	if h.PID == 0 {
		return "an unknown process"
	}
	return fmt.Sprintf("pid %d on %s since %s", h.PID, h.Host, h.Start.Format(time.RFC3339))
}

// A HeldError reports that the lock is held by another process (or by
// another Acquire in this one) and the caller chose not to wait.
type HeldError struct {
	Path   string
	Holder Holder
}

// Error names the lock file and its holder, and suggests --wait.
func (e *HeldError) Error() string {
	return fmt.Sprintf("%s is locked by %s; another run or update is writing this output directory (wait with --wait)", e.Path, e.Holder)
}

// ErrHeld matches any *HeldError with errors.Is.
var ErrHeld = errors.New("lock held")

// Is makes errors.Is(err, ErrHeld) true for a HeldError.
func (e *HeldError) Is(target error) bool { return target == ErrHeld }

// Lock is a held lock. Release it with Release; the kernel releases it if
// the process dies first.
type Lock struct {
	f    *os.File
	path string
}

// Path is the lock file's path.
func (l *Lock) Path() string { return l.path }

// Acquire takes the exclusive lock on dir (created when missing). When the
// lock is held elsewhere it returns a *HeldError at once, or with wait it
// polls until the lock is free or ctx is done (then it returns ctx's error
// wrapped with the holder).
func Acquire(ctx context.Context, dir string, wait bool) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock %s: flock: %w", path, err)
		}
		if !wait {
			f.Close()
			return nil, &HeldError{Path: path, Holder: ReadHolder(path)}
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("wait for %s (held by %s): %w", path, ReadHolder(path), ctx.Err())
		case <-time.After(pollInterval):
		}
	}
	l := &Lock{f: f, path: path}
	if err := l.writeHolder(); err != nil {
		l.Release()
		return nil, err
	}
	return l, nil
}

// writeHolder records this process in the lock file. A contender may read
// the file between the truncate and the write and see no holder; that only
// costs it a less precise message.
func (l *Lock) writeHolder() error {
	host, _ := os.Hostname()
	text := fmt.Sprintf("pid %d\nhost %s\nstart %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339Nano))
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("lock %s: %w", l.path, err)
	}
	if _, err := l.f.WriteAt([]byte(text), 0); err != nil {
		return fmt.Errorf("lock %s: %w", l.path, err)
	}
	return nil
}

// Release clears the holder record and drops the lock. It is safe to call
// more than once.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	// Clear the record while still holding the lock, so nobody reads a
	// holder that has gone.
	l.f.Truncate(0)
	err := unix.Flock(int(l.f.Fd()), unix.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	if err != nil {
		return fmt.Errorf("unlock %s: %w", l.path, err)
	}
	return nil
}

// ReadHolder parses the holder record of the lock file at path. It returns
// the zero Holder when the file is empty or unreadable (no holder, or a
// holder between truncating and writing it).
func ReadHolder(path string) Holder {
	f, err := os.Open(path)
	if err != nil {
		return Holder{}
	}
	defer f.Close()
	var h Holder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), " ")
		switch key {
		case "pid":
			h.PID, _ = strconv.Atoi(val)
		case "host":
			h.Host = val
		case "start":
			h.Start, _ = time.Parse(time.RFC3339Nano, val)
		}
	}
	return h
}

// Held reports whether the lock on dir is currently held by anyone,
// including this process. It briefly takes a shared lock to find out (an
// Acquire at that very instant is refused), so use it for status reports
// only, never to decide whether to write.
func Held(dir string) (bool, Holder, error) {
	path := filepath.Join(dir, FileName)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, Holder{}, nil
	}
	if err != nil {
		return false, Holder{}, fmt.Errorf("lock %s: %w", path, err)
	}
	defer f.Close()
	err = unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB)
	if err == nil {
		unix.Flock(int(f.Fd()), unix.LOCK_UN)
		return false, Holder{}, nil
	}
	if errors.Is(err, unix.EWOULDBLOCK) {
		return true, ReadHolder(path), nil
	}
	return false, Holder{}, fmt.Errorf("lock %s: flock: %w", path, err)
}
