package server

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/lake"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// bigFixture publishes 24 years of months with 260 regions and five
// components each (the size of a real run at any resolution), without grid
// files, which the regional endpoint does not read.
func bigFixture(b *testing.B) string {
	out := b.TempDir()
	comps := []string{lake.CompFossil, lake.CompLand, lake.CompFire, lake.CompOcean, lake.CompNetToAtmos}
	for _, m := range grid.Range(grid.Month{Year: 2001, Month: 1}, grid.Month{Year: 2024, Month: 12}) {
		res := &budget.Result{Month: m, Budget: budget.Close(m.String(), lake.Terms{EFos: lake.Term{GtC: 0.8}})}
		for k := 0; k < 260; k++ {
			for _, c := range comps {
				res.Regional = append(res.Regional, lake.RegionRow{Month: m.String(), RegionID: fmt.Sprintf("R%03d", k),
					Name: fmt.Sprintf("Region %d", k), Kind: "country", Component: c, GtC: float64(k) * 1e-4, SigmaGtC: 1e-5})
			}
		}
		if err := lake.WriteMonth(lake.MonthDir(out, m), res.Record()); err != nil {
			b.Fatal(err)
		}
	}
	if err := writeTables(out); err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkRegionLoad sends 2,000 requests at concurrency 100 to the
// regional summary endpoint over loopback and reports the latency
// percentiles; any failed request fails the benchmark.
func BenchmarkRegionLoad(b *testing.B) {
	out := bigFixture(b)
	s, err := New(out, Options{})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
	const total, concurrency = 2000, 100
	// Warm up as a server that has been running does: one request per
	// region (connections opened, caches filled, the start-up garbage
	// collected). The cold first burst is reported separately.
	cold := time.Now()
	for k := 0; k < 260; k++ {
		resp, err := client.Get(fmt.Sprintf("%s/api/v1/regions/R%03d?component=land_sink", ts.URL, k))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	b.ReportMetric(float64(time.Since(cold).Microseconds())/1000/260, "warmup-ms/req")
	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		lat := make([]time.Duration, total)
		var errs int
		var mu sync.Mutex
		var wg sync.WaitGroup
		next := make(chan int)
		for w := 0; w < concurrency; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					url := fmt.Sprintf("%s/api/v1/regions/R%03d?component=land_sink", ts.URL, i%260)
					t0 := time.Now()
					resp, err := client.Get(url)
					if err == nil {
						_, err = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != 200 {
							err = fmt.Errorf("status %d", resp.StatusCode)
						}
					}
					lat[i] = time.Since(t0)
					if err != nil {
						mu.Lock()
						errs++
						mu.Unlock()
					}
				}
			}()
		}
		for i := 0; i < total; i++ {
			next <- i
		}
		close(next)
		wg.Wait()
		if errs > 0 {
			b.Fatalf("%d of %d requests failed", errs, total)
		}
		if testing.Verbose() {
			var slow []int
			for i, l := range lat {
				if l > 50*time.Millisecond {
					slow = append(slow, i)
				}
			}
			b.Logf("requests over 50 ms: %d, at indices %v", len(slow), slow[:min(len(slow), 40)])
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[total/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[total*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "req/s")
	}
}
