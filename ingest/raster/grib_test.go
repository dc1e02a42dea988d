package raster

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/realdata"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

var march2019 = grid.Month{Year: 2019, Month: 3}

// TestRealGRIB: ERA5 hourly 2 m temperature over the UK, March 2019, 744
// messages, 0.25° on 49 × 33 points from 10°W and 58°N.
//
// Expected monthly means per pixel come from GDAL's command-line tool,
// independently of this package:
//
//	gdallocationinfo -valonly --config GRIB_NORMALIZE_UNITS NO \
//	    era5-2mt-2019-03-uk.grib X Y | grep -E '^[0-9.]+$' | awk '{s+=$1;n++} END {print n, s/n}'
//
// which prints 744 values for each pixel: (X 0, Y 0) 280.907950,
// (24, 16) 280.954324, (48, 32) 281.930141 K.
func TestRealGRIB(t *testing.T) {
	path := realdata.Path(t, "gridded", "era5-2mt-2019-03-uk.grib")
	f, err := ReadGRIB(path, "2t", march2019)
	if err != nil {
		t.Fatal(err)
	}
	want := grid.Grid{West: -10.125, North: 58.125, DLon: 0.25, DLat: 0.25, NLon: 49, NLat: 33}
	if f.Grid != want {
		t.Errorf("grid = %+v, want %+v", f.Grid, want)
	}
	if f.Units != "K" {
		t.Errorf("units = %q, want K (GRIB_NORMALIZE_UNITS=NO keeps kelvin)", f.Units)
	}
	for _, p := range []struct {
		x, y int
		want float64
	}{{0, 0, 280.907950}, {24, 16, 280.954324}, {48, 32, 281.930141}} {
		// 1e-4 K: a float32 near 281 K carries ~3e-5.
		if got := float64(f.Values[p.y*49+p.x]); math.Abs(got-p.want) > 1e-4 {
			t.Errorf("mean at pixel (%d, %d) = %.6f, want %.6f", p.x, p.y, got, p.want)
		}
	}
	mean, _ := f.Grid.Mean(f.Values, nil)
	if mean < 275 || mean > 285 {
		t.Errorf("UK March 2019 mean 2 m temperature %.2f K, want 275..285", mean)
	}
	// The ERA5 netCDF name finds the same messages.
	g, err := ReadGRIB(path, "t2m", march2019)
	if err != nil || g.Values[0] != f.Values[0] {
		t.Errorf("ReadGRIB(t2m) = %v, %v; want the 2t values", g, err)
	}
}

func TestRealGRIBErrors(t *testing.T) {
	path := realdata.Path(t, "gridded", "era5-2mt-2019-03-uk.grib")
	_, err := ReadGRIB(path, "2t", grid.Month{Year: 2019, Month: 4})
	var se *ingest.SourceError
	if !errors.Is(err, ingest.ErrMissing) || !errors.As(err, &se) || se.Path != path || se.Variable != "2t" {
		t.Errorf("April: error = %v, want a SourceError wrapping ErrMissing", err)
	}
	_, err = ReadGRIB(path, "2t", grid.Month{Year: 2019, Month: 2})
	if err == nil || errors.Is(err, ingest.ErrMissing) {
		t.Errorf("February (before the file): error = %v, want a plain error", err)
	}
	_, err = ReadGRIB(path, "msl", march2019)
	if err == nil || !strings.Contains(err.Error(), "file has 2T") {
		t.Errorf("msl: error = %v, want one listing the file's element 2T", err)
	}
	msgs, err := Inventory(path)
	if err != nil || len(msgs) != 744 || msgs[743].ValidTime.Format("2006-01-02T15") != "2019-03-31T23" {
		t.Errorf("Inventory = %d messages, %v; want 744 ending 2019-03-31T23", len(msgs), err)
	}
}

func TestGRIBTruncated(t *testing.T) {
	b, err := os.ReadFile(realdata.Path(t, "gridded", "era5-2mt-2019-03-uk.grib"))
	if err != nil {
		t.Fatal(err)
	}
	for _, keep := range []int{len(b) / 2, 100, 0} {
		cut := filepath.Join(t.TempDir(), "cut.grib")
		if err := os.WriteFile(cut, b[:keep], 0o644); err != nil {
			t.Fatal(err)
		}
		// Half the file still holds whole messages, but only half the month.
		_, err := ReadGRIB(cut, "2t", march2019)
		if err == nil || !strings.Contains(err.Error(), cut) {
			t.Errorf("%d bytes: error = %v, want one naming %s", keep, err, cut)
		}
		t.Logf("%d bytes: %v", keep, err)
	}
}
