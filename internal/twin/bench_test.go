package twin

import (
	"context"
	"syscall"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// maxRSSMB is the process's peak resident memory so far.
func maxRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // Linux reports KiB
}

func benchmarkWrite(b *testing.B, opt Options) {
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(context.Background(), b.TempDir(), opt, quietLog()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(maxRSSMB(), "peak-RSS-MB")
}

// BenchmarkWrite25Years1Deg writes the default world (2000–2024 at 1°),
// every file. Target: under 60 s on 2 cores, under 4 GB.
func BenchmarkWrite25Years1Deg(b *testing.B) { benchmarkWrite(b, DefaultOptions()) }

// BenchmarkWriteOneYear025 writes one year at 0.25°. Target: under 3
// minutes on 2 cores, under 4 GB.
func BenchmarkWriteOneYear025(b *testing.B) {
	benchmarkWrite(b, Options{Seed: 42, FromYear: 2023, ToYear: 2023, ResDeg: 0.25})
}

// BenchmarkSimulateYear1Deg simulates one year at 1° in memory (no files),
// after building and calibrating the world.
func BenchmarkSimulateYear1Deg(b *testing.B) {
	b.ReportAllocs()
	set, err := regions.Load(grid.MustNew(1))
	if err != nil {
		b.Fatal(err)
	}
	opt := Options{Seed: 42, FromYear: 2023, ToYear: 2023, ResDeg: 1}
	for b.Loop() {
		w, err := New(set, opt)
		if err != nil {
			b.Fatal(err)
		}
		for range 12 {
			if _, err := w.Next(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	}
}
