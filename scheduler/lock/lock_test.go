package lock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childEnv makes the test binary act as a lock-holding child process.
const childEnv = "CARBONBUDGET_LOCK_CHILD_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		holdForever(dir)
	}
	os.Exit(m.Run())
}

// holdForever takes the lock, tells the parent on stdout and sleeps until
// it is killed.
func holdForever(dir string) {
	l, err := Acquire(context.Background(), dir, false)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	fmt.Println("locked", os.Getpid())
	_ = l
	time.Sleep(time.Minute)
	os.Exit(4)
}

func TestSecondAcquireIsRefusedWithHolder(t *testing.T) {
	dir := t.TempDir()
	before := time.Now().Add(-time.Second)
	l, err := Acquire(context.Background(), dir, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(context.Background(), dir, false)
	var held *HeldError
	if !errors.As(err, &held) || !errors.Is(err, ErrHeld) {
		t.Fatalf("second Acquire: got %v, want a *HeldError", err)
	}
	if held.Holder.PID != os.Getpid() {
		t.Errorf("holder pid %d, want %d", held.Holder.PID, os.Getpid())
	}
	if held.Holder.Start.Before(before) || held.Holder.Start.After(time.Now()) {
		t.Errorf("holder start %v, want between %v and now", held.Holder.Start, before)
	}
	if msg := err.Error(); !strings.Contains(msg, "pid "+strconv.Itoa(os.Getpid())) || !strings.Contains(msg, held.Holder.Start.Format(time.RFC3339)) {
		t.Errorf("message %q does not name the holder's pid and start time", msg)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if h := ReadHolder(l.Path()); h.PID != 0 {
		t.Errorf("after Release the file still names pid %d", h.PID)
	}
	l2, err := Acquire(context.Background(), dir, false)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	l2.Release()
	if err := l2.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
}

func TestWaitGetsTheLockWhenReleased(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(context.Background(), dir, false)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		l2, err := Acquire(context.Background(), dir, true)
		if err == nil {
			l2.Release()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("waiting Acquire returned %v while the lock was held", err)
	case <-time.After(3 * pollInterval):
	}
	l.Release()
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("waiting Acquire: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("waiting Acquire did not get the released lock within 10 s")
	}
}

func TestWaitStopsWithContext(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(context.Background(), dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 2*pollInterval)
	defer cancel()
	_, err = Acquire(ctx, dir, true)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), strconv.Itoa(os.Getpid())) {
		t.Fatalf("got %v, want a deadline error naming the holder", err)
	}
}

// TestLockDiesWithItsProcess kills a holding child with SIGKILL: the lock
// must be free afterwards although the child never released it.
func TestLockDiesWithItsProcess(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := readLine(out, 20*time.Second)
	if err != nil || !strings.HasPrefix(line, "locked ") {
		t.Fatalf("child said %q (%v), want \"locked <pid>\"", line, err)
	}

	held, h, err := Held(dir)
	if err != nil || !held || h.PID != cmd.Process.Pid {
		t.Fatalf("Held = %v, %+v, %v; want held by child pid %d", held, h, err, cmd.Process.Pid)
	}
	_, err = Acquire(context.Background(), dir, false)
	var he *HeldError
	if !errors.As(err, &he) || he.Holder.PID != cmd.Process.Pid {
		t.Fatalf("Acquire while the child holds it: %v, want HeldError naming pid %d", err, cmd.Process.Pid)
	}

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	l, err := Acquire(context.Background(), dir, false)
	if err != nil {
		t.Fatalf("Acquire after the holder was killed: %v", err)
	}
	if h := ReadHolder(l.Path()); h.PID != os.Getpid() {
		t.Errorf("new holder record names pid %d, want %d", h.PID, os.Getpid())
	}
	l.Release()
	if held, _, _ := Held(dir); held {
		t.Error("Held reports the lock held after Release")
	}
}

func readLine(r interface{ Read([]byte) (int, error) }, timeout time.Duration) (string, error) {
	ch := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		ch <- strings.TrimSpace(line)
	}()
	select {
	case s := <-ch:
		return s, nil
	case <-time.After(timeout):
		return "", errors.New("timeout")
	}
}
