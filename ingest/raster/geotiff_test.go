package raster

import (
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/airbusgeo/godal"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/nclock"
)

const (
	tifScale  = 1e-4 // MODIS NDVI packing
	tifNodata = -3000
)

// tiff describes a one-band Int16 GeoTIFF written by the tests with godal.
type tiff struct {
	gt    [6]float64
	epsg  int // 0: no SRS
	w, h  int
	raw   func(x, y int) int16
	scale float64
}

func (tf tiff) write(t *testing.T) string {
	t.Helper()
	register()
	path := filepath.Join(t.TempDir(), "ndvi.tif")
	ds, err := godal.Create(godal.GTiff, path, 1, godal.Int16, tf.w, tf.h)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ds.SetGeoTransform(tf.gt))
	if tf.epsg != 0 {
		sr, err := godal.NewSpatialRefFromEPSG(tf.epsg)
		must(err)
		wkt, err := sr.WKT()
		must(err)
		sr.Close()
		must(ds.SetProjection(wkt))
	}
	b := ds.Bands()[0]
	must(b.SetNoData(tifNodata))
	if tf.scale != 0 {
		must(b.SetScaleOffset(tf.scale, 0))
	}
	buf := make([]int16, tf.w*tf.h)
	for y := 0; y < tf.h; y++ {
		for x := 0; x < tf.w; x++ {
			buf[y*tf.w+x] = tf.raw(x, y)
		}
	}
	must(b.Write(0, 0, buf, tf.w, tf.h))
	must(ds.Close())
	return path
}

// ndviRaw is an NDVI-like packed pattern with nodata on every 7th pixel.
func ndviRaw(x, y int) int16 {
	if (x+3*y)%7 == 0 {
		return tifNodata
	}
	return int16(100*x - 50*y)
}

func TestReadGeoTIFF(t *testing.T) {
	tests := []struct {
		name string
		tf   tiff
		want grid.Grid
		// native pixel (x, y) of output cell (row, col)
		pixel func(row, col int) (x, y int)
	}{
		{"EPSG:4326 north-up", tiff{gt: [6]float64{-180, 10, 0, 90, 0, -10}, epsg: 4326, w: 36, h: 18, raw: ndviRaw, scale: tifScale},
			grid.Global(10), func(r, c int) (int, int) { return c, r }},
		{"no SRS, 0..360", tiff{gt: [6]float64{0, 10, 0, 90, 0, -10}, w: 36, h: 18, raw: ndviRaw, scale: tifScale},
			grid.Global(10), func(r, c int) (int, int) { return (c + 18) % 36, r }},
		{"south-up", tiff{gt: [6]float64{-180, 10, 0, -90, 0, 10}, epsg: 4326, w: 36, h: 18, raw: ndviRaw, scale: tifScale},
			grid.Global(10), func(r, c int) (int, int) { return c, 17 - r }},
		{"regional, no scale", tiff{gt: [6]float64{-10.5, 0.5, 0, 60, 0, -0.5}, epsg: 4326, w: 4, h: 3, raw: ndviRaw},
			grid.Grid{West: -10.5, North: 60, DLon: 0.5, DLat: 0.5, NLon: 4, NLat: 3}, func(r, c int) (int, int) { return c, r }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ReadGeoTIFF(tt.tf.write(t), 1)
			if err != nil {
				t.Fatal(err)
			}
			if f.Grid != tt.want {
				t.Fatalf("grid = %+v, want %+v", f.Grid, tt.want)
			}
			scale := tt.tf.scale
			if scale == 0 {
				scale = 1
			}
			for i, got := range f.Values {
				x, y := tt.pixel(f.Grid.RowCol(i))
				raw := ndviRaw(x, y)
				want := float32(float64(raw) * scale)
				if raw == tifNodata {
					want = float32(math.NaN())
				}
				if !(got == want || want != want && got != got) {
					t.Fatalf("cell %d (pixel %d,%d) = %v, want %v", i, x, y, got, want)
				}
			}
		})
	}
}

// TestWarpProjected: a Web Mercator tile of constant NDVI 0.5 is warped to
// a 1° grid; cells inside the tile get 0.5, cells outside none.
func TestWarpProjected(t *testing.T) {
	// x 0 .. 1e6 m is 0 .. 8.98°E; y 5e6 .. 6e6 m is 40.9 .. 47.3°N.
	tf := tiff{gt: [6]float64{0, 10000, 0, 6e6, 0, -10000}, epsg: 3857, w: 100, h: 100, scale: tifScale,
		raw: func(x, y int) int16 {
			if x == 50 && y == 50 {
				return tifNodata
			}
			return 5000
		}}
	target := grid.Grid{West: -5, North: 60, DLon: 1, DLat: 1, NLon: 20, NLat: 25}
	f, err := ReadGeoTIFF(tf.write(t), 1, WarpTo(target))
	if err != nil {
		t.Fatal(err)
	}
	if f.Grid != target {
		t.Fatalf("grid = %+v, want %+v", f.Grid, target)
	}
	at := func(lat, lon float64) float32 {
		i, ok := target.Locate(lat, lon)
		if !ok {
			t.Fatalf("Locate(%v, %v)", lat, lon)
		}
		return f.Values[i]
	}
	for _, p := range [][2]float64{{44.5, 4.5}, {42.5, 0.5}, {46.5, 8.5}} {
		if got := at(p[0], p[1]); math.Abs(float64(got)-0.5) > 1e-6 {
			t.Errorf("inside the tile at %v: %v, want 0.5", p, got)
		}
	}
	for _, p := range [][2]float64{{55.5, 4.5}, {44.5, -3.5}, {38.5, 4.5}} {
		if got := at(p[0], p[1]); !math.IsNaN(float64(got)) {
			t.Errorf("outside the tile at %v: %v, want NaN", p, got)
		}
	}
}

func TestGeoTIFFErrors(t *testing.T) {
	good := tiff{gt: [6]float64{-180, 10, 0, 90, 0, -10}, epsg: 4326, w: 36, h: 18, raw: ndviRaw, scale: tifScale}.write(t)
	if _, err := ReadGeoTIFF(good, 2); err == nil || !strings.Contains(err.Error(), "has 1 band") {
		t.Errorf("band 2 of 1: error = %v", err)
	}
	b, _ := os.ReadFile(good)
	dir := t.TempDir()
	for name, content := range map[string][]byte{"cut.tif": b[:len(b)/2], "text.tif": []byte("not a tiff\n"), "empty.tif": nil} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadGeoTIFF(p, 1)
		var se *ingest.SourceError
		if err == nil || !errors.As(err, &se) || se.Path != p {
			t.Errorf("%s: error = %v, want a SourceError naming the file", name, err)
		}
	}
}

func TestComplete(t *testing.T) {
	feb := grid.Month{Year: 2023, Month: 2}
	msgs := func(step time.Duration, n int) []Message {
		var out []Message
		for i := 0; i < n; i++ {
			out = append(out, Message{Element: "2T", ValidTime: feb.Start().Add(time.Duration(i) * step)})
		}
		return out
	}
	tests := []struct {
		name string
		msgs []Message
		ok   bool
	}{
		{"monthly mean", msgs(time.Hour, 1), true},
		{"hourly, full", msgs(time.Hour, 28*24), true},
		{"hourly, last hour lost", msgs(time.Hour, 28*24-1), false},
		{"3-hourly, full", msgs(3*time.Hour, 28*8), true},
		{"daily, 20 days", msgs(24*time.Hour, 20), false},
	}
	for _, tt := range tests {
		_, err := selectMessages(tt.msgs, "t2m", feb)
		if (err == nil) != tt.ok {
			t.Errorf("%s: error = %v, want ok = %v", tt.name, err, tt.ok)
		}
	}
}

// TestNetCDFThroughGDAL reads a netCDF file with ReadGeoTIFF (GDAL's
// netCDF driver), which must wait for nclock: while the test holds it the
// read does not finish.
func TestNetCDFThroughGDAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.nc")
	cdl := filepath.Join(t.TempDir(), "x.cdl")
	if err := os.WriteFile(cdl, []byte(`netcdf x { dimensions: lat = 2 ; lon = 2 ;
variables: float lat(lat) ; lat:units = "degrees_north" ; float lon(lon) ; lon:units = "degrees_east" ;
float v(lat, lon) ; v:_FillValue = -1.f ;
data: lat = 45, -45 ; lon = -90, 90 ; v = 1, 2, -1, 4 ; }`), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("ncgen", "-o", path, cdl).CombinedOutput(); err != nil {
		t.Skipf("ncgen: %v %s", err, out)
	}
	type result struct {
		f   *grid.Field
		err error
	}
	done := make(chan result, 1)
	nclock.Lock()
	go func() {
		f, err := ReadGeoTIFF(path, 1)
		done <- result{f, err}
	}()
	select {
	case r := <-done:
		nclock.Unlock()
		t.Fatalf("ReadGeoTIFF of a netCDF file finished (error %v) while nclock was held", r.err)
	case <-time.After(100 * time.Millisecond):
	}
	nclock.Unlock()
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := grid.Grid{West: -180, North: 90, DLon: 180, DLat: 90, NLon: 2, NLat: 2}
	if r.f.Grid != want || r.f.Values[0] != 1 || r.f.Values[3] != 4 || !math.IsNaN(float64(r.f.Values[2])) {
		t.Errorf("netCDF through GDAL: grid %+v values %v; want %+v, [1 2 NaN 4]", r.f.Grid, r.f.Values, want)
	}
}
