package nclock

import (
	"sync"
	"testing"
)

func TestDoSerialises(t *testing.T) {
	var inside, maxInside int
	var guard sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			Do(func() error {
				guard.Lock()
				inside++
				maxInside = max(maxInside, inside)
				guard.Unlock()
				guard.Lock()
				inside--
				guard.Unlock()
				return nil
			})
		}()
	}
	wg.Wait()
	if maxInside != 1 {
		t.Errorf("%d goroutines held the lock at once", maxInside)
	}
}
