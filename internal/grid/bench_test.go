package grid

import "testing"

func BenchmarkSum025(b *testing.B) {
	g := MustNew(0.25)
	v := randomField(g, 1, 0.3)
	b.ReportAllocs()
	for b.Loop() {
		g.Sum(v, nil)
	}
}

func BenchmarkSumWeighted025(b *testing.B) {
	g := MustNew(0.25)
	v := randomField(g, 1, 0.3)
	w := randomField(g, 2, 0)
	b.ReportAllocs()
	for b.Loop() {
		g.Sum(v, w)
	}
}

func BenchmarkRegridWeights025to1(b *testing.B) {
	src, dst := MustNew(0.25), MustNew(1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewRegridder(src, dst); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRegridApply025to1(b *testing.B) {
	src, dst := MustNew(0.25), MustNew(1)
	rg, _ := NewRegridder(src, dst)
	v := randomField(src, 1, 0.3)
	cov := make([]float32, dst.Cells())
	b.ReportAllocs()
	for b.Loop() {
		rg.Apply(v, cov)
	}
}
