package netcdf

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhs/go-netcdf/netcdf"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

var jan2020 = grid.Month{Year: 2020, Month: 1}

// TestMalformed: bad files give a SourceError naming the file, the
// variable and the month, and saying what is wrong; never a panic.
func TestMalformed(t *testing.T) {
	small := func(attrs ...fattr) fixture { return smallFixture(netcdf.SHORT, seq[int16](0, 24), attrs...) }
	withLat := func(lat []float64) fixture {
		fx := small()
		fx.vars[0].data = f32(lat)
		return fx
	}
	tests := []struct {
		name    string
		fx      fixture
		varName string
		mention string
	}{
		{"scale_factor text", small(fattr{"scale_factor", "0.01"}), "x", "scale_factor has type CHAR"},
		{"scale_factor int", small(fattr{"scale_factor", []int16{2}}), "x", "scale_factor has type SHORT"},
		{"scale_factor two values", small(fattr{"scale_factor", []float32{1, 2}}), "x", "scale_factor has 2 values"},
		{"scale_factor zero", small(fattr{"scale_factor", []float32{0}}), "x", "cannot unpack"},
		{"add_offset string", small(fattr{"add_offset", ncString{"1"}}), "x", "add_offset has type STRING"},
		{"missing_value text", small(fattr{"missing_value", "-999"}), "x", "missing_value has type CHAR"},
		{"valid_range one value", small(fattr{"valid_range", []int16{1}}), "x", "valid_range must be 2"},
		{"lat not monotonic", withLat([]float64{10, -10, 0}), "x", "not monotonic"},
		{"lat irregular", withLat([]float64{10, 0, -12}), "x", "irregular spacing"},
		{"lat out of range", withLat([]float64{120, 110, 100}), "x", "out of range"},
		{"no such variable", small(), "sst", "no variable with this name or standard_name (have lat, lon, depth, x)"},
		{"char variable", charVar(), "x", "not numeric"},
		{"no coordinate variable", noCoord(), "x", `dimension "lat" has no coordinate variable`},
		{"lon before lat", transposed(), "x", "longitude before latitude"},
		{"no lat-lon dims", oneDim(), "x", "do not end in (latitude, longitude)"},
		{"bad time units", badTime("fortnights since 2000-01-01", ""), "x", `"fortnights" not understood`},
		{"bad calendar", badTime("days since 2000-01-01", "lunar"), "x", `calendar "lunar" not supported`},
		{"time without coordinate", timeNoCoord(), "x", `time dimension "time" has no coordinate variable`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.fx.write(t, "bad.nc")
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, err = f.Read(tt.varName, jan2020)
			checkSourceError(t, err, path, tt.varName, tt.mention)
		})
	}
}

func checkSourceError(t *testing.T, err error, path, varName, mention string) {
	t.Helper()
	var se *ingest.SourceError
	if !errors.As(err, &se) {
		t.Fatalf("error = %v, want a SourceError", err)
	}
	if se.Path != path || se.Variable != varName || !strings.Contains(err.Error(), mention) {
		t.Errorf("error = %q (path %q, variable %q), want path %s, variable %s, mentioning %q",
			err, se.Path, se.Variable, path, varName, mention)
	}
	if varName != "" && se.Month != jan2020 && !strings.Contains(mention, "no variable") {
		t.Errorf("error month = %v, want %v", se.Month, jan2020)
	}
}

func charVar() fixture {
	return fixture{
		dims: []dim{{"lat", 2}, {"lon", 2}},
		vars: append(latLon("lat", "lon", axis(1, -2, 2), axis(0, 2, 2)),
			fvar{name: "x", typ: netcdf.CHAR, dims: []string{"lat", "lon"}, data: []uint8("abcd")}),
	}
}

func noCoord() fixture {
	return fixture{
		dims: []dim{{"lat", 2}, {"lon", 2}},
		vars: []fvar{
			{name: "lon", typ: netcdf.FLOAT, dims: []string{"lon"}, data: []float32{0, 2}, attrs: []fattr{{"units", "degrees_east"}}},
			{name: "x", typ: netcdf.FLOAT, dims: []string{"lat", "lon"}, data: []float32{1, 2, 3, 4}},
		},
	}
}

func transposed() fixture {
	return fixture{
		dims: []dim{{"lat", 2}, {"lon", 2}},
		vars: append(latLon("lat", "lon", axis(1, -2, 2), axis(0, 2, 2)),
			fvar{name: "x", typ: netcdf.FLOAT, dims: []string{"lon", "lat"}, data: []float32{1, 2, 3, 4}}),
	}
}

func oneDim() fixture {
	return fixture{
		dims: []dim{{"station", 4}},
		vars: []fvar{{name: "x", typ: netcdf.FLOAT, dims: []string{"station"}, data: []float32{1, 2, 3, 4}}},
	}
}

func badTime(units, calendar string) fixture {
	fx := fixture{
		dims: []dim{{"time", 1}, {"lat", 2}, {"lon", 2}},
		vars: append(latLon("lat", "lon", axis(1, -2, 2), axis(0, 2, 2)),
			fvar{name: "time", typ: netcdf.DOUBLE, dims: []string{"time"}, data: []float64{0},
				attrs: []fattr{{"units", units}}},
			fvar{name: "x", typ: netcdf.FLOAT, dims: []string{"time", "lat", "lon"}, data: []float32{1, 2, 3, 4}}),
	}
	if calendar != "" {
		fx.vars[2].attrs = append(fx.vars[2].attrs, fattr{"calendar", calendar})
	}
	return fx
}

func timeNoCoord() fixture {
	return fixture{
		dims: []dim{{"time", 1}, {"lat", 2}, {"lon", 2}},
		vars: append(latLon("lat", "lon", axis(1, -2, 2), axis(0, 2, 2)),
			fvar{name: "x", typ: netcdf.FLOAT, dims: []string{"time", "lat", "lon"}, data: []float32{1, 2, 3, 4}}),
	}
}

// TestTruncated cuts valid files short. netCDF-4 (HDF5) files fail to open;
// a classic file with an intact header opens and its data reads fail.
// Either way the error names the file and says what happened.
func TestTruncated(t *testing.T) {
	for _, nc4 := range []bool{false, true} {
		fx, name, month := sstFixture(), "analysed_sst", grid.Month{Year: 2022, Month: 12} // netCDF-3
		if nc4 {
			fx, name, month = era5Like(months2023(2)), "t2m", grid.Month{Year: 2023, Month: 2}
		}
		path := fx.write(t, "full.nc")
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, keep := range []int64{st.Size() / 2, 2000, 10} {
			cut := filepath.Join(t.TempDir(), "cut.nc")
			b, _ := os.ReadFile(path)
			if err := os.WriteFile(cut, b[:keep], 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Open(cut)
			if err == nil {
				_, err = f.Read(name, month)
				f.Close()
			}
			if err == nil || !strings.Contains(err.Error(), cut) {
				t.Errorf("netCDF-4 %v, %d of %d bytes: error = %v, want one naming %s", nc4, keep, st.Size(), err, cut)
			}
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.nc")
	if err := os.WriteFile(text, []byte("this is not netCDF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{text, filepath.Join(dir, "absent.nc")} {
		_, err := Open(path)
		var se *ingest.SourceError
		if !errors.As(err, &se) || se.Path != path {
			t.Errorf("Open(%s) error = %v, want a SourceError naming the file", path, err)
		}
	}
}

func TestClosed(t *testing.T) {
	f, err := Open(smallFixture(netcdf.FLOAT, f32(axis(0, 1, 24))).write(t, "x.nc"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := f.Read("x", jan2020); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Read after Close: error = %v, want one saying the file is closed", err)
	}
}
