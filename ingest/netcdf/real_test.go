package netcdf

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/realdata"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func openReal(t *testing.T, name string) *File {
	t.Helper()
	f, err := Open(realdata.Path(t, "gridded", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func wantGrid(t *testing.T, what string, got, want grid.Grid) {
	t.Helper()
	if got != want {
		t.Errorf("%s grid = %+v, want %+v", what, got, want)
	}
}

// eraint_uvz.nc: ERA-Interim climatology, int16 packed, months 1 and 7,
// levels 200/500/850 hPa, latitude 90 .. -90 and longitude -180 .. 179.25
// by 0.75° (read from `ncdump -v latitude,longitude,level,month`: the
// longitudes are NOT 0..360 in this file).
//
// Expected values: raw shorts from `ncdump -v z,u eraint_uvz.nc`, element
// [month][level][lat][lon] at flat offset ((month*3+level)*241+lat)*480+lon
// of the listing, unpacked by hand as raw*scale_factor + add_offset with
// z: scale -1.7250274674968, offset 66825.5; u: scale -0.00157270493804553,
// offset 26.96875.
func TestRealERAInterim(t *testing.T) {
	f := openReal(t, "eraint_uvz.nc")
	tests := []struct {
		v              string
		month          int
		level          float64 // hPa
		row, col       int     // native indices = our indices (north-first, -180 first)
		raw            int
		scale, offset  float64
		wantApproxDesc string
	}{
		{"z", 1, 500, 0, 0, 9914, -1.7250274674968, 66825.5, "North Pole 500 hPa in January, ~5070 gpm"},
		{"z", 1, 500, 120, 240, 5444, -1.7250274674968, 66825.5, "0°N 0°E 500 hPa, ~5860 gpm"},
		{"z", 7, 850, 60, 253, 30085, -1.7250274674968, 66825.5, "45°N 9.75°E 850 hPa in July"},
		{"z", 1, 200, 200, 100, -26160, -1.7250274674968, 66825.5, "60°S 105°W 200 hPa"},
		{"u", 1, 500, 120, 240, 21053, -0.00157270493804553, 26.96875, "equatorial easterly"},
		{"eastward_wind", 1, 200, 200, 100, 6895, -0.00157270493804553, 26.96875, "by standard_name"},
	}
	for _, tt := range tests {
		fd, err := f.Read(tt.v, grid.Month{Year: 1990, Month: time.Month(tt.month)}, LevelValue(tt.level))
		if err != nil {
			t.Fatalf("Read(%s, month %d, %g hPa): %v", tt.v, tt.month, tt.level, err)
		}
		want := float32(float64(tt.raw)*tt.scale + tt.offset)
		if got := fd.Values[tt.row*480+tt.col]; got != want {
			t.Errorf("%s month %d %g hPa [%d,%d] (%s) = %v, want %v", tt.v, tt.month, tt.level, tt.row, tt.col, tt.wantApproxDesc, got, want)
		}
	}
	fd, err := f.Read("z", grid.Month{Year: 2000, Month: 7}, Level(2))
	if err != nil {
		t.Fatal(err)
	}
	// Cell centres on ±90 and -180, 179.25: edges half a cell beyond.
	wantGrid(t, "eraint", fd.Grid, grid.Grid{West: -180.375, North: 90.375, DLon: 0.75, DLat: 0.75, NLon: 480, NLat: 241})
	if fd.Units != "m**2 s**-2" || fd.Name != "z" {
		t.Errorf("name, units = %q, %q; want z, m**2 s**-2", fd.Name, fd.Units)
	}
	for i, v := range fd.Values {
		if !(v > 0 && v < 20000) { // 850 hPa geopotential: ~1500 gpm, well under 2000 gpm
			t.Fatalf("z 850 hPa July cell %d = %v, out of 0..20000 m2 s-2", i, v)
		}
	}
	if _, err := f.Read("z", grid.Month{Year: 2000, Month: 3}); err == nil || !strings.Contains(err.Error(), "no month 3") {
		t.Errorf("Read(z, March) of a Jan/Jul climatology: error = %v, want one naming month 3", err)
	}
}

// sst.mnmean.nc: ERSST v5, float with missing_value -9.96921e36, lat 88 ..
// -88 and lon 0 .. 358 by 2°, "days since 1800-01-01", 2010-01 .. 2020-08.
// Expected values from `ncdump -v sst sst.mnmean.nc`: time index 71 is
// 2015-12 (time = 78861, see cftime's test), lat index i is 88-2i, lon
// index j is 2j °E; sst[71][44][105] (0°N 210°E) = 29.45942,
// sst[71][44][110] (0°N 220°E) = 28.98528, sst[71][34][5] (20°N 10°E) =
// -9.96921e+36 (Sahara), sst[71][75][0] (62°S 0°E) = -0.962791. The mean of
// the 5 × 26 = 130 values with centres in 4°S..4°N, 190..240°E (the Niño-3.4
// box) is 29.2521 (summed with a short script over the same listing).
func TestRealERSST(t *testing.T) {
	f := openReal(t, "sst.mnmean.nc")
	fd, err := f.Read("sst", grid.Month{Year: 2015, Month: 12})
	if err != nil {
		t.Fatal(err)
	}
	// 0..358 rolled so that the 180°E centre comes first as -180.
	wantGrid(t, "ersst", fd.Grid, grid.Grid{West: -181, North: 89, DLon: 2, DLat: 2, NLon: 180, NLat: 89})
	points := []struct {
		lat, lon float64
		want     float64 // NaN = land
	}{{0, -150, 29.45942}, {0, -140, 28.98528}, {20, 10, math.NaN()}, {-62, 0, -0.962791}}
	for _, p := range points {
		i, ok := fd.Grid.Locate(p.lat, p.lon)
		if !ok {
			t.Fatalf("Locate(%v, %v) failed", p.lat, p.lon)
		}
		got := float64(fd.Values[i])
		if math.IsNaN(p.want) != math.IsNaN(got) || math.Abs(got-p.want) > 1e-5 { // ncdump prints 7 digits
			if !(math.IsNaN(p.want) && math.IsNaN(got)) {
				t.Errorf("sst 2015-12 at (%v, %v) = %v, want %v", p.lat, p.lon, got, p.want)
			}
		}
	}
	var sum float64
	var n int
	for i, v := range fd.Values {
		lat, lon := fd.Grid.Centre(i)
		if lat >= -5 && lat <= 5 && lon >= -170 && lon <= -120 {
			sum += float64(v)
			n++
		}
	}
	if mean := sum / float64(n); n != 130 || math.Abs(mean-29.2521) > 1e-3 {
		t.Errorf("Niño-3.4 mean 2015-12 = %.4f over %d cells, want 29.2521 over 130 (strong El Niño)", mean, n)
	}
	ms, err := f.Months("sst")
	if err != nil || len(ms) != 128 || ms[0] != (grid.Month{Year: 2010, Month: 1}) || ms[127] != (grid.Month{Year: 2020, Month: 8}) {
		t.Errorf("Months = %d months %v .. %v, %v; want 128, 2010-01 .. 2020-08", len(ms), first(ms), last(ms), err)
	}
}

func first(ms []grid.Month) grid.Month {
	if len(ms) == 0 {
		return grid.Month{}
	}
	return ms[0]
}

func last(ms []grid.Month) grid.Month {
	if len(ms) == 0 {
		return grid.Month{}
	}
	return ms[len(ms)-1]
}

// basin_mask.nc: byte codes 1..58 with missing_value -100b, 1° grid, Y
// running -89.5 .. 89.5 (south first) and X 0.5 .. 359.5, depth Z first.
// The codes at the surface were read with `ncdump -v basin basin_mask.nc`:
// basin[0][Y=89 (0.5°N)][X=210 (210.5°E)] = 2 (Pacific Ocean, the second
// CLIST name), basin[0][119 (29.5°N)][320 (320.5°E)] = 1 (Atlantic Ocean),
// basin[0][109][10] (19.5°N 10.5°E, Sahara) = -100 (missing_value).
func TestRealBasinMask(t *testing.T) {
	f := openReal(t, "basin_mask.nc")
	fd, err := f.Read("basin", grid.Month{Year: 2023, Month: 12}) // static: any month
	if err != nil {
		t.Fatal(err)
	}
	wantGrid(t, "basin", fd.Grid, grid.Global(1))
	for _, p := range []struct {
		lat, lon float64
		want     float32
	}{{0.5, -149.5, 2}, {29.5, -39.5, 1}} {
		i, _ := fd.Grid.Locate(p.lat, p.lon)
		if fd.Values[i] != p.want {
			t.Errorf("basin at (%v, %v) = %v, want %v", p.lat, p.lon, fd.Values[i], p.want)
		}
	}
	i, _ := fd.Grid.Locate(19.5, 10.5)
	if !math.IsNaN(float64(fd.Values[i])) {
		t.Errorf("basin over the Sahara = %v, want NaN (missing_value)", fd.Values[i])
	}
	for i, v := range fd.Values {
		if v == v && (v < 1 || v > 58 || v != float32(math.Round(float64(v)))) {
			t.Fatalf("cell %d code %v, want an integer 1..58", i, v)
		}
	}
	clist, ok := f.Attr("basin", "CLIST")
	names := strings.Split(clist, "\n")
	if !ok || len(names) != 58 || names[0] != "Atlantic Ocean" || strings.TrimSpace(names[1]) != "Pacific Ocean" {
		t.Errorf("CLIST = %d names starting %q; want 58 starting Atlantic Ocean, Pacific Ocean", len(names), names[:min(2, len(names))])
	}
	// A deeper level: Z = 1000 m has fewer ocean cells than the surface.
	deep, err := f.Read("basin", grid.Month{}, LevelValue(1000))
	if err != nil {
		t.Fatal(err)
	}
	if cs, cd := fd.Coverage(nil), deep.Coverage(nil); !(cd < cs && cd > 0.3) {
		t.Errorf("ocean fraction at 1000 m = %.3f, surface %.3f; want less but over 0.3", cd, cs)
	}
}
