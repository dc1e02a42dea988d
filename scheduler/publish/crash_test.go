package publish

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/crashpoint"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"golang.org/x/sys/unix"
)

// Environment of the child process the crash tests re-exec this test
// binary as.
const (
	envOut      = "CARBONBUDGET_PUBLISH_CHILD_OUT"
	envGen      = "CARBONBUDGET_PUBLISH_CHILD_GEN"
	envCrashAt  = "CARBONBUDGET_PUBLISH_CHILD_CRASH_AT" // empty: publish in a loop until killed
	envFallback = "CARBONBUDGET_PUBLISH_CHILD_FALLBACK"
)

var crashMonths = []grid.Month{{Year: 2023, Month: 1}, {Year: 2023, Month: 2}, {Year: 2023, Month: 3}}

func TestMain(m *testing.M) {
	if out := os.Getenv(envOut); out != "" {
		os.Exit(child(out))
	}
	os.Exit(m.Run())
}

// child publishes as told and returns an exit code; a crash test expects
// it to die by SIGKILL instead.
func child(out string) int {
	gen, _ := strconv.Atoi(os.Getenv(envGen))
	if os.Getenv(envFallback) != "" {
		exchange = func(a, b string) error { return unix.EINVAL }
	}
	if at := os.Getenv(envCrashAt); at != "" {
		crashpoint.Hook = func(step string) {
			if step == at {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				time.Sleep(time.Minute) // the signal is asynchronous
			}
		}
		if _, err := Month(out, crashMonths[1], func(dir string) error { return writeMonth(dir, crashMonths[1], gen, 4096) }); err != nil {
			fmt.Println("error", err)
			return 3
		}
		return 7 // never reached the crash point
	}
	fmt.Println("ready")
	for ; ; gen++ {
		for _, m := range crashMonths {
			if _, err := Month(out, m, func(dir string) error { return writeMonth(dir, m, gen, 256<<10) }); err != nil {
				fmt.Println("error", err)
				return 3
			}
		}
	}
}

func startChild(t *testing.T, out string, gen int, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append(env, envOut+"="+out, envGen+"="+strconv.Itoa(gen))...)
	cmd.Stderr = os.Stderr
	return cmd
}

// checkKilled asserts the child died of SIGKILL (not an error exit).
func checkKilled(t *testing.T, err error, what string) {
	t.Helper()
	ee, ok := err.(*exec.ExitError)
	if !ok {
		t.Fatalf("%s: child ended with %v, want killed", what, err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("%s: child exit %v, want SIGKILL", what, err)
	}
}

// TestKillAtEachStep kills the child at every step of a publish of
// February (gen 2 over gen 1) and checks what readers see before Recover
// and what is left after it.
func TestKillAtEachStep(t *testing.T) {
	feb := crashMonths[1]
	grid0 := unitDirs(feb)[0]
	tests := []struct {
		step     string
		fallback bool
		wantGen  int // after Recover
	}{
		{"publish: staged", false, 1},
		{"publish: synced", false, 1},
		{"publish: committed", false, 2},
		{"publish: swapped " + grid0, false, 2},
		{"publish: swapped months/2023-02", false, 2},
		{"publish: journal removed", false, 2},
		{"publish: aside " + grid0, true, 2},
		{"publish: swapped " + grid0, true, 2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s fallback=%v", tt.step, tt.fallback), func(t *testing.T) {
			out := t.TempDir()
			for _, m := range crashMonths {
				mustPublish(t, out, m, 1)
			}
			env := []string{envCrashAt + "=" + tt.step}
			if tt.fallback {
				env = append(env, envFallback+"=1")
			}
			cmd := startChild(t, out, 2, env...)
			b, err := cmd.Output()
			checkKilled(t, err, string(b))

			// Before Recover, as a reader would find it: every unit present
			// and whole, except the one moved aside by the fallback.
			for _, m := range crashMonths {
				for _, u := range unitDirs(m) {
					_, exists, err := readUnit(filepath.Join(out, u))
					if err != nil {
						t.Errorf("before Recover: %v", err)
					}
					aside := tt.fallback && strings.HasPrefix(tt.step, "publish: aside") && u == grid0
					if exists == aside {
						t.Errorf("before Recover: %s exists %v, want %v", u, exists, !aside)
					}
				}
			}
			if _, err := Recover(out); err != nil {
				t.Fatal(err)
			}
			for _, m := range crashMonths {
				want := 1
				if m == feb {
					want = tt.wantGen
				}
				if g, err := readMonth(out, m); err != nil || g != want {
					t.Errorf("after Recover: %s gen %d (%v), want %d", m, g, err, want)
				}
			}
			if l := leftovers(t, out); len(l) != 0 {
				t.Errorf("leftovers after Recover: %v", l)
			}
		})
	}
}

// TestKillAtRandomPoints SIGKILLs a child publishing three months in a
// loop at random moments, a dozen times over the same output directory.
// After each kill every unit must be whole; after Recover every month must
// be whole, of one generation, and not older than before the kill.
func TestKillAtRandomPoints(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("seed %d", seed)
	out := t.TempDir()
	gens := map[grid.Month]int{}
	for _, m := range crashMonths {
		mustPublish(t, out, m, 1)
		gens[m] = 1
	}
	const kills = 12
	interrupted := 0
	for k := 0; k < kills; k++ {
		cmd := startChild(t, out, 1000*(k+1))
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		if line != "ready\n" {
			cmd.Process.Kill()
			t.Fatalf("kill %d: child said %q", k, line)
		}
		time.Sleep(time.Duration(rng.IntN(200_000)) * time.Microsecond)
		cmd.Process.Signal(syscall.SIGKILL)
		checkKilled(t, cmd.Wait(), fmt.Sprintf("kill %d", k))

		for _, m := range crashMonths {
			for _, u := range unitDirs(m) {
				if _, exists, err := readUnit(filepath.Join(out, u)); err != nil || !exists {
					t.Fatalf("kill %d, before Recover: %s exists %v, %v", k, u, exists, err)
				}
			}
		}
		rep, err := Recover(out)
		if err != nil {
			t.Fatalf("kill %d: %v", k, err)
		}
		if len(rep.Removed)+len(rep.RolledForward) > 0 {
			interrupted++
		}
		for _, m := range crashMonths {
			g, err := readMonth(out, m)
			if err != nil || g < gens[m] {
				t.Fatalf("kill %d, after Recover: %s gen %d (%v), was %d", k, m, g, err, gens[m])
			}
			gens[m] = g
		}
		if l := leftovers(t, out); len(l) != 0 {
			t.Fatalf("kill %d: leftovers after Recover: %v", k, l)
		}
	}
	t.Logf("%d of %d kills interrupted a publish; final generations %v", interrupted, kills, gens)
}
