package builder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/raster"
	"github.com/carbonbudget/carbonbudget/internal/config"
)

// era5Param2 is one ERA5 parameter as a GRIB 2 message: its codes as
// ecCodes 2.28 encodes the ECMWF short name (definitions/grib2/
// shortName.def, localConcepts/ecmf/shortName.def).
type era5Param2 struct {
	short      string
	discipline int
	category   int
	number     int
	surface    int // typeOfFirstFixedSurface
	levelM     int // its value, scale factor 0
	// accumulated messages use product template 4.8 with
	// typeOfStatisticalProcessing 1 over one day; the others 4.0.
	accumulated bool
	value       func(i, j, month int) float64
}

var era5Params2 = []era5Param2{
	{"2t", 0, 0, 0, 103, 2, false, era5Params[0].value},                                                    // K
	{"sst", 10, 3, 0, 1, 0, false, era5Params[1].value},                                                    // K
	{"ci", 10, 2, 0, 1, 0, false, era5Params[2].value},                                                     // (0 - 1)
	{"msl", 0, 3, 0, 101, 0, false, era5Params[5].value},                                                   // Pa
	{"10si", 0, 2, 1, 103, 10, false, era5Params[3].value},                                                 // m s-1 (pattern only)
	{"tp", 0, 1, 52, 1, 0, true, func(i, j, m int) float64 { return 1000 * era5Params[6].value(i, j, m) }}, // kg m-2 per day
	{"ssrd", 0, 4, 7, 1, 0, true, era5Params[7].value},                                                     // J m-2 per day
	{"swvl1", 192, 128, 39, 1, 0, false, func(i, j, m int) float64 { return 0.1 + 0.01*float64(i) + 0.001*float64(j) + 0.02*float64(m) }},
	// Skin temperature: GDAL's element TMP like 2t, at the surface.
	{"skt", 0, 0, 0, 1, 0, false, func(i, j, m int) float64 { return 260 + float64(i) }},
}

// writeERA5GRIB2 writes every parameter of era5Params2 for era5Months as
// GRIB 2 messages with gdal_translate's GRIB driver (an ESRI ASCII grid
// per message, the codes as creation options; GRIB files concatenate), on
// the 10° grid of writeERA5GRIB, latitudes 90 to -90 and longitudes 0 to
// 350. The test is skipped without gdal_translate.
func writeERA5GRIB2(t *testing.T, dir string) string {
	t.Helper()
	if _, err := exec.LookPath("gdal_translate"); err != nil {
		t.Skipf("gdal_translate not installed: %v", err)
	}
	nLat, nLon := 180/era5StepDeg+1, 360/era5StepDeg
	work := t.TempDir()
	var all []byte
	for _, p := range era5Params2 {
		for k, m := range era5Months {
			var asc strings.Builder
			fmt.Fprintf(&asc, "ncols %d\nnrows %d\nxllcorner %d\nyllcorner %d\ncellsize %d\n", nLon, nLat, -era5StepDeg/2, -90-era5StepDeg/2, era5StepDeg)
			for i := 0; i < nLat; i++ {
				for j := 0; j < nLon; j++ {
					fmt.Fprintf(&asc, "%s%.9g", sep(j), p.value(i, j, k))
				}
				asc.WriteString("\n")
			}
			in, out := filepath.Join(work, "in.asc"), filepath.Join(work, "out.grib2")
			if err := os.WriteFile(in, []byte(strings.ReplaceAll(asc.String(), ", ", " ")), 0o644); err != nil {
				t.Fatal(err)
			}
			// Template 4.0: category, number, generating process (3), hours
			// and minutes after cut-off, time unit (1 = hour), forecast
			// time, first surface (type, scale, value), second (none).
			pds := fmt.Sprintf("%d %d 0 0 128 0 0 1 0 %d 0 %d 255 0 0", p.category, p.number, p.surface, p.levelM)
			pdtn := 0
			if p.accumulated {
				// 4.8 adds the end of the interval (one day after the
				// reference time), one time range, none missing,
				// accumulation (1) over 24 hours.
				end := m.Start().AddDate(0, 0, 1)
				pds += fmt.Sprintf(" %d %d %d 0 0 0 1 0 1 2 1 24 1 0", end.Year(), int(end.Month()), end.Day())
				pdtn = 8
			}
			// INPUT_UNIT=K: GDAL's writer takes temperatures in °C by default
			// and would add 273.15 to these kelvins.
			cmd := exec.Command("gdal_translate", "-q", "-of", "GRIB", "-a_srs", "EPSG:4326", "-co", "INPUT_UNIT=K",
				"-co", fmt.Sprintf("DISCIPLINE=%d", p.discipline),
				"-co", "IDS=CENTER=98 SUBCENTER=0 MASTER_TABLE=4 SIGNF_REF_TIME=1 REF_TIME="+m.Start().Format(time.RFC3339)+" PROD_STATUS=0 TYPE=0",
				"-co", fmt.Sprintf("PDS_PDTN=%d", pdtn), "-co", "PDS_TEMPLATE_ASSEMBLED_VALUES="+pds, in, out)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("gdal_translate %s: %v\n%s", p.short, err, b)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
	}
	path := filepath.Join(dir, "era5_2024.grib")
	if err := os.WriteFile(path, all, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestERA5GRIB2ShortNames builds the February 2024 cube from GRIB 2
// messages named by ECMWF short names: each is found by its codes and
// level (2t is not the surface TMP beside it), in ECMWF's units (tp kg m-2
// per day, ssrd J m-2 per day, not GDAL's rate units), converted and
// regridded as from GRIB 1.
func TestERA5GRIB2ShortNames(t *testing.T) {
	dir := t.TempDir()
	writeERA5GRIB2(t, dir)
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.ResolutionDeg, cfg.InputDir, cfg.WorkDir = 2, dir, t.TempDir()
	cfg.Sources = map[string]config.Source{"era5": {Path: "era5_{yyyy}.grib", Format: config.FormatGRIB,
		Variables: map[string]string{"t2m": "2t", "sst": "sst", "siconc": "ci", "msl": "msl", "tp": "tp", "ssrd": "ssrd", "swvl1": "swvl1"}}}
	feb := era5Months[1]
	c, err := New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), feb)
	if err != nil {
		t.Fatal(err)
	}
	days := float64(feb.Days()) // 29
	byShort := map[string]era5Param2{}
	for _, p := range era5Params2 {
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
		{"tp", "tp", "mm month-1", func(kg float64) float64 { return kg * days }},
		{"ssrd", "ssrd", "W m-2", func(j float64) float64 { return j / 86400 }},
		{"swvl1", "swvl1", "m3 m-3", func(x float64) float64 { return x }},
	}
	cells := [][2]float64{{89, -179}, {69, 1}, {39, 91}, {-1, -161}, {-59, 1}} // see TestERA5GRIBMonthlyMeans
	for _, tt := range tests {
		f, err := c.Field(tt.canon)
		if err != nil {
			t.Fatal(err)
		}
		if f.Units != tt.units {
			t.Errorf("%s in %q, want %s", tt.canon, f.Units, tt.units)
		}
		for _, ll := range cells {
			k, _ := f.Grid.Locate(ll[0], ll[1])
			i, j := fileCell(ll[0], ll[1])
			if want := tt.convert(byShort[tt.short].value(i, j, 1)); !near(f.Values[k], want) {
				t.Errorf("%s at %v°N %v°E = %v %s, want %v (file row %d, column %d, February)", tt.canon, ll[0], ll[1], f.Values[k], tt.units, want, i, j)
			}
		}
	}
}

// TestERA5GRIB2Refusals: GDAL's element TMP names two levels in the file
// and is refused as ambiguous; a name that is neither an ECMWF short name
// nor an element of the file is refused as unknown; 10si is read with its
// m s-1. Each error is a SourceError naming file, variable and month.
func TestERA5GRIB2Refusals(t *testing.T) {
	path := writeERA5GRIB2(t, t.TempDir())
	jan := era5Months[0]
	for _, tt := range []struct{ name, want string }{
		{"TMP", `"TMP" is ambiguous: its messages are at 2 levels (0-SFC, 2-HTGL)`},
		{"2m_temperature", `unknown variable "2m_temperature": not an ECMWF short name`},
	} {
		_, err := raster.ReadGRIB(path, tt.name, jan)
		var se *ingest.SourceError
		if !errors.As(err, &se) || se.Path != path || se.Variable != tt.name || se.Month != jan || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadGRIB(%s): err = %v, want a SourceError naming %s, %s, %s and containing %q", tt.name, err, path, tt.name, jan, tt.want)
		}
	}
	f, err := raster.ReadGRIB(path, "10si", jan)
	if err != nil || f.Units != "m s-1" || !near(f.Values[0], byShortValue("10si", 0, 18, 0)) {
		t.Errorf("10si: %v, units %q, first value %v; want m s-1 and %v", err, unitsOf(f), firstOf(f), byShortValue("10si", 0, 18, 0))
	}
}

func byShortValue(short string, i, j, m int) float64 {
	for _, p := range era5Params2 {
		if p.short == short {
			return p.value(i, j, m)
		}
	}
	panic("no parameter " + short)
}
