package raster

import (
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/realdata"
)

// BenchmarkReadGRIB reads the real ERA5 sample: 744 hourly messages of
// 49 × 33 points averaged into March 2019.
func BenchmarkReadGRIB(b *testing.B) {
	path := realdata.Path(b, "gridded", "era5-2mt-2019-03-uk.grib")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadGRIB(path, "2t", march2019); err != nil {
			b.Fatal(err)
		}
	}
}
