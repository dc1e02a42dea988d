package server

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// BenchmarkAbandonedSubset compares a whole CSV subset of a 0.25° month
// (1,036,800 cells) with the same request abandoned by its client 20 ms
// in: the abandoned one should cost little more than the 20 ms (measured
// 1.27 s whole, 21.9 ms abandoned, on 2 cores at load 0.7).
func BenchmarkAbandonedSubset(b *testing.B) {
	out := b.TempDir()
	g := grid.MustNew(0.25)
	m := grid.Month{Year: 2023, Month: 1}
	v := make([]float32, g.Cells())
	for i := range v {
		v[i] = float32(i%977) * 0.01
	}
	gm := output.GridMonth{Grid: g, Month: m, Columns: []output.Column{{Name: "net_flux", Units: "g C m-2 month-1", Values: v}, {Name: "fossil", Units: "g C m-2 month-1", Values: v}}}
	if err := output.WriteGrid(output.GridPath(out, m), gm); err != nil {
		b.Fatal(err)
	}
	s, err := New(out, Options{})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	for _, tc := range []struct {
		name  string
		after time.Duration // 0: never abandoned
	}{{"whole", 0}, {"abandoned-20ms", 20 * time.Millisecond}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				ctx, cancel := context.WithCancel(context.Background())
				if tc.after > 0 {
					time.AfterFunc(tc.after, cancel)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/grid/2023-01?format=csv", nil).WithContext(ctx))
				cancel()
			}
		})
	}
}
