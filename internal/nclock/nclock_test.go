package nclock

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLockSerialises runs eight goroutines that each hold the lock for a
// while; without it several would be inside at once.
func TestLockSerialises(t *testing.T) {
	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			Lock()
			defer Unlock()
			{
				n := inside.Add(1)
				for {
					m := maxInside.Load()
					if n <= m || maxInside.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(2 * time.Millisecond) // long enough for the others to try
				inside.Add(-1)
			}
		}()
	}
	wg.Wait()
	if got := maxInside.Load(); got != 1 {
		t.Errorf("%d goroutines held the lock at once, want 1", got)
	}
}
