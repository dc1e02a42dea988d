package xgb

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestBoostersOnManyThreads trains many short-lived boosters from several
// goroutines at once. Before each booster had its own OS thread, goroutines
// hopping between threads made XGBoost 1.7 lose its thread-local link to
// the training matrix ("0 feature is supplied") within a few dozen runs.
func TestBoostersOnManyThreads(t *testing.T) {
	x, y := synth(4000, 3, 0.1)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				if err := trainOnce(x, y); err != nil {
					errs <- err
					return
				}
				runtime.Gosched()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func trainOnce(x, y []float32) error {
	d, err := NewDMatrix(x, len(y), 8, y)
	if err != nil {
		return err
	}
	defer d.Free()
	b, _, err := Train(context.Background(), Params{MaxDepth: 3, NThread: 1}, d, nil, 3, 0)
	if err != nil {
		return err
	}
	return b.Close()
}

// TestCloseEndsThread checks that Close ends the booster's OS thread, which
// is what frees XGBoost's thread-local caches for it.
func TestCloseEndsThread(t *testing.T) {
	x, y := synth(2000, 3, 0.1)
	if err := trainOnce(x, y); err != nil { // warm up runtime threads
		t.Fatal(err)
	}
	before := osThreads(t)
	for i := 0; i < 40; i++ {
		if err := trainOnce(x, y); err != nil {
			t.Fatal(err)
		}
	}
	// 40 boosters, each with a thread (and an OpenMP pool) of its own:
	// a leak would add at least 40. A few spare runtime threads may appear.
	if after := osThreads(t); after > before+8 {
		t.Errorf("OS threads grew from %d to %d over 40 closed boosters", before, after)
	}
}

func osThreads(t *testing.T) int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status: ", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	t.Skip("no Threads line in /proc/self/status")
	return 0
}
