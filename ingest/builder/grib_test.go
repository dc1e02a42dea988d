package builder

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airbusgeo/godal"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// writeGRIB writes a one-message GRIB 2 file of 2 m temperature (GDAL
// element TMP, K) for July 2014 on a global 10° grid with longitudes
// 0..360, as ERA5's: each row holds 280 K plus its row number. GDAL
// converts a GeoTIFF with its GRIB driver, as gdal_translate -of GRIB
// would. Values vary only with latitude, so the test does not depend on
// where GDAL places the longitudes of a grid it wrote (half a cell west of
// the GeoTIFF's in GDAL 3.6); the real ERA5 sample's geometry is checked
// in ingest/raster.
func writeGRIB(t *testing.T, dir string) string {
	t.Helper()
	godal.RegisterAll()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	const w, h = 36, 18
	tif := filepath.Join(t.TempDir(), "t2m.tif")
	ds, err := godal.Create(godal.GTiff, tif, 1, godal.Float32, w, h)
	must(err)
	must(ds.SetGeoTransform([6]float64{0, 10, 0, 90, 0, -10}))
	sr, err := godal.NewSpatialRefFromEPSG(4326)
	must(err)
	wkt, err := sr.WKT()
	must(err)
	sr.Close()
	must(ds.SetProjection(wkt))
	buf := make([]float32, w*h)
	for i := range buf {
		buf[i] = 280 + float32(i/w)
	}
	must(ds.Bands()[0].Write(0, 0, buf, w, h))
	path := filepath.Join(dir, "era5_201407.grib")
	out, err := ds.Translate(path, []string{"-of", "GRIB",
		"-co", "DISCIPLINE=0", "-co", "INPUT_UNIT=K",
		"-co", "IDS=CENTER=98(ECMWF) SUBCENTER=0 MASTER_TABLE=2 SIGNF_REF_TIME=1 REF_TIME=2014-07-01T00:00:00Z PROD_STATUS=0 TYPE=0",
		// Template 4.0: temperature (0, 0), analysis, at 2 m above ground (103, 0, 2).
		"-co", "PDS_PDTN=0", "-co", "PDS_TEMPLATE_ASSEMBLED_VALUES=0 0 2 0 0 0 0 1 0 103 0 2 255 0 0"})
	must(err)
	must(out.Close())
	must(ds.Close())
	return path
}

// TestGRIBSource reads a gridded source with format: grib through the
// cube: the message becomes t2m in °C on the analysis grid.
func TestGRIBSource(t *testing.T) {
	dir := t.TempDir()
	path := writeGRIB(t, dir)
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.ResolutionDeg, cfg.InputDir, cfg.WorkDir = 2, dir, t.TempDir()
	cfg.Sources = map[string]config.Source{"era5": {Path: "era5_{yyyy}{mm}.grib", Format: config.FormatGRIB, Variables: map[string]string{"t2m": "TMP"}}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	m := grid.Month{Year: 2014, Month: 7}
	c, err := New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.Field("t2m")
	if err != nil {
		t.Fatal(err)
	}
	if f.Units != "degC" || f.Grid != cfg.Grid() {
		t.Fatalf("t2m in %q on %+v, want degC on the analysis grid", f.Units, f.Grid)
	}
	for _, row := range []int{0, 7, 44, 89} { // 2° rows inside 10° rows 0, 1, 8, 17
		want := 280 + float64(row/5) - 273.15
		if got := float64(f.Values[row*f.Grid.NLon+3]); math.Abs(got-want) > 1e-3 {
			t.Errorf("row %d: t2m %.4f degC, want %.4f", row, got, want)
		}
	}
	if len(c.Catalogue) != 1 || c.Catalogue[0].Path != path {
		t.Errorf("catalogue %+v, want the GRIB file", c.Catalogue)
	}

	// A short name the file does not hold (GDAL writes this TMP at 2 m, so
	// 2t finds it since GRIB 2 codes are matched): the error names file,
	// variable and month.
	cfg.Sources["era5"] = config.Source{Path: "era5_{yyyy}{mm}.grib", Format: config.FormatGRIB, Variables: map[string]string{"msl": "msl"}}
	_, err = New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), m)
	var se *ingest.SourceError
	if !errors.As(err, &se) || se.Path != path || se.Variable != "msl" || se.Month != m || !strings.Contains(err.Error(), "file has TMP") {
		t.Errorf("err = %v, want a SourceError naming %s, variable msl, %s and the file's elements", err, path, m)
	}

	// GRIB is read only for gridded sources.
	cfg.Sources = map[string]config.Source{"co2_monthly": {Path: "era5_{yyyy}{mm}.grib", Format: config.FormatGRIB}}
	if _, err := New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), m); err == nil || !strings.Contains(err.Error(), "co2_monthly") {
		t.Errorf("format grib on co2_monthly: err = %v, want one naming the source", err)
	}
}
