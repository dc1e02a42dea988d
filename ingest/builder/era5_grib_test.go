package builder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/raster"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// era5Param is one ERA5 single-level parameter as the CDS delivers it in
// reanalysis-era5-single-levels-monthly-means (product type
// monthly_averaged_reanalysis): one GRIB 1 message per month, ECMWF centre
// 98, local table 128, paramId = GRIB 1 indicatorOfParameter, valid at
// 00:00 on the month's first day, on a regular grid with latitudes 90 to
// −90 and longitudes 0 to 359.75 (here 10°). Accumulations (tp, ssrd) are
// the month's mean daily accumulation. The legacy and the new CDS deliver
// the same GRIB; they differ in their netCDF conversion only.
type era5Param struct {
	code  int    // paramId
	short string // ECMWF short name
	// value in the file's units at file row i (0 = 90°N) and column j
	// (0 = 0°E), a pattern that tells rows, columns and months apart.
	value func(i, j, month int) float64
}

var era5Params = []era5Param{
	{167, "2t", func(i, j, m int) float64 { return 250 + float64(i) + 0.01*float64(j) + 0.5*float64(m) }},            // K
	{34, "sst", func(i, j, m int) float64 { return 275 + 0.5*float64(i) + 0.01*float64(j) + 0.5*float64(m) }},        // K
	{31, "ci", func(i, j, m int) float64 { return 0.04*float64(i) + 0.001*float64(j) + 0.01*float64(m) }},            // (0 - 1)
	{165, "10u", func(i, j, m int) float64 { return -5 + 0.5*float64(i) + 0.01*float64(j) + float64(m) }},            // m s-1
	{166, "10v", func(i, j, m int) float64 { return 3 - 0.25*float64(i) + 0.01*float64(j) - float64(m) }},            // m s-1
	{151, "msl", func(i, j, m int) float64 { return 100000 + 100*float64(i) + float64(j) + 10*float64(m) }},          // Pa
	{228, "tp", func(i, j, m int) float64 { return 0.001 + 1e-4*float64(i) + 1e-6*float64(j) + 1e-4*float64(m) }},    // m (per day)
	{169, "ssrd", func(i, j, m int) float64 { return 8.64e6 + 86400*float64(i) + 864*float64(j) + 8640*float64(m) }}, // J m-2 (per day)
}

const era5StepDeg = 10 // GRIB 1 stores increments in millidegrees (16 bits): at most 65.535°

// era5Months are the months of the test file: January and February 2024
// (a leap year, so February's tp has 29 days in it).
var era5Months = []grid.Month{{Year: 2024, Month: 1}, {Year: 2024, Month: 2}}

// writeERA5GRIB writes the ERA5 monthly-means layout with cdo: a CDL file
// (var<code>(time, latitude, longitude)) made into netCDF with ncgen, then
// into GRIB (edition 1, or 2 when edition is 2) with the codes set. The
// test is skipped when cdo or ncgen is absent.
func writeERA5GRIB(t *testing.T, dir string, edition int) string {
	t.Helper()
	for _, tool := range []string{"cdo", "ncgen"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
	nLat, nLon := 180/era5StepDeg+1, 360/era5StepDeg
	var cdl strings.Builder
	fmt.Fprintf(&cdl, "netcdf era5 { dimensions: time = %d ; latitude = %d ; longitude = %d ;\nvariables:\n", len(era5Months), nLat, nLon)
	cdl.WriteString(` double time(time) ; time:units = "hours since 1900-01-01 00:00:00" ; time:calendar = "gregorian" ; time:standard_name = "time" ;
 float latitude(latitude) ; latitude:units = "degrees_north" ; latitude:standard_name = "latitude" ;
 float longitude(longitude) ; longitude:units = "degrees_east" ; longitude:standard_name = "longitude" ;
`)
	for _, p := range era5Params {
		fmt.Fprintf(&cdl, " double var%d(time, latitude, longitude) ;\n", p.code)
	}
	cdl.WriteString("data:\n time = ")
	epoch := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for k, m := range era5Months {
		fmt.Fprintf(&cdl, "%s%d", sep(k), int(m.Start().Sub(epoch).Hours()))
	}
	cdl.WriteString(" ;\n latitude = ")
	for i := 0; i < nLat; i++ {
		fmt.Fprintf(&cdl, "%s%d", sep(i), 90-era5StepDeg*i)
	}
	cdl.WriteString(" ;\n longitude = ")
	for j := 0; j < nLon; j++ {
		fmt.Fprintf(&cdl, "%s%d", sep(j), era5StepDeg*j)
	}
	cdl.WriteString(" ;\n")
	for _, p := range era5Params {
		fmt.Fprintf(&cdl, " var%d = ", p.code)
		n := 0
		for m := range era5Months {
			for i := 0; i < nLat; i++ {
				for j := 0; j < nLon; j++ {
					fmt.Fprintf(&cdl, "%s%.9g", sep(n), p.value(i, j, m))
					n++
				}
			}
		}
		cdl.WriteString(" ;\n")
	}
	cdl.WriteString("}\n")
	work := t.TempDir()
	cdlPath, ncPath := filepath.Join(work, "era5.cdl"), filepath.Join(work, "era5.nc")
	if err := os.WriteFile(cdlPath, []byte(cdl.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	run("ncgen", "-o", ncPath, cdlPath)
	path := filepath.Join(dir, "era5_2024.grib")
	if edition == 2 {
		// 2 m temperature only, as GRIB 2 discipline 0, category 0,
		// number 0 (GDAL element TMP), on cdo's default surface level.
		run("cdo", "-s", "-b", "P24", "-f", "grb2", "-setparam,0.0.0", "-selname,var167", ncPath, path)
		return path
	}
	// 24-bit packing: cdo's default 16 bits would blur the patterns.
	run("cdo", "-s", "-b", "P24", "-f", "grb", "-settabnum,128", ncPath, path)
	return path
}

func sep(i int) string {
	if i == 0 {
		return ""
	}
	return ", "
}

// near compares a float32 field value with the expected one: 24-bit GRIB
// packing of the pattern's range and float32 storage give about 1e-6 of
// the value; 1e-5 relative plus 1e-5 absolute leaves room for both.
func near(got float32, want float64) bool {
	return math.Abs(float64(got)-want) <= 1e-5*math.Abs(want)+1e-5
}

// fileCell is the file's (row, column) holding the analysis cell centred
// at lat, lon, for cells well inside one 10° file cell.
func fileCell(lat, lon float64) (int, int) {
	i := int(math.Round((90 - lat) / era5StepDeg))
	j := int(math.Round(math.Mod(lon+360, 360)/era5StepDeg)) % (360 / era5StepDeg)
	return i, j
}

// TestERA5GRIBMonthlyMeans builds the February 2024 cube from the ERA5
// monthly-means GRIB layout: every variable lands in the cube's units (°C,
// mm month-1 from metres per day, W m-2 from J m-2 per day, hPa, fraction),
// north-up from 180°W, from February's message and not January's.
func TestERA5GRIBMonthlyMeans(t *testing.T) {
	dir := t.TempDir()
	path := writeERA5GRIB(t, dir, 1)
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.ResolutionDeg, cfg.InputDir, cfg.WorkDir = 2, dir, t.TempDir()
	cfg.Inversions = nil // the GRIB file alone
	cfg.Sources = map[string]config.Source{"era5": {Path: "era5_{yyyy}.grib", Format: config.FormatGRIB,
		Variables: map[string]string{"t2m": "2t", "sst": "sst", "siconc": "ci", "msl": "msl", "tp": "tp", "ssrd": "ssrd"}}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	feb := era5Months[1]
	c, err := New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), feb)
	if err != nil {
		t.Fatal(err)
	}
	days := float64(feb.Days()) // 29
	byShort := map[string]era5Param{}
	for _, p := range era5Params {
		byShort[p.short] = p
	}
	tests := []struct {
		canon, short, units string
		convert             func(float64) float64
	}{
		{"t2m", "2t", "degC", func(k float64) float64 { return k - 273.15 }},
		{"sst", "sst", "degC", func(k float64) float64 { return k - 273.15 }},
		{"siconc", "ci", "1", func(x float64) float64 { return x }},
		{"msl", "msl", "hPa", func(pa float64) float64 { return pa / 100 }},
		// ERA5 monthly means: tp is metres per day, ssrd J m-2 per day.
		{"tp", "tp", "mm month-1", func(m float64) float64 { return m * 1000 * days }},
		{"ssrd", "ssrd", "W m-2", func(j float64) float64 { return j / 86400 }},
	}
	// Analysis cells whose centre lies 1° or more inside one 10° file cell,
	// so the conservative regrid returns that cell's value: 88°N..60°S and
	// 179°W (file column 18, 180°E), 1°E (column 0), 91°E, 161°W.
	cells := [][2]float64{{89, -179}, {69, 1}, {39, 91}, {-1, -161}, {-59, 1}}
	for _, tt := range tests {
		f, err := c.Field(tt.canon)
		if err != nil {
			t.Fatal(err)
		}
		if f.Units != tt.units || f.Grid != cfg.Grid() {
			t.Errorf("%s in %q on %+v, want %s on the analysis grid", tt.canon, f.Units, f.Grid, tt.units)
		}
		for _, ll := range cells {
			k, ok := f.Grid.Locate(ll[0], ll[1])
			if !ok {
				t.Fatalf("Locate(%v)", ll)
			}
			i, j := fileCell(ll[0], ll[1])
			want := tt.convert(byShort[tt.short].value(i, j, 1))
			if !near(f.Values[k], want) {
				t.Errorf("%s at %v°N %v°E = %v %s, want %v (file row %d, column %d, February)", tt.canon, ll[0], ll[1], f.Values[k], tt.units, want, i, j)
			}
		}
	}
	if len(c.Catalogue) != 1 || c.Catalogue[0].Path != path {
		t.Errorf("catalogue %+v, want the GRIB file", c.Catalogue)
	}
}

// TestERA5GRIBWinds reads the 10 m wind components, which the cube does
// not carry, at the raster level: m s-1, the file's 0..360 columns rolled
// to start at 180°W, rows north first.
func TestERA5GRIBWinds(t *testing.T) {
	path := writeERA5GRIB(t, t.TempDir(), 1)
	for _, p := range era5Params[3:5] {
		f, err := raster.ReadGRIB(path, p.short, era5Months[0])
		if err != nil {
			t.Fatal(err)
		}
		if f.Units != "m/s" && f.Units != "m s**-1" && f.Units != "m s-1" {
			t.Errorf("%s units %q, want m s-1", p.short, f.Units)
		}
		// One value per file point: 36 × 19, the first column at 180°.
		if f.Grid.NLon != 36 || f.Grid.NLat != 19 || f.Grid.West != -185 {
			t.Fatalf("%s grid %+v, want 36 × 19 from 185°W (centres from 180°W)", p.short, f.Grid)
		}
		for _, rc := range [][2]int{{0, 0}, {0, 18}, {9, 27}, {18, 35}} {
			i, col := rc[0], rc[1]
			j := (col + 18) % 36 // column 0 is 180°E, file column 18
			if got := f.Values[i*36+col]; !near(got, p.value(i, j, 0)) {
				t.Errorf("%s row %d col %d = %v, want %v (file column %d)", p.short, i, col, got, p.value(i, j, 0), j)
			}
		}
	}
}

// TestERA5GRIBRefusals: a month the file does not hold, and a GRIB 2 file
// whose only message is 0.0.0 (GDAL's TMP) at the surface, which cdo
// writes without a height: that is skin temperature, not 2t (0.0.0 at
// 2 m), so asking for 2t is refused while GDAL's element still reads it.
// Each error names file, variable and month.
func TestERA5GRIBRefusals(t *testing.T) {
	dir := t.TempDir()
	g1 := writeERA5GRIB(t, dir, 1)
	mar := grid.Month{Year: 2024, Month: 3}
	_, err := raster.ReadGRIB(g1, "ssrd", mar)
	var se *ingest.SourceError
	if !errors.Is(err, ingest.ErrMissing) || !errors.As(err, &se) || se.Path != g1 || se.Variable != "ssrd" || se.Month != mar {
		t.Errorf("March: err = %v, want ErrMissing naming %s, ssrd, %s", err, g1, mar)
	}
	g2 := writeERA5GRIB(t, t.TempDir(), 2)
	_, err = raster.ReadGRIB(g2, "2t", era5Months[0])
	if !errors.As(err, &se) || se.Path != g2 || se.Variable != "2t" || se.Month != era5Months[0] || !strings.Contains(err.Error(), "file has TMP") {
		t.Errorf("GRIB 2 asked for 2t: err = %v, want one naming %s, 2t, %s and the file's TMP", err, g2, era5Months[0])
	}
	f, err := raster.ReadGRIB(g2, "TMP", era5Months[0])
	if err != nil || f.Units != "K" || !near(f.Values[0], era5Params[0].value(0, 18, 0)) {
		t.Errorf("GRIB 2 TMP: %v, units %q, first value %v; want K and %v", err, unitsOf(f), firstOf(f), era5Params[0].value(0, 18, 0))
	}
}

func unitsOf(f *grid.Field) string {
	if f == nil {
		return ""
	}
	return f.Units
}

func firstOf(f *grid.Field) float32 {
	if f == nil || len(f.Values) == 0 {
		return float32(math.NaN())
	}
	return f.Values[0]
}
