// Package progress reports the progress of long work (training, a
// multi-month run, synthesising the twin world): on a terminal as one
// redrawn line with a bar, the month, the stage and an ETA; elsewhere
// (cron, systemd, a pipe) as structured slog lines, which batch logs keep
// and a bar would garble.
//
// Work is counted in steps, whatever the caller chooses (months, or
// months × stages). The ETA is the mean time per finished step times the
// steps left, so it is blank until the first step ends.
package progress

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Mode chooses how progress is shown.
type Mode int

// Modes. Auto draws a bar when the writer is a terminal and logs
// otherwise.
const (
	Auto Mode = iota
	Bar
	Log
)

// Options configure a Reporter. The zero value is Auto with a 30-cell bar
// and a text logger on the writer.
type Options struct {
	Mode  Mode
	Width int          // bar cells; 0 means 30
	Log   *slog.Logger // Log mode's logger; nil means a text logger on w
	// Now is the clock; nil means time.Now (tests fix it).
	Now func() time.Time
}

// Reporter shows the progress of total steps. It is safe for concurrent
// use.
type Reporter struct {
	mu           sync.Mutex
	w            io.Writer
	bar          bool
	width        int
	log          *slog.Logger
	now          func() time.Time
	start        time.Time
	total, done  int
	month, stage string
}

// New returns a Reporter of total steps writing to w.
func New(w io.Writer, total int, opt Options) *Reporter {
	r := &Reporter{w: w, total: total, width: opt.Width, log: opt.Log, now: opt.Now}
	if r.width <= 0 {
		r.width = 30
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.log == nil {
		r.log = slog.New(slog.NewTextHandler(w, nil))
	}
	switch opt.Mode {
	case Bar:
		r.bar = true
	case Auto:
		r.bar = IsTerminal(w)
	}
	r.start = r.now()
	return r
}

// Begin says work has started on stage of month (month may be empty,
// e.g. for training).
func (r *Reporter) Begin(month, stage string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.month, r.stage = month, stage
	if r.bar {
		r.draw()
		return
	}
	args := []any{"step", r.done + 1, "total", r.total}
	if month != "" {
		args = append(args, "month", month)
	}
	args = append(args, "stage", stage)
	if eta, ok := r.eta(); ok {
		args = append(args, "eta", eta)
	}
	r.log.Info("progress", args...)
}

// Step marks one step finished.
func (r *Reporter) Step() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done < r.total {
		r.done++
	}
	if r.bar {
		r.draw()
	}
}

// Finish ends the report: the bar's line is closed with a newline, or a
// final log line gives the elapsed time.
func (r *Reporter) Finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	took := r.now().Sub(r.start).Round(time.Second)
	if r.bar {
		r.stage = fmt.Sprintf("done in %s", took)
		r.draw()
		fmt.Fprintln(r.w)
		return
	}
	r.log.Info("progress done", "steps", r.done, "total", r.total, "took", took)
}

// eta is the estimated time left; false before any step has finished.
func (r *Reporter) eta() (time.Duration, bool) {
	if r.done == 0 || r.total <= 0 {
		return 0, false
	}
	per := r.now().Sub(r.start) / time.Duration(r.done)
	return (per * time.Duration(r.total-r.done)).Round(time.Second), true
}

// draw rewrites the line: carriage return, the text, then "erase to end
// of line" so a shorter line leaves no tail of the previous one.
func (r *Reporter) draw() {
	filled := 0
	if r.total > 0 {
		filled = r.width * r.done / r.total
	}
	var b strings.Builder
	b.WriteString("\r")
	if r.month != "" {
		b.WriteString(r.month + " ")
	}
	fmt.Fprintf(&b, "%-8s [%s%s] %d/%d", r.stage, strings.Repeat("#", filled), strings.Repeat("-", r.width-filled), r.done, r.total)
	if eta, ok := r.eta(); ok && r.done < r.total {
		fmt.Fprintf(&b, " ETA %s", eta)
	}
	b.WriteString("\x1b[K")
	io.WriteString(r.w, b.String())
}

// IsTerminal reports whether w (usually os.Stderr) is a terminal: an *os.File (or anything
// with an Fd method) on which the terminal-attributes ioctl succeeds, the
// check isatty(3) makes.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
