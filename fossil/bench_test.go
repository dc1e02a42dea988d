package fossil

import (
	"context"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// BenchmarkGrid025 grids one month of national totals on the 0.25° grid
// with a prepared Gridder (the pipeline keeps one per grid).
func BenchmarkGrid025(b *testing.B) {
	g := grid.MustNew(0.25)
	m := grid.Month{Year: 2023, Month: 1}
	gr, err := NewGridder(g, newBoxMasks(g, allIDs()), nil)
	if err != nil {
		b.Fatal(err)
	}
	res, err := Run(context.Background(), m, Inputs{Records: monthRecords(m, 0), Gridder: gr}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := gr.Grid(res.National); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAggregateTenYears sums ten years of daily records (14 rows × 6
// sectors × 3,652 days) into monthly national totals.
func BenchmarkAggregateTenYears(b *testing.B) {
	var recs []ingest.FossilRecord
	months := grid.Range(grid.Month{Year: 2015, Month: 1}, grid.Month{Year: 2024, Month: 12})
	for _, m := range months {
		recs = append(recs, monthRecords(m, 0)...)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, m := range months {
			if _, err := monthTotals(m, recs, false); err != nil {
				b.Fatal(err)
			}
		}
	}
}
