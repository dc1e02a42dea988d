package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// childEnv makes the test binary a child that begins a run in the ledger
// at the given path and waits to be killed.
const childEnv = "CARBONBUDGET_LEDGER_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		beginAndHang(path)
	}
	os.Exit(m.Run())
}

func beginAndHang(path string) {
	l, err := Open(path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	id, err := l.BeginRun(context.Background(), RunInfo{Command: "update"})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	fmt.Println("run", id)
	time.Sleep(time.Minute)
	os.Exit(4)
}

func openTemp(t *testing.T) *Ledger {
	t.Helper()
	l, err := Open(filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestOpenUsesWAL(t *testing.T) {
	l := openTemp(t)
	var mode string
	if err := l.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q (%v), want wal", mode, err)
	}
	var timeout int
	if err := l.db.QueryRow("PRAGMA busy_timeout").Scan(&timeout); err != nil || timeout != busyTimeoutMS {
		t.Fatalf("busy_timeout = %d (%v), want %d", timeout, err, busyTimeoutMS)
	}
}

func TestOpenOddPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out?x=1#frag %41")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := Open(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.BeginRun(context.Background(), RunInfo{}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Fatalf("ledger not created inside %q: %v", dir, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	l.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", schemaVersion+1))
	l.Close()
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer schema: got %v, want a refusal", err)
	}
}

func TestRunLifecycle(t *testing.T) {
	ctx := context.Background()
	l := openTemp(t)
	clock := time.Date(2024, 6, 5, 6, 0, 0, 123456000, time.UTC)
	l.now = func() time.Time { clock = clock.Add(time.Minute); return clock }

	id1, err := l.BeginRun(ctx, RunInfo{Command: "update", ConfigHash: "cfg1", CodeVersion: "v1", Host: "h", PID: 42})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.FinishRun(ctx, id1, RunOK, nil); err != nil {
		t.Fatal(err)
	}
	id2, _ := l.BeginRun(ctx, RunInfo{Command: "run", Host: "h", PID: 43})
	if err := l.FinishRun(ctx, id2, RunFailed, errors.New("ocean 2024-02: boom")); err != nil {
		t.Fatal(err)
	}
	runs, err := l.Runs(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []Run{
		{ID: id2, Command: "run", Start: time.Date(2024, 6, 5, 6, 3, 0, 123456000, time.UTC), End: time.Date(2024, 6, 5, 6, 4, 0, 123456000, time.UTC),
			Status: RunFailed, Error: "ocean 2024-02: boom", Host: "h", PID: 43},
		{ID: id1, Command: "update", Start: time.Date(2024, 6, 5, 6, 1, 0, 123456000, time.UTC), End: time.Date(2024, 6, 5, 6, 2, 0, 123456000, time.UTC),
			Status: RunOK, ConfigHash: "cfg1", CodeVersion: "v1", Host: "h", PID: 42},
	}
	if !reflect.DeepEqual(runs, want) {
		t.Fatalf("Runs:\n got %+v\nwant %+v", runs, want)
	}
	if one, _ := l.Runs(ctx, 1); len(one) != 1 || one[0].ID != id2 {
		t.Errorf("Runs(1) = %+v, want only run %d", one, id2)
	}
	if err := l.FinishRun(ctx, 999, RunOK, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("FinishRun(999): got %v, want ErrNotFound", err)
	}
	if err := l.FinishRun(ctx, id1, RunRunning, nil); err == nil {
		t.Error("FinishRun with status running: got nil error")
	}
	if _, err := l.GetRun(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetRun(999): got %v, want ErrNotFound", err)
	}
}

func TestAbandonStale(t *testing.T) {
	host, _ := os.Hostname()
	tests := []struct {
		name      string
		host      string
		pidAlive  bool
		exclusive bool
		want      RunStatus
	}{
		{"dead pid on this host", host, false, false, RunAbandoned},
		{"live pid on this host", host, true, false, RunRunning},
		{"dead pid on another host", "elsewhere", false, false, RunRunning},
		{"live pid, caller holds the lock", host, true, true, RunAbandoned},
		{"other host, caller holds the lock", "elsewhere", true, true, RunAbandoned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			l := openTemp(t)
			l.alive = func(pid int) bool { return tt.pidAlive }
			stale, err := l.BeginRun(ctx, RunInfo{Host: tt.host, PID: 7})
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := l.BeginRun(ctx, RunInfo{Exclusive: tt.exclusive})
			if err != nil {
				t.Fatal(err)
			}
			if r, _ := l.GetRun(ctx, stale); r.Status != tt.want {
				t.Errorf("earlier run: status %q, want %q", r.Status, tt.want)
			}
			if r, _ := l.GetRun(ctx, fresh); r.Status != RunRunning || r.PID != os.Getpid() || r.Host != host {
				t.Errorf("new run: %+v, want running with this pid and host", r)
			}
		})
	}
}

// TestCrashedRunIsAbandoned: a child begins a run and is SIGKILLed; the
// next BeginRun (without the lock) must find its pid dead and abandon it.
func TestCrashedRunIsAbandoned(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	buf := make([]byte, 64)
	n, _ := out.Read(buf)
	line := strings.TrimSpace(string(buf[:n]))
	childID, err := strconv.ParseInt(strings.TrimPrefix(line, "run "), 10, 64)
	if err != nil {
		t.Fatalf("child said %q, want \"run <id>\"", line)
	}

	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.AbandonStale(ctx, false); err != nil {
		t.Fatal(err)
	}
	if r, _ := l.GetRun(ctx, childID); r.Status != RunRunning {
		t.Fatalf("live child's run: status %q, want running", r.Status)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if _, err := l.BeginRun(ctx, RunInfo{}); err != nil {
		t.Fatal(err)
	}
	r, _ := l.GetRun(ctx, childID)
	if r.Status != RunAbandoned || !strings.Contains(r.Error, strconv.Itoa(cmd.Process.Pid)) {
		t.Fatalf("killed child's run: %+v, want abandoned naming pid %d", r, cmd.Process.Pid)
	}
}

func TestMonthRoundTrip(t *testing.T) {
	ctx := context.Background()
	l := openTemp(t)
	run, _ := l.BeginRun(ctx, RunInfo{})
	m := grid.Month{Year: 2023, Month: 12}
	if _, ok, err := l.Month(ctx, m); ok || err != nil {
		t.Fatalf("Month before any record: ok %v err %v, want false, nil", ok, err)
	}
	prov := MonthState{Month: m, RunID: run, InputHash: "h1", Status: MonthProvisional,
		ProvisionalSources: []string{"socat", "carbonmonitor"},
		OutputChecksums:    map[string]string{"grid/year=2023/month=12/part-0.parquet": "ab", "months/2023-12/budget.json": "cd"}}
	if err := l.RecordMonth(ctx, prov); err != nil {
		t.Fatal(err)
	}
	got, ok, err := l.Month(ctx, m)
	if err != nil || !ok {
		t.Fatalf("Month: %v %v", ok, err)
	}
	prov.ProvisionalSources = []string{"carbonmonitor", "socat"} // stored sorted
	prov.Updated = got.Updated
	if !reflect.DeepEqual(got, prov) {
		t.Fatalf("Month:\n got %+v\nwant %+v", got, prov)
	}

	run2, _ := l.BeginRun(ctx, RunInfo{})
	final := MonthState{Month: m, RunID: run2, InputHash: "h2", Status: MonthOK}
	if err := l.RecordMonth(ctx, final); err != nil {
		t.Fatal(err)
	}
	l.RecordMonth(ctx, MonthState{Month: grid.Month{Year: 2023, Month: 2}, RunID: run2, Status: MonthFailed, Error: "no sst"})
	all, err := l.Months(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Month.String() != "2023-02" || all[1].RunID != run2 || all[1].Status != MonthOK ||
		all[1].InputHash != "h2" || len(all[1].ProvisionalSources) != 0 || all[0].Error != "no sst" {
		t.Fatalf("Months after the upsert: %+v", all)
	}
}

func TestRecordMonthRejects(t *testing.T) {
	ctx := context.Background()
	l := openTemp(t)
	run, _ := l.BeginRun(ctx, RunInfo{})
	m := grid.Month{Year: 2023, Month: 1}
	tests := []struct {
		name string
		st   MonthState
	}{
		{"unknown status", MonthState{Month: m, RunID: run, Status: "done"}},
		{"provisional without a source", MonthState{Month: m, RunID: run, Status: MonthProvisional}},
		{"unknown run", MonthState{Month: m, RunID: run + 100, Status: MonthOK}},
	}
	for _, tt := range tests {
		if err := l.RecordMonth(ctx, tt.st); err == nil || !strings.Contains(err.Error(), "2023-01") {
			t.Errorf("%s: got %v, want an error naming the month", tt.name, err)
		}
	}
}

// TestConcurrentWriters: two handles (as a run and a status reader in
// two processes would have) writing from several goroutines must not fail
// with "database is locked".
func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	run, _ := a.BeginRun(ctx, RunInfo{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 4; g++ {
		l := a
		if g%2 == 1 {
			l = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				m := grid.Month{Year: 2000 + 10*g, Month: 1}.Add(i)
				if err := l.RecordMonth(ctx, MonthState{Month: m, RunID: run, Status: MonthOK}); err != nil {
					errs <- err
					return
				}
				if _, err := l.Runs(ctx, 5); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	all, _ := b.Months(ctx)
	if len(all) != 200 {
		t.Fatalf("got %d months, want 200", len(all))
	}
}

// TestOpenReadOnly reads what a writer recorded without writing: the
// database file is byte-identical afterwards, writes fail, and a missing
// ledger is an error rather than a new file.
func TestOpenReadOnly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	id, err := l.BeginRun(context.Background(), RunInfo{Command: "update"})
	if err != nil {
		t.Fatal(err)
	}
	l.FinishRun(context.Background(), id, RunOK, nil)
	l.Close()
	before, _ := os.ReadFile(path)

	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := ro.Runs(context.Background(), 10)
	if err != nil || len(runs) != 1 || runs[0].Status != RunOK {
		t.Fatalf("read-only runs %+v, %v; want the finished update", runs, err)
	}
	if _, err := ro.BeginRun(context.Background(), RunInfo{Command: "x"}); err == nil {
		t.Error("a read-only ledger accepted a write")
	}
	ro.Close()
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Error("reading changed the database file")
	}
	if _, err := OpenReadOnly(filepath.Join(dir, "absent.db")); err == nil {
		t.Error("a missing ledger opened read-only")
	}
	if _, err := os.Stat(filepath.Join(dir, "absent.db")); err == nil {
		t.Error("opening a missing ledger read-only created it")
	}
}

// TestDeadRunSeenReadOnly: a run left running by a process that no
// longer exists is known dead to a read-only reader; a live one is not.
func TestDeadRunSeenReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	l.BeginRun(context.Background(), RunInfo{Command: "serve"})                // this test's process
	l.BeginRun(context.Background(), RunInfo{Command: "update", PID: 1 << 30}) // no such process (then killed)
	l.Close()
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	runs, err := ro.Runs(context.Background(), 10)
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs %v, %v", runs, err)
	}
	for _, r := range runs {
		if want := r.Command == "update"; ro.Dead(r) != want {
			t.Errorf("run %s (pid %d): dead %v, want %v", r.Command, r.PID, ro.Dead(r), want)
		}
	}
}
