package output

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// BenchmarkWriteGrid025 writes one 0.25° month (1,036,800 rows) with 12
// float32 value columns. rows/s is reported; peak memory is measured with
// /usr/bin/time -v on the test binary (see bench/README.md).
func BenchmarkWriteGrid025(b *testing.B) {
	gm := testMonth(grid.MustNew(0.25), 12)
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteGrid(filepath.Join(dir, "m.parquet"), gm); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(gm.Grid.Cells()*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadGrid025 reads back a 0.25° month of 12 value columns (the
// cube cache and the server read grids this way).
func BenchmarkReadGrid025(b *testing.B) {
	gm := testMonth(grid.MustNew(0.25), 12)
	path := filepath.Join(b.TempDir(), "m.parquet")
	if err := WriteGrid(path, gm); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadGrid(context.Background(), path); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(gm.Grid.Cells()*b.N)/b.Elapsed().Seconds(), "rows/s")
}
