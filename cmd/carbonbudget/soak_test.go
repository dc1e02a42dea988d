package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// envSoak makes the abuse tests long: 1,000 huge URLs instead of 100, and
// TestSoak runs for its duration (make soak sets 30m). make test leaves it
// unset.
const envSoak = "CARBONBUDGET_SOAK"

func soakDuration(t *testing.T) time.Duration {
	v := os.Getenv(envSoak)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", envSoak, v, err)
	}
	return d
}

// serve starts 'carbonbudget serve' on a free loopback port over out and
// returns its base URL and process id.
func serve(t *testing.T, out string) (base string, pid int) {
	t.Helper()
	cmd := command(context.Background(), "serve", "--addr", "127.0.0.1:0", "--config", fix.config, "--out", out)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case a := <-addr:
		return "http://" + a, cmd.Process.Pid
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not say where it listens within 30 s")
	}
	return "", 0
}

// procKB is a field of /proc/pid/status in kB (VmRSS: resident now,
// VmHWM: the peak).
func procKB(t *testing.T, pid int, field string) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return kb
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// publishedOut is an output directory with the fixture's months published.
func publishedOut(t *testing.T) string {
	t.Helper()
	fixture(t)
	out := t.TempDir()
	if _, err := carbonbudget(context.Background(), "update", "--config", fix.config, "--out", out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestServeUnderHugeDistinctURLs sends distinct 900 KB URLs (each a new
// cache key if keys were built from the raw query) to the real server and
// checks its peak resident memory stays under 400 MB (issue 18).
func TestServeUnderHugeDistinctURLs(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 90 MB or more over loopback")
	}
	n := 100
	if soakDuration(t) > 0 {
		n = 1000
	}
	base, pid := serve(t, publishedOut(t))
	pad := strings.Repeat("y", 900<<10)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				paths := []string{"/api/v1/budget?format=csv", "/api/v1/regions?format=json", "/api/v1/grid/" + lastMonth + "?format=csv&bbox=-20,30,40,70"}
				resp, err := http.Get(fmt.Sprintf("%s%s&j%d=%s", base, paths[i%3], i, pad))
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs <- fmt.Errorf("request %d (%s): status %d", i, paths[i%3], resp.StatusCode)
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
	hwm := procKB(t, pid, "VmHWM")
	t.Logf("%d distinct 900 KB URLs: server peak RSS %d MB, now %d MB", n, hwm>>10, procKB(t, pid, "VmRSS")>>10)
	if hwm > 400<<10 {
		t.Errorf("server peak RSS %d MB over %d distinct 900 KB URLs, want under 400 MB", hwm>>10, n)
	}
}

// TestSoak serves, reloads and republishes at once for CARBONBUDGET_SOAK
// (make soak: 30 minutes; skipped otherwise): four clients request every
// kind of answer with junk parameters, while months are republished under
// the server. Every answer must be 200 or 503 (busy), and the server's
// resident memory in the last third must stay within 25% (+32 MB) of its
// peak in the first third, after a warm-up.
func TestSoak(t *testing.T) {
	d := soakDuration(t)
	if d == 0 {
		t.Skip(envSoak + " is not set (make soak sets it)")
	}
	out := publishedOut(t)
	base, pid := serve(t, out)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	months := []string{"2022-07", "2022-08", "2022-09", "2022-10", "2022-11", "2022-12"}
	var requests, busy atomic.Int64
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for ctx.Err() == nil {
				m := months[rng.IntN(len(months))]
				paths := []string{
					"/api/v1/budget?format=json", "/api/v1/budget?freq=annual&format=parquet", "/api/v1/regions?format=csv",
					"/api/v1/regions/USA?format=json", "/api/v1/months", "/api/v1/months/" + m + "/manifest",
					fmt.Sprintf("/api/v1/grid/%s?format=csv&bbox=%d,%d,%d,%d", m, -180+rng.IntN(180), -60+rng.IntN(60), rng.IntN(180), rng.IntN(80)),
					"/api/v1/grid/" + m + "?format=parquet&vars=net_flux",
					"/api/v1/map/" + m + "?var=net_flux&anomaly=" + strconv.Itoa(rng.IntN(2)),
					"/healthz", "/metrics", "/api/v1/runs",
				}
				p := paths[rng.IntN(len(paths))]
				sep := "?"
				if strings.Contains(p, "?") {
					sep = "&"
				}
				resp, err := http.Get(fmt.Sprintf("%s%s%sjunk=%d", base, p, sep, rng.Uint64()))
				if err != nil {
					if ctx.Err() == nil {
						errs <- err
					}
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				requests.Add(1)
				switch resp.StatusCode {
				case 200:
				case 503:
					busy.Add(1)
				default:
					errs <- fmt.Errorf("GET %s: status %d", p, resp.StatusCode)
					return
				}
			}
		}()
	}
	wg.Add(1)
	republished := 0
	go func() { // the publisher
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			cmd := command(ctx, "run", "--month", months[i%len(months)], "--config", fix.config, "--out", out)
			if b, err := cmd.CombinedOutput(); err != nil && ctx.Err() == nil {
				errs <- fmt.Errorf("republish %s: %v: %s", months[i%len(months)], err, tail(string(b), 500))
				return
			}
			republished++
		}
	}()
	var samples []int
	tick := time.NewTicker(d / 60)
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case err := <-errs:
			cancel()
			wg.Wait()
			t.Fatal(err)
		case <-tick.C:
			samples = append(samples, procKB(t, pid, "VmRSS"))
		}
	}
	tick.Stop()
	wg.Wait()
	third := len(samples) / 3
	peak := func(s []int) int {
		p := 0
		for _, v := range s {
			p = max(p, v)
		}
		return p
	}
	first, last := peak(samples[2:third]), peak(samples[2*third:]) // the first two samples are the warm-up
	t.Logf("%v: %d requests (%d busy), %d republishes; server RSS peak %d MB in the first third, %d MB in the last, VmHWM %d MB",
		d, requests.Load(), busy.Load(), republished, first>>10, last>>10, procKB(t, pid, "VmHWM")>>10)
	if float64(last) > 1.25*float64(first)+32<<10 {
		t.Errorf("server RSS grew from %d MB to %d MB over the soak", first>>10, last>>10)
	}
}
