package raster

import "testing"

// BenchmarkReadGRIB reads the real ERA5 sample: 744 hourly messages of
// 49 × 33 points averaged into March 2019.
func BenchmarkReadGRIB(b *testing.B) {
	path := realGRIB(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadGRIB(path, "2t", march2019); err != nil {
			b.Fatal(err)
		}
	}
}
