package main

// End-to-end tests of the operational commands on a small twin world: every
// command runs as a real child process, the test binary re-executing itself
// as carbonbudget (TestMain), so signals, exit codes, the lock, the ledger
// and the publish all behave as they do on a cron server.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/cli"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// envAsMain makes the test binary run main() with its arguments.
const envAsMain = "CARBONBUDGET_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envAsMain) == "1" {
		installCrashHook()
		main()
		os.Exit(0)
	}
	code := m.Run()
	if fix.dir != "" {
		os.RemoveAll(fix.dir)
	}
	os.Exit(code)
}

// The world: 2019–2022 at 2°, so the GOBM and DGVM files end in 2021 and
// the emulators train on 2020 and hold out 2021; the operational months
// are the second half of 2022.
const (
	worldYears = "2019-2022"
	firstMonth = "2022-07"
	lastMonth  = "2022-12"
	nMonths    = 6
)

// fix is the shared fixture: the twin world, trained models (one member
// per component: the tests are about running, not skill) and a
// configuration that points at both.
var fix struct {
	once   sync.Once
	dir    string
	world  string // the twin world's directory
	config string // start firstMonth; outputs go where --out says
	models string
	err    error
}

func fixture(t *testing.T) {
	t.Helper()
	fix.once.Do(func() { fix.err = makeFixture() })
	if fix.err != nil {
		t.Fatal(fix.err)
	}
}

func makeFixture() error {
	dir, err := os.MkdirTemp("", "carbonbudget-e2e-")
	if err != nil {
		return err
	}
	fix.dir, fix.world, fix.models = dir, filepath.Join(dir, "world"), filepath.Join(dir, "models")
	if _, err := carbonbudget(context.Background(), "synth", "--out", fix.world, "--years", worldYears, "--res", "2"); err != nil {
		return err
	}
	train, err := writeConfig(filepath.Join(dir, "train.yaml"), fix.world, fix.models, "2020-01")
	if err != nil {
		return err
	}
	if _, err := carbonbudget(context.Background(), "train", "--config", train); err != nil {
		return err
	}
	fix.config, err = writeConfig(filepath.Join(dir, "run.yaml"), fix.world, fix.models, firstMonth)
	return err
}

// writeConfig writes the twin's configuration with its inputs at world,
// its models in models, the given start month and one member per
// component.
func writeConfig(path, world, models, start string) (string, error) {
	b, err := os.ReadFile(filepath.Join(fix.world, "carbonbudget.yaml"))
	if err != nil {
		return "", err
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(l, "input_dir:"):
			l = "input_dir: " + world
		case strings.HasPrefix(l, "models_dir:"):
			l = "models_dir: " + models
		case strings.HasPrefix(l, "start:"):
			l = fmt.Sprintf("start: %q", start)
		}
		lines = append(lines, l)
	}
	lines = append(lines, "members: 1", "")
	return path, os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644)
}

// command returns carbonbudget with args as a child process.
func command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), envAsMain+"=1")
	return cmd
}

// carbonbudget runs a command to completion; the error carries its stderr.
func carbonbudget(ctx context.Context, args ...string) (stdout string, err error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := command(ctx, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("carbonbudget %s: %w\n%s", strings.Join(args, " "), err, tail(errb.String(), 2000))
	}
	return out.String(), nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// status reads the ledger through `status --json`.
func status(t *testing.T, out string) cli.StatusJSON {
	t.Helper()
	s, err := carbonbudget(context.Background(), "status", "--json", "--runs", "100", "--config", fix.config, "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	var st cli.StatusJSON
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, s)
	}
	return st
}

// published reads every published file under out: the grid lake, the
// months, the tables; not the ledger, the lock, the work directory, the
// models or a staging directory left by a kill.
func published(t *testing.T, out string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || rel == "models") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "ledger.db") {
			return nil
		}
		if rel == lake.ProjectionParquet {
			return nil // its made_at differs between runs; projection.csv has the same rows
		}
		b, err := os.ReadFile(p)
		if rel == lake.ProjectionCSV || rel == lake.ProjectionJSON {
			b = madeAt.ReplaceAll(b, []byte("MADE_AT"))
		}
		files[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// madeAt matches the time a projection was made (projection.csv, .json),
// the one thing a rerun on the same inputs changes.
var madeAt = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

// monthFiles keeps the files of published months: grid partitions and
// months/YYYY-MM directories, keyed by month.
func monthFiles(files map[string][]byte) map[string]map[string][]byte {
	out := map[string]map[string][]byte{}
	for name, b := range files {
		var m string
		parts := strings.Split(name, string(filepath.Separator))
		switch {
		case len(parts) == 3 && parts[0] == "months":
			m = parts[1]
		case len(parts) == 4 && parts[0] == "grid":
			m = strings.TrimPrefix(parts[1], "year=") + "-" + strings.TrimPrefix(parts[2], "month=")
		default:
			continue
		}
		if out[m] == nil {
			out[m] = map[string][]byte{}
		}
		out[m][name] = b
	}
	return out
}

// TestKillRunAtRandomPoints SIGKILLs `carbonbudget run` over six months at
// random moments, at least ten times, in one output directory. After every
// kill each month published so far must be whole, readable and
// byte-identical to an uninterrupted run's; then a rerun must complete
// with every published file byte-identical to the uninterrupted run.
func TestKillRunAtRandomPoints(t *testing.T) {
	fixture(t)
	ctx := context.Background()
	runArgs := func(out string) []string {
		return []string{"run", "--from", firstMonth, "--to", lastMonth, "--config", fix.config, "--out", out}
	}
	ref := t.TempDir()
	if _, err := carbonbudget(ctx, runArgs(ref)...); err != nil {
		t.Fatal(err)
	}
	// A second run reads the cached cubes, as the runs after the first kill
	// do: its duration spans the kill points.
	t0 := time.Now()
	if _, err := carbonbudget(ctx, runArgs(ref)...); err != nil {
		t.Fatal(err)
	}
	span := time.Since(t0)
	want := published(t, ref)
	wantMonths := monthFiles(want)
	if len(wantMonths) != nMonths {
		t.Fatalf("the uninterrupted run published %d months, want %d", len(wantMonths), nMonths)
	}
	for m, files := range wantMonths {
		if len(files) < 5 {
			t.Fatalf("month %s has only %d files", m, len(files))
		}
	}

	out := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 11))
	kills, seen := 0, map[int]bool{}
	for attempt := 0; kills < 10 && attempt < 40; attempt++ {
		cmd := command(ctx, runArgs(out)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		at := time.Duration(rng.Int64N(int64(span)))
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run exited by itself with %v before its kill at %v", err, at)
			}
			continue // finished before the kill point: not a kill
		case <-time.After(at):
		}
		cmd.Process.Signal(syscall.SIGKILL)
		err := <-done
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			continue // it exited between the timer and the signal
		}
		kills++
		got := monthFiles(published(t, out))
		seen[len(got)] = true
		for m, files := range got {
			if len(files) != len(wantMonths[m]) {
				t.Fatalf("kill %d at %v: month %s has %d files, an uninterrupted run %d", kills, at, m, len(files), len(wantMonths[m]))
			}
			for name, b := range files {
				if !bytes.Equal(b, wantMonths[m][name]) {
					t.Fatalf("kill %d at %v: %s differs from the uninterrupted run", kills, at, name)
				}
			}
			readable(t, out, m)
		}
		t.Logf("kill %d at %v: %d months published", kills, at.Round(time.Millisecond), len(got))
	}
	if kills < 10 {
		t.Fatalf("only %d of the runs were killed while running", kills)
	}
	t.Logf("kills left %v months published (over a %v run)", slices.Sorted(maps.Keys(seen)), span.Round(time.Millisecond))

	if _, err := carbonbudget(ctx, runArgs(out)...); err != nil {
		t.Fatal(err)
	}
	got := published(t, out)
	for name, b := range want {
		if !bytes.Equal(b, got[name]) {
			t.Errorf("%s differs between the rerun after %d kills and an uninterrupted run", name, kills)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("the rerun after the kills published %s, which an uninterrupted run does not", name)
		}
	}
	st := status(t, out)
	for _, m := range st.Months {
		if m.Status != "ok" {
			t.Errorf("after the rerun, month %s is %s", m.Month, m.Status)
		}
	}
	if len(st.Months) != nMonths {
		t.Errorf("ledger has %d months, want %d", len(st.Months), nMonths)
	}
}

// readable opens month m's grid partition and budget.json the way a
// reader would.
func readable(t *testing.T, out, m string) {
	t.Helper()
	var year, month int
	fmt.Sscanf(m, "%d-%d", &year, &month)
	p := filepath.Join(out, "grid", fmt.Sprintf("year=%04d", year), fmt.Sprintf("month=%02d", month), "part-0.parquet")
	gm, err := output.ReadGrid(context.Background(), p)
	if err != nil {
		t.Fatalf("month %s: %v", m, err)
	}
	if len(gm.Columns) == 0 {
		t.Fatalf("month %s: grid file has no columns", m)
	}
	b, err := os.ReadFile(filepath.Join(out, "months", m, "budget.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("month %s: budget.json: %v", m, err)
	}
}

// waitHolder waits until the process pid holds out's lock.
func waitHolder(t *testing.T, out string, pid int, exited <-chan error) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(filepath.Join(out, ".lock"))
		if bytes.HasPrefix(b, []byte("pid "+strconv.Itoa(pid)+"\n")) {
			return
		}
		select {
		case err := <-exited:
			t.Fatalf("pid %d exited (%v) before it took the lock", pid, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("pid %d never took the lock of %s", pid, out)
}

// start starts a command whose stderr is collected; wait returns its error.
func start(t *testing.T, args ...string) (cmd *exec.Cmd, stderr *bytes.Buffer, exited chan error) {
	t.Helper()
	cmd = command(context.Background(), args...)
	stderr = &bytes.Buffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited = make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, stderr, exited
}

// TestConcurrentUpdates starts a second `update` while the first holds the
// output directory: it is refused naming the holder, and the ledger shows
// one run. With --wait the second waits for the first, then finds nothing
// left to do.
func TestConcurrentUpdates(t *testing.T) {
	fixture(t)
	out := t.TempDir()
	first, firstErr, exited := start(t, "update", "--config", fix.config, "--out", out)
	waitHolder(t, out, first.Process.Pid, exited)
	msg, err := carbonbudget(context.Background(), "update", "--config", fix.config, "--out", out)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("second update: %v, want exit status 1\n%s", err, msg)
	}
	if holder := "pid " + strconv.Itoa(first.Process.Pid); !strings.Contains(err.Error(), holder) {
		t.Errorf("the refusal does not name the holder (%s): %v", holder, err)
	}
	if err := <-exited; err != nil {
		t.Fatalf("first update: %v\n%s", err, tail(firstErr.String(), 2000))
	}
	st := status(t, out)
	if len(st.Runs) != 1 || st.Runs[0].Status != "ok" || st.Runs[0].PID != first.Process.Pid {
		t.Fatalf("ledger runs %+v, want the first update's alone, ok", st.Runs)
	}
	if len(st.Months) != nMonths {
		t.Errorf("ledger has %d months, want %d", len(st.Months), nMonths)
	}

	// --wait: the second update runs after the first and computes nothing.
	rerun, rerunErr, exited := start(t, "run", "--from", firstMonth, "--to", lastMonth, "--config", fix.config, "--out", out)
	waitHolder(t, out, rerun.Process.Pid, exited)
	waited, err := carbonbudget(context.Background(), "update", "--wait", "--config", fix.config, "--out", out)
	if err != nil {
		t.Fatalf("update --wait: %v", err)
	}
	if err := <-exited; err != nil {
		t.Fatalf("run: %v\n%s", err, tail(rerunErr.String(), 2000))
	}
	if !strings.Contains(waited, "0 month(s) planned, 0 computed") {
		t.Errorf("update --wait after a run of every month: %q, want nothing planned", waited)
	}
	st = status(t, out)
	if len(st.Runs) != 3 {
		t.Fatalf("ledger runs %+v, want three", st.Runs)
	}
	// Runs are newest first: the waiting update began after the run ended.
	if upd, run := st.Runs[0], st.Runs[1]; upd.Command != "update" || run.Command != "run" || run.End == nil || upd.Start.Before(*run.End) {
		t.Errorf("update --wait %+v did not wait for run %+v", upd, run)
	}
}

// TestSecondRunRefusedWhileTraining: the lock is taken before the models
// are loaded or trained, so while a first `update` trains its missing
// emulators a second `update` and a `train` are turned away at once,
// naming the holder, instead of training into the same directory.
func TestSecondRunRefusedWhileTraining(t *testing.T) {
	fixture(t)
	dir := t.TempDir()
	cfg, err := writeConfig(filepath.Join(dir, "fresh.yaml"), fix.world, filepath.Join(dir, "models"), firstMonth)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	first, firstErr, exited := start(t, "update", "--config", cfg, "--out", out)
	waitHolder(t, out, first.Process.Pid, exited)
	for _, args := range [][]string{{"update"}, {"train"}} {
		t0 := time.Now()
		_, err := carbonbudget(context.Background(), append(args, "--config", cfg, "--out", out)...)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(err.Error(), "pid "+strconv.Itoa(first.Process.Pid)) {
			t.Errorf("%s while the first update trains: %v; want exit 1 naming pid %d", args[0], err, first.Process.Pid)
		}
		t.Logf("%s refused after %v", args[0], time.Since(t0).Round(time.Millisecond))
	}
	select {
	case err := <-exited:
		t.Fatalf("the first update ended (%v) before the others were refused: not a test of training\n%s", err, tail(firstErr.String(), 2000))
	default:
	}
	if !strings.Contains(firstErr.String(), "training them first") {
		t.Errorf("the first update is not training:\n%s", tail(firstErr.String(), 2000))
	}
}

// linkWorld makes a copy of the fixture's world out of symlinks, leaving
// out the files named in without (relative to the world).
func linkWorld(t *testing.T, without ...string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(fix.world, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(fix.world, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if slices.Contains(without, rel) {
			return nil
		}
		return os.Symlink(p, filepath.Join(dst, rel))
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestProvisionalMonthBecomesFinal withholds the ship file of the last
// month: the first update publishes it provisional; once the file appears
// the next update recomputes that month alone and it becomes final.
func TestProvisionalMonthBecomesFinal(t *testing.T) {
	fixture(t)
	const late = "socat/SOCATv_202212.tsv"
	world := linkWorld(t, late)
	cfg, err := writeConfig(filepath.Join(t.TempDir(), "late.yaml"), world, fix.models, firstMonth)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := carbonbudget(context.Background(), "update", "--config", cfg, "--out", out); err != nil {
		t.Fatal(err)
	}
	st := status(t, out)
	before := published(t, out)
	states := map[string]cli.MonthJSON{}
	for _, m := range st.Months {
		states[m.Month] = m
	}
	if len(states) != nMonths {
		t.Fatalf("first update recorded %d months, want %d", len(states), nMonths)
	}
	for m, s := range states {
		want := "ok"
		if m == lastMonth {
			want = "provisional"
		}
		if s.Status != want {
			t.Errorf("after the first update %s is %s, want %s", m, s.Status, want)
		}
	}
	if got := states[lastMonth].ProvisionalSources; !slices.Equal(got, []string{"socat"}) {
		t.Errorf("%s provisional sources %v, want [socat]", lastMonth, got)
	}
	if !bytes.Contains(before["months/"+lastMonth+"/manifest.json"], []byte(`"socat"`)) {
		t.Errorf("the provisional month's manifest does not name socat")
	}

	if err := os.Symlink(filepath.Join(fix.world, late), filepath.Join(world, late)); err != nil {
		t.Fatal(err)
	}
	stdout, err := carbonbudget(context.Background(), "update", "--config", cfg, "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "1 month(s) planned, 1 computed") {
		t.Errorf("second update: %q, want one month planned and computed", stdout)
	}
	st = status(t, out)
	after := published(t, out)
	for _, m := range st.Months {
		was := states[m.Month]
		switch {
		case m.Month == lastMonth && (m.Status != "ok" || m.RunID == was.RunID || len(m.ProvisionalSources) != 0):
			t.Errorf("%s after the ship file arrived: %+v, want ok from the second run", m.Month, m)
		case m.Month != lastMonth && (m.RunID != was.RunID || m.Status != "ok"):
			t.Errorf("%s was recomputed (run %d -> %d)", m.Month, was.RunID, m.RunID)
		}
	}
	for name, b := range before {
		month := strings.Contains(name, lastMonth) || strings.Contains(name, "year=2022/month=12")
		switch {
		case month && name == "months/"+lastMonth+"/budget.json" && bytes.Equal(b, after[name]):
			t.Errorf("%s unchanged after the ship data arrived", name)
		case !month && strings.HasPrefix(name, "months/") && !bytes.Equal(b, after[name]):
			t.Errorf("%s changed, but its month was not recomputed", name)
		}
	}
}

// TestScheduleFiresAndStopsOnSIGTERM runs the daemon on a seconds spec: it
// fires, runs the update, records it in the ledger and exits 0 on SIGTERM.
func TestScheduleFiresAndStopsOnSIGTERM(t *testing.T) {
	fixture(t)
	out := t.TempDir()
	cmd, stderr, exited := start(t, "schedule", "--seconds", "--spec", "*/2 * * * * *", "--config", fix.config, "--out", out)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(filepath.Join(out, "ledger.db")); err == nil {
			st := status(t, out)
			if len(st.Runs) > 0 && st.Runs[len(st.Runs)-1].Status == "ok" {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no update recorded within 2 minutes\n%s", tail(stderr.String(), 3000))
		}
		select {
		case err := <-exited:
			t.Fatalf("schedule exited by itself: %v\n%s", err, tail(stderr.String(), 3000))
		case <-time.After(200 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("schedule after SIGTERM: %v\n%s", err, tail(stderr.String(), 3000))
		}
	case <-time.After(time.Minute):
		t.Fatal("schedule still running a minute after SIGTERM")
	}
	log := stderr.String()
	for _, want := range []string{"schedule started", "shutting down", "stopped cleanly"} {
		if !strings.Contains(log, want) {
			t.Errorf("schedule log lacks %q", want)
		}
	}
	st := status(t, out)
	oldest := st.Runs[len(st.Runs)-1]
	if oldest.Command != "update" || oldest.Status != "ok" {
		t.Errorf("the first scheduled run is %+v, want an update, ok", oldest)
	}
	for _, r := range st.Runs {
		if r.Status == "running" || r.End == nil {
			t.Errorf("run %d %s, ended %v, after the daemon stopped", r.ID, r.Status, r.End)
		}
	}
	if len(st.Months) != nMonths {
		t.Errorf("ledger has %d months after the scheduled update, want %d", len(st.Months), nMonths)
	}
}

// TestNewModelYearRetrains gives the operational job a world whose model
// files gained a year (2019–2023: GOBM and DGVM output through 2022): the
// next update retrains the emulators, which then hold out 2022.
func TestNewModelYearRetrains(t *testing.T) {
	fixture(t)
	dir := t.TempDir()
	world := filepath.Join(dir, "world")
	if _, err := carbonbudget(context.Background(), "synth", "--out", world, "--years", "2019-2023", "--res", "2"); err != nil {
		t.Fatal(err)
	}
	// The models are a copy of the fixture's (trained through 2021).
	models := filepath.Join(dir, "models")
	if err := os.CopyFS(models, os.DirFS(fix.models)); err != nil {
		t.Fatal(err)
	}
	cfg, err := writeConfig(filepath.Join(dir, "new.yaml"), world, models, "2020-01")
	if err != nil {
		t.Fatal(err)
	}
	// Only retraining is under test: run one month.
	stderr := &bytes.Buffer{}
	cmd := command(context.Background(), "run", "--month", "2023-06", "--config", cfg, "--out", filepath.Join(dir, "out"))
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("run: %v\n%s", err, tail(stderr.String(), 3000))
	}
	if !strings.Contains(stderr.String(), "a new year of model output arrived") {
		t.Errorf("run did not retrain on the new model year:\n%s", tail(stderr.String(), 3000))
	}
	for _, card := range []string{"ocean/gobm-TWIN-NEMO.card.json", "land/dgvm-TWIN-LPJ.card.json"} {
		b, err := os.ReadFile(filepath.Join(models, card))
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			HeldOutYear int `json:"held_out_year"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatal(err)
		}
		if c.HeldOutYear != 2022 {
			t.Errorf("%s holds out %d after retraining, want 2022", card, c.HeldOutYear)
		}
	}
	// A second run finds the members current and does not retrain.
	stderr.Reset()
	cmd = command(context.Background(), "run", "--month", "2023-06", "--config", cfg, "--out", filepath.Join(dir, "out"))
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("second run: %v\n%s", err, tail(stderr.String(), 3000))
	}
	if strings.Contains(stderr.String(), "a new year of model output arrived") {
		t.Errorf("the second run retrained although no new model year arrived")
	}
}

// TestIncompleteFossilFileNeverFinal: a Carbon Monitor file without one
// sector, or without one day of the month, never yields a final month. The
// first is refused naming the file and the month; the second is refused
// too, and with sources.fossil.allow_incomplete published provisional with
// "fossil" as the reason.
func TestIncompleteFossilFileNeverFinal(t *testing.T) {
	fixture(t)
	const cm = "carbon_monitor/carbonmonitor-global_datas.csv"
	b, err := os.ReadFile(filepath.Join(fix.world, cm))
	if err != nil {
		t.Fatal(err)
	}
	without := func(drop func(line string) bool) string {
		world := linkWorld(t, cm)
		var kept []string
		for _, l := range strings.SplitAfter(string(b), "\n") {
			if !drop(l) {
				kept = append(kept, l)
			}
		}
		if err := os.WriteFile(filepath.Join(world, cm), []byte(strings.Join(kept, "")), 0o644); err != nil {
			t.Fatal(err)
		}
		return world
	}
	run := func(world string, allowIncomplete bool) (string, string, error) {
		cfg, err := writeConfig(filepath.Join(t.TempDir(), "c.yaml"), world, fix.models, firstMonth)
		if err != nil {
			t.Fatal(err)
		}
		if allowIncomplete { // under sources.fossil, after its path
			y, _ := os.ReadFile(cfg)
			fossil := strings.Index(string(y), "\n  fossil:\n")
			path := fossil + strings.Index(string(y[fossil:]), "path:")
			eol := path + strings.Index(string(y[path:]), "\n") + 1
			y = append(y[:eol:eol], append([]byte("    allow_incomplete: true\n"), y[eol:]...)...)
			os.WriteFile(cfg, y, 0o644)
		}
		out := t.TempDir()
		cmd := command(context.Background(), "run", "--month", lastMonth, "--config", cfg, "--out", out)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err = cmd.Run()
		return out, stderr.String(), err
	}

	noResidential := without(func(l string) bool { return strings.Contains(l, ",Residential,") })
	out, stderr, err := run(noResidential, false)
	if err == nil || !strings.Contains(stderr, cm) || !strings.Contains(stderr, lastMonth) || !strings.Contains(stderr, "Residential") {
		t.Fatalf("a file without Residential: err %v, want an error naming %s, %s and the sector:\n%s", err, cm, lastMonth, tail(stderr, 2000))
	}
	if _, err := os.Stat(filepath.Join(out, "months", lastMonth)); err == nil {
		t.Errorf("%s was published from a file without a sector", lastMonth)
	}

	noDay := without(func(l string) bool { return strings.Contains(l, ",09/12/2022,") })
	if _, stderr, err := run(noDay, false); err == nil || !strings.Contains(stderr, "30 of 31 days") {
		t.Fatalf("a file without 9 December: err %v, want a refusal naming the missing day:\n%s", err, tail(stderr, 2000))
	}
	out, stderr, err = run(noDay, true)
	if err != nil {
		t.Fatalf("allow_incomplete: %v\n%s", err, tail(stderr, 3000))
	}
	found := false
	for _, m := range status(t, out).Months {
		if m.Month == lastMonth {
			found = true
			if m.Status != "provisional" || !slices.Contains(m.ProvisionalSources, "fossil") {
				t.Errorf("completed month: status %s, provisional sources %v; want provisional because of fossil", m.Status, m.ProvisionalSources)
			}
		}
	}
	if !found {
		t.Errorf("%s is not in the ledger after a run with allow_incomplete", lastMonth)
	}
}

// TestStaleTablesHealedByNextUpdate: a month republished without the
// tables' rebuild (a kill -9 between the two) leaves tables that disagree
// with its budget.json; the next update, although it plans nothing,
// rebuilds them.
func TestStaleTablesHealedByNextUpdate(t *testing.T) {
	fixture(t)
	out := t.TempDir()
	if _, err := carbonbudget(context.Background(), "update", "--config", fix.config, "--out", out); err != nil {
		t.Fatal(err)
	}
	// The month as a later run published it, the kill before the tables.
	setSLand(t, out, lastMonth, 9.875)

	stdout, err := carbonbudget(context.Background(), "update", "--config", fix.config, "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "0 month(s) planned") {
		t.Fatalf("second update: %q, want nothing planned", stdout)
	}
	csv, _ := os.ReadFile(filepath.Join(out, "budget_monthly.csv"))
	var row string
	for _, l := range strings.Split(string(csv), "\n") {
		if strings.HasPrefix(l, lastMonth+",") {
			row = l
		}
	}
	if !strings.Contains(row, ",9.875,") {
		t.Errorf("budget_monthly.csv %s after the healing update: %q, want S_LAND 9.875 from budget.json", lastMonth, row)
	}
}

// TestIngestReportsEveryBrokenSource: 'ingest --month' on inputs with
// three broken sources prints three problems, one line each naming the
// file and the month, and exits non-zero.
func TestIngestReportsEveryBrokenSource(t *testing.T) {
	fixture(t)
	chl, ndvi, noaa := "ocean/chlorophyll_2022.nc", "ndvi/ndvi_202211.tif", "noaa/co2_mm_gl.txt"
	world := linkWorld(t, chl, ndvi, noaa)
	for _, p := range []string{ndvi, noaa} {
		os.WriteFile(filepath.Join(world, p), []byte("<html>502 Bad Gateway</html>\n"), 0o644)
	}
	cfg, err := writeConfig(filepath.Join(t.TempDir(), "broken.yaml"), world, fix.models, firstMonth)
	if err != nil {
		t.Fatal(err)
	}
	cmd := command(context.Background(), "ingest", "--month", "2022-11", "--config", cfg, "--out", t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil {
		t.Fatal("ingest of broken inputs exited 0")
	}
	var problems []string
	for _, l := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(l, world) && strings.Contains(l, "2022-11") {
			problems = append(problems, l)
		}
	}
	if len(problems) != 3 {
		t.Fatalf("%d problem lines, want 3 (chlorophyll, ndvi, noaa):\n%s", len(problems), stderr.String())
	}
	for i, p := range []string{chl, ndvi, noaa} {
		if !strings.Contains(strings.Join(problems, "\n"), p) {
			t.Errorf("problem %d: no line names %s:\n%s", i, p, strings.Join(problems, "\n"))
		}
	}
}

// TestFailureBeforeTheRunIsInTheLedger: an update that fails before it
// computes a month (a NOAA record that is not one, met while checking for
// new model output) is recorded as a failed run naming the file.
func TestFailureBeforeTheRunIsInTheLedger(t *testing.T) {
	fixture(t)
	const noaa = "noaa/co2_mm_gl.txt"
	world := linkWorld(t, noaa)
	os.WriteFile(filepath.Join(world, noaa), []byte("<html>502 Bad Gateway</html>\n"), 0o644)
	cfg, err := writeConfig(filepath.Join(t.TempDir(), "c.yaml"), world, fix.models, firstMonth)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := carbonbudget(context.Background(), "update", "--config", cfg, "--out", out); err == nil {
		t.Fatal("update with a broken NOAA file succeeded")
	}
	runs := status(t, out).Runs
	if len(runs) != 1 || runs[0].Status != "failed" || runs[0].Command != "update" || !strings.Contains(runs[0].Error, noaa) {
		t.Fatalf("ledger runs %+v, want one failed update naming %s", runs, noaa)
	}
}
