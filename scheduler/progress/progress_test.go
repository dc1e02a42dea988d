package progress

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// clock is a fake clock advanced by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestBar(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{time.Date(2024, 6, 5, 6, 0, 0, 0, time.UTC)}
	r := New(&buf, 4, Options{Mode: Bar, Width: 8, Now: c.now})
	tests := []struct {
		do   func()
		want string // the line drawn, without the leading \r and trailing erase
	}{
		{func() { r.Begin("2023-01", "ocean") }, "2023-01 ocean    [--------] 0/4"},
		{func() { c.t = c.t.Add(30 * time.Second); r.Step() }, "2023-01 ocean    [##------] 1/4 ETA 1m30s"},
		{func() { r.Begin("2023-02", "land") }, "2023-02 land     [##------] 1/4 ETA 1m30s"},
		{func() { c.t = c.t.Add(90 * time.Second); r.Step() }, "2023-02 land     [####----] 2/4 ETA 2m0s"},
		{func() { r.Step(); r.Step(); r.Step() }, "2023-02 land     [########] 4/4"}, // never past total
		{func() { r.Finish() }, "2023-02 done in 2m0s [########] 4/4"},
	}
	for i, tt := range tests {
		buf.Reset()
		tt.do()
		out := buf.String()
		if i == len(tests)-1 {
			if !strings.HasSuffix(out, "\n") {
				t.Errorf("Finish wrote %q, want a closing newline", out)
			}
			out = strings.TrimSuffix(out, "\n")
		}
		draws := strings.Split(out, "\r")[1:]
		if len(draws) == 0 {
			t.Fatalf("step %d: wrote %q, want a redrawn line", i, out)
		}
		last := draws[len(draws)-1]
		if !strings.HasSuffix(last, "\x1b[K") {
			t.Errorf("step %d: line %q does not erase the old tail", i, last)
		}
		if got := strings.TrimSuffix(last, "\x1b[K"); got != tt.want {
			t.Errorf("step %d:\n got %q\nwant %q", i, got, tt.want)
		}
	}
}

func TestLogLines(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{time.Date(2024, 6, 5, 6, 0, 0, 0, time.UTC)}
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	r := New(&buf, 3, Options{Log: log, Now: c.now}) // Auto on a buffer: not a terminal
	r.Begin("2023-01", "ingest")
	c.t = c.t.Add(time.Minute)
	r.Step()
	r.Begin("2023-02", "ingest")
	r.Begin("", "train ocean")
	c.t = c.t.Add(time.Minute)
	r.Step()
	r.Finish()
	if strings.Contains(buf.String(), "\r") || strings.Contains(buf.String(), "[#") {
		t.Fatalf("log mode drew a bar:\n%s", buf.String())
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		delete(m, "time")
		delete(m, "level")
		lines = append(lines, m)
	}
	want := []map[string]any{
		{"msg": "progress", "step": 1.0, "total": 3.0, "month": "2023-01", "stage": "ingest"},
		{"msg": "progress", "step": 2.0, "total": 3.0, "month": "2023-02", "stage": "ingest", "eta": float64(2 * time.Minute)},
		{"msg": "progress", "step": 2.0, "total": 3.0, "stage": "train ocean", "eta": float64(2 * time.Minute)},
		{"msg": "progress done", "steps": 2.0, "total": 3.0, "took": float64(2 * time.Minute)},
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i := range want {
		got, _ := json.Marshal(lines[i])
		exp, _ := json.Marshal(want[i])
		if string(got) != string(exp) {
			t.Errorf("line %d:\n got %s\nwant %s", i, got, exp)
		}
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) || IsTerminal(&bytes.Buffer{}) {
		t.Error("a regular file or a buffer reported as a terminal")
	}
	ptmx, pty, err := openPTY()
	if err != nil {
		t.Skip("no pseudo-terminal:", err)
	}
	defer ptmx.Close()
	defer pty.Close()
	if !IsTerminal(pty) {
		t.Error("a pseudo-terminal not reported as a terminal")
	}
	var buf bytes.Buffer
	if New(&buf, 1, Options{}).bar {
		t.Error("Auto mode chose the bar on a buffer")
	}
	if !New(pty, 1, Options{}).bar {
		t.Error("Auto mode chose log lines on a terminal")
	}
}

// openPTY opens a new pseudo-terminal; the caller closes both sides (the
// follower is hung up once the controller closes).
func openPTY() (ptmx, pty *os.File, err error) {
	ptmx, err = os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := int(ptmx.Fd())
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err == nil {
		err = unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0)
	}
	if err == nil {
		pty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	}
	if err != nil {
		ptmx.Close()
		return nil, nil, err
	}
	return ptmx, pty, nil
}
