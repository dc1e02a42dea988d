package netcdf

import (
	"math"
	"testing"

	"github.com/fhs/go-netcdf/netcdf"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

var benchVars = []string{"t2m", "tp", "ssrd", "swvl1", "si10", "sst", "siconc", "msl"}

// era5Month is one 0.25° global ERA5 month (721 × 1440, centres on 0..359.75
// and ±90) of the eight drivers, int16 packed with a _FillValue over "land"
// for sst.
func era5Month(netcdf4 bool) fixture {
	const nlat, nlon = 721, 1440
	lat, lon := axis(90, -0.25, nlat), axis(0, 0.25, nlon)
	fx := fixture{
		netcdf4: netcdf4, offset64: !netcdf4,
		dims: []dim{{"time", 1}, {"latitude", nlat}, {"longitude", nlon}},
		vars: append(latLon("latitude", "longitude", lat, lon),
			fvar{name: "time", typ: netcdf.INT, dims: []string{"time"}, data: []int32{1078800},
				attrs: []fattr{{"units", "hours since 1900-01-01 00:00:00.0"}, {"calendar", "gregorian"}}}),
	}
	if netcdf4 {
		fx.deflate = 1
	}
	for k, name := range benchVars {
		data := make([]int16, nlat*nlon)
		for i := range data {
			data[i] = int16(20000 * math.Sin(float64(i*(k+1))*1e-3))
			if name == "sst" && (i/nlon+i%nlon)%3 == 0 {
				data[i] = packFill
			}
		}
		fx.vars = append(fx.vars, fvar{name: name, typ: netcdf.SHORT, dims: []string{"time", "latitude", "longitude"}, data: data,
			attrs: []fattr{{"scale_factor", []float64{0.001 * float64(k+1)}}, {"add_offset", []float64{float64(100 * k)}},
				{"_FillValue", []int16{packFill}}, {"missing_value", []int16{packFill}}, {"units", "1"}}})
	}
	return fx
}

// BenchmarkReadERA5Month opens a 0.25° ERA5 month file and reads and
// unpacks all eight variables. The cube's 5 s target for one month
// includes regridding as well.
func BenchmarkReadERA5Month(b *testing.B) {
	for _, tc := range []struct {
		name    string
		netcdf4 bool
	}{{"netcdf3-64bit", false}, {"netcdf4-deflate1", true}} {
		b.Run(tc.name, func(b *testing.B) {
			path := era5Month(tc.netcdf4).write(b, "era5.nc")
			m := grid.Month{Year: 2023, Month: 1}
			b.ReportAllocs()
			for b.Loop() {
				f, err := Open(path)
				if err != nil {
					b.Fatal(err)
				}
				for _, v := range benchVars {
					fd, err := f.Read(v, m)
					if err != nil {
						b.Fatal(err)
					}
					if fd.Grid.NLon != 1440 || fd.Grid.West != -180.125 {
						b.Fatalf("grid %+v", fd.Grid)
					}
				}
				f.Close()
			}
		})
	}
}
