package nclock

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestDoSerialises runs eight goroutines that each stay inside Do for a
// while; without the lock several would be inside at once.
func TestDoSerialises(t *testing.T) {
	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			Do(func() error {
				n := inside.Add(1)
				for {
					m := maxInside.Load()
					if n <= m || maxInside.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(2 * time.Millisecond) // long enough for the others to try
				inside.Add(-1)
				return nil
			})
		}()
	}
	wg.Wait()
	if got := maxInside.Load(); got != 1 {
		t.Errorf("%d goroutines held the lock at once, want 1", got)
	}
}

// TestLockExcludesDo checks that Lock and Do share one mutex.
func TestLockExcludesDo(t *testing.T) {
	Lock()
	done := make(chan struct{})
	go func() {
		Do(func() error { return nil })
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("Do ran while Lock was held")
	case <-time.After(20 * time.Millisecond):
	}
	Unlock()
	<-done
}
