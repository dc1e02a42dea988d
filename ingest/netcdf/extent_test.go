package netcdf

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/realdata"

	"github.com/fhs/go-netcdf/netcdf"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// recordCDL has an unlimited time dimension with three records of two
// record variables, which interleave in a classic file. go-netcdf cannot
// append records, so ncgen (netcdf-bin) writes it.
const recordCDL = `netcdf rec {
dimensions:
	time = UNLIMITED ;
	lat = 2 ;
	lon = 3 ;
variables:
	double time(time) ;
		time:units = "days since 2000-01-01" ;
		time:calendar = "360_day" ;
	float lat(lat) ;
		lat:units = "degrees_north" ;
	float lon(lon) ;
		lon:units = "degrees_east" ;
	short t(time, lat, lon) ;
		t:scale_factor = 0.5f ;
data:
	time = 0, 30, 60 ;
	lat = -45, 45 ;
	lon = 0, 120, 240 ;
	t = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18 ;
}
`

// ncgen writes a classic (CDF-1) file from cdl, skipping without ncgen.
func ncgen(t *testing.T, cdl string) string {
	t.Helper()
	bin, err := exec.LookPath("ncgen")
	if err != nil {
		t.Skip("ncgen (netcdf-bin) not installed")
	}
	dir := t.TempDir()
	src, out := filepath.Join(dir, "in.cdl"), filepath.Join(dir, "rec.nc")
	if err := os.WriteFile(src, []byte(cdl), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(bin, "-k", "classic", "-o", out, src).CombinedOutput(); err != nil {
		t.Fatalf("ncgen: %v: %s", err, b)
	}
	return out
}

func extentOf(t *testing.T, path string) (extent, size int64) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	st, _ := fh.Stat()
	extent, err = (&header{r: bufio.NewReader(fh)}).extent()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return extent, st.Size()
}

// TestClassicExtent: for classic files written by libnetcdf the extent
// the header describes is the file size, to within the 4-byte padding of
// the last variable.
func TestClassicExtent(t *testing.T) {
	cases := map[string]func(t *testing.T) string{
		"records (ncgen)": func(t *testing.T) string { return ncgen(t, recordCDL) },
		"fixed (go-netcdf)": func(t *testing.T) string {
			fx := smallFixture(netcdf.SHORT, seq[int16](0, 24))
			fx.netcdf4 = false
			return fx.write(t, "small.nc")
		},
		"eraint_uvz.nc (64-bit offset)": func(t *testing.T) string { return realdata.Path(t, "gridded", "eraint_uvz.nc") },
	}
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			extent, size := extentOf(t, path(t))
			if extent > size || extent < size-3 {
				t.Errorf("extent %d, file has %d bytes", extent, size)
			}
		})
	}
}

// TestRecordFile reads the last record of a classic record file, then
// checks that losing its last bytes is reported instead of read as zeros.
func TestRecordFile(t *testing.T) {
	path := ncgen(t, recordCDL)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	// 360_day: day 60 is 2000-03-01, the third record, raw 13..18 × 0.5.
	// Latitudes run south to north, so the first row out is the last row
	// in; the global 120° columns start from the 240°E one (-120°, cell
	// -180..-60).
	fd, err := f.Read("t", grid.Month{Year: 2000, Month: 3})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	wantGrid(t, "record", fd.Grid, grid.Grid{West: -180, North: 90, DLon: 120, DLat: 90, NLon: 3, NLat: 2})
	want := []float32{9, 8, 8.5, 7.5, 6.5, 7}
	for i := range want {
		if fd.Values[i] != want[i] {
			t.Fatalf("values = %v, want %v", fd.Values, want)
		}
	}
	b, _ := os.ReadFile(path)
	cut := filepath.Join(t.TempDir(), "cut.nc")
	if err := os.WriteFile(cut, b[:len(b)-4], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(cut); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("Open of a record file missing 4 bytes: error = %v, want one saying truncated", err)
	}
}
