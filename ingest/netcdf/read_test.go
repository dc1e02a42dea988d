package netcdf

import (
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fhs/go-netcdf/netcdf"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// truth is the field the fixtures pack: asymmetric in latitude and not
// periodic in less than 360° of longitude, so a wrong flip or roll shows.
func truth(latDeg, lonDeg float64, step int) float64 {
	r := math.Pi / 180
	return 280 + 20*math.Sin(latDeg*r) + 5*math.Sin(lonDeg*r) + 0.5*math.Cos(2*lonDeg*r) + float64(step)
}

const (
	packScale  = 0.002
	packOffset = 282.5
	packFill   = -32767
)

func pack(v float64) int16 { return int16(math.Round((v - packOffset) / packScale)) }

// era5Like is a new-CDS ERA5 file: valid_time in seconds since 1970 as
// int64, latitude 90..-90 and longitude 0..359 at 1° (centres on the
// poles), int16 t2m packed with a _FillValue, NC_STRING attributes.
func era5Like(months []grid.Month) fixture {
	lat, lon := axis(90, -1, 181), axis(0, 1, 360)
	times := make([]int64, len(months))
	var data []int16
	for k, m := range months {
		times[k] = m.Start().Unix()
		for r, y := range lat {
			for c, x := range lon {
				if isHole(r, c) {
					data = append(data, packFill)
				} else {
					data = append(data, pack(truth(y, x, k)))
				}
			}
		}
	}
	return fixture{
		netcdf4: true,
		dims:    []dim{{"valid_time", len(months)}, {"latitude", 181}, {"longitude", 360}},
		global:  []fattr{{"Conventions", ncString{"CF-1.7"}}, {"institution", "ECMWF"}},
		vars: append(latLon("latitude", "longitude", lat, lon),
			fvar{name: "valid_time", typ: netcdf.INT64, dims: []string{"valid_time"}, data: times,
				attrs: []fattr{{"units", "seconds since 1970-01-01"}, {"calendar", ncString{"proleptic_gregorian"}}}},
			fvar{name: "t2m", typ: netcdf.SHORT, dims: []string{"valid_time", "latitude", "longitude"}, data: data,
				attrs: []fattr{{"scale_factor", []float64{packScale}}, {"add_offset", []float64{packOffset}},
					{"_FillValue", []int16{packFill}}, {"units", ncString{"K"}}, {"standard_name", ncString{"air_temperature"}}}}),
	}
}

// isHole marks the file cells (row, col) the fixtures leave missing.
func isHole(r, c int) bool { return (r+c)%97 == 0 }

func months2023(n int) []grid.Month {
	var out []grid.Month
	for k := 0; k < n; k++ {
		out = append(out, grid.Month{Year: 2023, Month: 1}.Add(k))
	}
	return out
}

func TestReadERA5Like(t *testing.T) {
	f, err := Open(era5Like(months2023(3)).write(t, "era5.nc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd, err := f.Read("t2m", grid.Month{Year: 2023, Month: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Centres on 0..359 and ±90: edges half a cell beyond after the roll.
	wantGrid(t, "era5-like", fd.Grid, grid.Grid{West: -180.5, North: 90.5, DLon: 1, DLat: 1, NLon: 360, NLat: 181})
	if fd.Units != "K" || fd.Name != "t2m" {
		t.Errorf("name, units = %q, %q; want t2m, K (NC_STRING)", fd.Name, fd.Units)
	}
	holes := 0
	for i, got := range fd.Values {
		lat, lon := fd.Grid.Centre(i)
		r, c := int(math.Round(90-lat)), int(math.Round(math.Mod(lon+360, 360)))
		if isHole(r, c) {
			holes++
			if !math.IsNaN(float64(got)) {
				t.Fatalf("cell (%v, %v) = %v, want NaN (_FillValue)", lat, lon, got)
			}
			continue
		}
		// Half a packing step, plus float32 rounding near 300.
		if want := truth(lat, lon, 1); math.Abs(float64(got)-want) > packScale/2+1e-4 {
			t.Fatalf("cell (%v, %v) = %v, want %v ± %v", lat, lon, got, want, packScale/2)
		}
	}
	if holes == 0 {
		t.Fatal("no fill cells checked")
	}
	if s, ok := f.Attr("", "Conventions"); !ok || s != "CF-1.7" {
		t.Errorf("global NC_STRING Conventions = %q, %v; want CF-1.7", s, ok)
	}
	if s, ok := f.Attr("", "institution"); !ok || s != "ECMWF" {
		t.Errorf("global NC_CHAR institution = %q, %v; want ECMWF", s, ok)
	}
	if name, err := f.Find("air_temperature"); err != nil || name != "t2m" {
		t.Errorf("Find(air_temperature) = %q, %v; want t2m", name, err)
	}
	vars := f.Variables()
	if len(vars) != 4 || vars[3].Name != "t2m" || vars[3].Type != "SHORT" || vars[3].StandardName != "air_temperature" ||
		strings.Join(vars[3].Dims, ",") != "valid_time,latitude,longitude" || vars[3].Shape[2] != 360 {
		t.Errorf("Variables()[3] = %+v", vars[len(vars)-1])
	}
}

func TestMonthAbsent(t *testing.T) {
	path := era5Like(months2023(3)).write(t, "era5.nc")
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	late := grid.Month{Year: 2023, Month: 4}
	_, err = f.Read("t2m", late)
	var se *ingest.SourceError
	if !errors.Is(err, ingest.ErrMissing) || !errors.As(err, &se) || se.Path != path || se.Variable != "t2m" || se.Month != late {
		t.Errorf("Read after the axis ends: error = %v, want a SourceError for %s t2m 2023-04 wrapping ErrMissing", err, path)
	}
	_, err = f.Read("t2m", grid.Month{Year: 2022, Month: 12})
	if err == nil || errors.Is(err, ingest.ErrMissing) || !strings.Contains(err.Error(), "2023-01 .. 2023-03") {
		t.Errorf("Read before the axis starts: error = %v, want a plain error naming the range", err)
	}
	gap := era5Like([]grid.Month{{Year: 2023, Month: 1}, {Year: 2023, Month: 3}})
	g, err := Open(gap.write(t, "gap.nc"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := g.Read("t2m", grid.Month{Year: 2023, Month: 2}); err == nil || errors.Is(err, ingest.ErrMissing) {
		t.Errorf("Read of a month in a gap: error = %v, want a plain error", err)
	}
}

// sstFixture is a netCDF-3 file: latitudes south to north,
// longitudes -180..179, float with a double missing_value (rounded to
// float32 on comparison) and a valid_range, monthly means stamped
// mid-month in "days since 1800-01-01 00:00:00" (standard calendar).
func sstFixture() fixture {
	lat, lon := axis(-89, 2, 90), axis(-180, 2, 180)
	times := dayAxis(2022, 12, 15)
	const missing = 1e20
	var data []float32
	for k := range times {
		for r, y := range lat {
			for c, x := range lon {
				v := sstTruth(y, x, k)
				switch {
				case isHole(r, c):
					v = float32(missing)
				case r == 45 && c == 7:
					v = 45 // outside valid_range
				}
				data = append(data, v)
			}
		}
	}
	return fixture{
		dims: []dim{{"time", len(times)}, {"lat", 90}, {"lon", 180}},
		vars: append(latLon("lat", "lon", lat, lon),
			fvar{name: "time", typ: netcdf.DOUBLE, dims: []string{"time"}, data: times,
				attrs: []fattr{{"units", "days since 1800-01-01 00:00:00"}, {"calendar", "gregorian"}}},
			fvar{name: "analysed_sst", typ: netcdf.FLOAT, dims: []string{"time", "lat", "lon"}, data: data,
				attrs: []fattr{{"missing_value", []float64{missing}}, {"valid_range", []float32{-2, 40}},
					{"units", "degC"}, {"standard_name", "sea_surface_temperature"}}}),
	}
}

// TestSouthFirstMissingValue reads sstFixture's July back.
func TestSouthFirstMissingValue(t *testing.T) {
	fx := sstFixture()
	f, err := Open(fx.write(t, "sst3.nc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd, err := f.Read("sea_surface_temperature", grid.Month{Year: 2022, Month: 7})
	if err != nil {
		t.Fatal(err)
	}
	wantGrid(t, "south-first", fd.Grid, grid.Grid{West: -181, North: 90, DLon: 2, DLat: 2, NLon: 180, NLat: 90})
	for i, got := range fd.Values {
		y, x := fd.Grid.Centre(i)
		r, c := int(math.Round((y+89)/2)), int(math.Round((x+180)/2))
		want := float64(sstTruth(y, x, 6))
		if isHole(r, c) || (r == 45 && c == 7) {
			want = math.NaN()
		}
		if !(float64(got) == want || math.IsNaN(want) && math.IsNaN(float64(got))) {
			t.Fatalf("cell (%v, %v) = %v, want %v", y, x, got, want)
		}
	}
}

// sstTruth maps truth into the valid range -2..40 °C.
func sstTruth(lat, lon float64, step int) float32 { return float32((truth(lat, lon, step)-280)/2 + 15) }

// dayAxis returns day day of n months from January of year in days since
// 1800-01-01, computed with the standard library (proleptic Gregorian).
func dayAxis(year, n, day int) []float64 {
	epoch := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []float64
	for k := 0; k < n; k++ {
		at := time.Date(year, time.Month(k+1), day, 0, 0, 0, 0, time.UTC)
		out = append(out, at.Sub(epoch).Hours()/24)
	}
	return out
}

// TestExpver: old-CDS ERA5 with ERA5 (expver 1) for the first two months
// and ERA5T (expver 5) for the third; each cell takes the version with a
// value.
func TestExpver(t *testing.T) {
	lat, lon := axis(10, -10, 3), axis(0, 90, 4)
	var data []int16
	for k := 0; k < 3; k++ {
		for e := 0; e < 2; e++ {
			for r := range lat {
				for c := range lon {
					v := int16(packFill)
					if (e == 0) == (k < 2) {
						v = int16(1000*k + 100*e + 4*r + c)
					}
					data = append(data, v)
				}
			}
		}
	}
	fx := fixture{
		dims: []dim{{"time", 3}, {"expver", 2}, {"latitude", 3}, {"longitude", 4}},
		vars: append(latLon("latitude", "longitude", lat, lon),
			fvar{name: "time", typ: netcdf.INT, dims: []string{"time"}, data: []int32{1078800, 1079544, 1080216},
				attrs: []fattr{{"units", "hours since 1900-01-01 00:00:00.0"}, {"calendar", "gregorian"}}},
			fvar{name: "expver", typ: netcdf.INT, dims: []string{"expver"}, data: []int32{1, 5}},
			fvar{name: "sst", typ: netcdf.SHORT, dims: []string{"time", "expver", "latitude", "longitude"}, data: data,
				attrs: []fattr{{"_FillValue", []int16{packFill}}, {"scale_factor", []float32{1}}}}),
	}
	f, err := Open(fx.write(t, "expver.nc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// 1078800 h after 1900-01-01 is 2023-01-24 (44950 days); 1079544 is
	// 31 days later (2023-02-24), 1080216 another 28 (2023-03-24).
	for k, want0 := range []float32{0, 1000, 2100} {
		m := grid.Month{Year: 2023, Month: time.Month(k + 1)}
		fd, err := f.Read("sst", m)
		if err != nil {
			t.Fatal(err)
		}
		// Native column 2 (180°E) comes first after the roll.
		if got := fd.Values[0]; got != want0+2 {
			t.Errorf("%v: first cell = %v, want %v", m, got, want0+2)
		}
	}
}

// TestMeanOfSteps: six hourly steps in March and two in April; March is
// their mean, cells missing in some steps average the rest.
func TestMeanOfSteps(t *testing.T) {
	lat, lon := axis(50, -1, 2), axis(-10, 1, 3)
	hours := []float64{0, 1, 2, 3, 4, 743, 744, 745} // hours since 2019-03-01; 744 h = 31 days
	var data []float32
	for k := range hours {
		for i := 0; i < 6; i++ {
			v := float32(10*k + i)
			if i == 5 && k%2 == 0 {
				v = float32(math.NaN()) // _FillValue NaN
			}
			data = append(data, v)
		}
	}
	fx := fixture{
		netcdf4: true,
		dims:    []dim{{"time", len(hours)}, {"lat", 2}, {"lon", 3}},
		vars: append(latLon("lat", "lon", lat, lon),
			fvar{name: "time", typ: netcdf.DOUBLE, dims: []string{"time"}, data: hours,
				attrs: []fattr{{"units", "hours since 2019-03-01T00:00:00Z"}}},
			fvar{name: "t", typ: netcdf.FLOAT, dims: []string{"time", "lat", "lon"}, data: data,
				attrs: []fattr{{"_FillValue", []float32{float32(math.NaN())}}}}),
	}
	f, err := Open(fx.write(t, "hourly.nc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd, err := f.Read("t", grid.Month{Year: 2019, Month: 3})
	if err != nil {
		t.Fatal(err)
	}
	// Cell 0: mean of 0, 10, ..., 50 = 25. Cell 5: steps 1, 3, 5 only = (15+35+55)/3 = 35.
	if fd.Values[0] != 25 || fd.Values[5] != 35 {
		t.Errorf("March means = %v (cell 0), %v (cell 5); want 25, 35", fd.Values[0], fd.Values[5])
	}
	fd, err = f.Read("t", grid.Month{Year: 2019, Month: 4})
	if err != nil || fd.Values[0] != 65 {
		t.Errorf("April mean = %v, %v; want 65", fd, err)
	}
}

// TestTimeBounds: monthly means stamped at the end of their month, with
// time_bnds; the month is that of the bounds' midpoint.
func TestTimeBounds(t *testing.T) {
	lat, lon := axis(1, -2, 2), axis(0, 180, 2)
	// days since 2000-01-01 (noleap): Feb 2001 = days 396..424, stamped 424.
	fx := fixture{
		dims: []dim{{"time", 2}, {"nv", 2}, {"lat", 2}, {"lon", 2}},
		vars: append(latLon("lat", "lon", lat, lon),
			fvar{name: "time", typ: netcdf.DOUBLE, dims: []string{"time"}, data: []float64{396, 424},
				attrs: []fattr{{"units", "days since 2000-01-01"}, {"calendar", "noleap"}, {"bounds", "time_bnds"}}},
			fvar{name: "time_bnds", typ: netcdf.DOUBLE, dims: []string{"time", "nv"}, data: []float64{365, 396, 396, 424}},
			fvar{name: "nbp", typ: netcdf.FLOAT, dims: []string{"time", "lat", "lon"}, data: []float32{1, 1, 1, 1, 2, 2, 2, 2},
				attrs: []fattr{{"units", "kg m-2 s-1"}}}),
	}
	f, err := Open(fx.write(t, "bnds.nc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for m, want := range map[grid.Month]float32{{Year: 2001, Month: 1}: 1, {Year: 2001, Month: 2}: 2} {
		fd, err := f.Read("nbp", m)
		if err != nil || fd.Values[0] != want {
			t.Errorf("Read(nbp, %v) = %v, %v; want %v", m, fd, err, want)
		}
	}
}

// smallFixture is a static 3×4 field of one variable, with the given
// type, data and attributes, and a depth axis of two levels.
func smallFixture(typ netcdf.Type, data any, attrs ...fattr) fixture {
	return fixture{
		netcdf4: true,
		dims:    []dim{{"depth", 2}, {"lat", 3}, {"lon", 4}},
		vars: append(latLon("lat", "lon", axis(10, -10, 3), axis(-135, 90, 4)),
			fvar{name: "depth", typ: netcdf.FLOAT, dims: []string{"depth"}, data: []float32{0, 50}, attrs: []fattr{{"units", "m"}}},
			fvar{name: "x", typ: typ, dims: []string{"depth", "lat", "lon"}, data: data, attrs: attrs}),
	}
}

func TestTypes(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name  string
		typ   netcdf.Type
		data  any
		attrs []fattr
		want  []float64 // first level, first 4 cells
	}{
		{"ubyte NDVI-like", netcdf.UBYTE, seq[uint8](250, 24),
			[]fattr{{"scale_factor", []float32{0.004}}, {"add_offset", []float32{-0.08}}, {"_FillValue", []uint8{251}}},
			[]float64{250*0.004 - 0.08, nan, 252*0.004 - 0.08, 253*0.004 - 0.08}},
		{"byte _Unsigned", netcdf.BYTE, []int8{-56, -1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
			[]fattr{{"_Unsigned", "true"}, {"_FillValue", []int8{-1}}},
			[]float64{200, nan, 3, 4}},
		{"byte valid_min/max", netcdf.BYTE, seq[int8](-2, 24),
			[]fattr{{"valid_min", []int8{-1}}, {"valid_max", []int8{0}}},
			[]float64{nan, -1, 0, nan}},
		{"int32 packed, offset only", netcdf.INT, seq[int32](100000, 24),
			[]fattr{{"add_offset", []float64{-100000}}},
			[]float64{0, 1, 2, 3}},
		{"short packed, valid_range unpacked", netcdf.SHORT, seq[int16](0, 24),
			[]fattr{{"scale_factor", []float32{0.5}}, {"valid_range", []float32{0.5, 1}}},
			[]float64{nan, 0.5, 1, nan}},
		{"double with missing_value vector", netcdf.DOUBLE, seq[float64](1.5, 24),
			[]fattr{{"missing_value", []float64{2.5, 3.5}}},
			[]float64{1.5, nan, nan, 4.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Open(smallFixture(tt.typ, tt.data, tt.attrs...).write(t, "small.nc"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fd, err := f.Read("x", grid.Month{Year: 2020, Month: 1})
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range tt.want {
				got := float64(fd.Values[i])
				if !(math.Abs(got-want) < 1e-6 || math.IsNaN(want) && math.IsNaN(got)) {
					t.Errorf("cell %d = %v, want %v", i, got, want)
				}
			}
		})
	}
}

// seq returns n values first, first+1, ...
func seq[T int8 | uint8 | int16 | int32 | float64](first T, n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = first + T(i)
	}
	return out
}

func TestLevels(t *testing.T) {
	f, err := Open(smallFixture(netcdf.FLOAT, f32(axis(0, 1, 24))).write(t, "levels.nc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := grid.Month{Year: 2020, Month: 1}
	for _, tt := range []struct {
		opt  []ReadOption
		want float32
	}{{nil, 0}, {[]ReadOption{Level(1)}, 12}, {[]ReadOption{LevelValue(50)}, 12}, {[]ReadOption{LevelValue(0)}, 0}} {
		fd, err := f.Read("x", m, tt.opt...)
		if err != nil || fd.Values[0] != tt.want {
			t.Errorf("Read with %d options: first value %v, %v; want %v", len(tt.opt), fd, err, tt.want)
		}
	}
	for _, opt := range []ReadOption{Level(2), Level(-1), LevelValue(25)} {
		if _, err := f.Read("x", m, opt); err == nil || !strings.Contains(err.Error(), `"depth"`) {
			t.Errorf("Read with a bad level: error = %v, want one naming dimension depth", err)
		}
	}
}

// TestConcurrentReads reads from several goroutines at once; with -race
// this also checks the locking.
func TestConcurrentReads(t *testing.T) {
	path := era5Like(months2023(2)).write(t, "era5.nc")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := Open(path)
			if err != nil {
				errs <- err
				return
			}
			defer f.Close()
			for k := 0; k < 2; k++ {
				if _, err := f.Read("t2m", grid.Month{Year: 2023, Month: time.Month(k + 1)}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
