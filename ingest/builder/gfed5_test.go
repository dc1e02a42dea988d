package builder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// gfed5CDL is a GFED5_Beta_monthly_YYYY.nc-like file on a 10° grid: one
// file per year, a time axis of months, lat and lon axes, grid_area, and
// one variable per species in g of the species m-2 month-1 (users' code
// reading GFED5_Beta_monthly files: CO2 "g CO2 m^-2 month^-1", CH4 "g CH4
// m^-2 month^-1", DM, grid_area). The lat order of the real files is not
// documented where we looked; south first here exercises the flip. C
// holds a per-second carbon flux, as re-gridded GFED products write it.
func gfed5CDL() string {
	var b strings.Builder
	b.WriteString("netcdf gfed5 {\ndimensions:\n  time = 3 ;\n  lat = 18 ;\n  lon = 36 ;\nvariables:\n")
	b.WriteString("  double time(time) ;\n    time:units = \"days since 2000-01-01 00:00:00\" ;\n    time:calendar = \"standard\" ;\n")
	b.WriteString("  float lat(lat) ;\n    lat:units = \"degrees_north\" ;\n  float lon(lon) ;\n    lon:units = \"degrees_east\" ;\n")
	b.WriteString("  float grid_area(lat, lon) ;\n    grid_area:units = \"m2\" ;\n")
	for _, v := range [][2]string{{"CO2", "g CO2 m-2 month-1"}, {"CH4", "g CH4 m-2 month-1"}, {"C", "kg C m-2 s-1"}} {
		fmt.Fprintf(&b, "  float %s(time, lat, lon) ;\n    %s:units = %q ;\n", v[0], v[0], v[1])
	}
	// 2023-01-01 is day 8401 after 2000-01-01 (23·365 + 6 leap days);
	// stamps on the 1st of January, February and March.
	b.WriteString("data:\n time = 8401, 8432, 8460 ;\n")
	b.WriteString(" lat = " + join(18, func(i int) float64 { return -85 + 10*float64(i) }) + " ;\n")
	b.WriteString(" lon = " + join(36, func(i int) float64 { return -175 + 10*float64(i) }) + " ;\n")
	b.WriteString(" grid_area = " + join(18*36, func(int) float64 { return 1e12 }) + " ;\n")
	b.WriteString(" CO2 = " + join(3*18*36, func(i int) float64 { return gfed5Value(i) }) + " ;\n")
	b.WriteString(" CH4 = " + join(3*18*36, func(i int) float64 { return gfed5Value(i) / 100 }) + " ;\n")
	b.WriteString(" C = " + join(3*18*36, func(i int) float64 { return gfed5Value(i) * 1e-9 }) + " ;\n}\n")
	return b.String()
}

// gfed5Value is the value of flat index i = (step·18 + row)·36 + col,
// rows south first.
func gfed5Value(i int) float64 { return float64(10 + i%(18*36) + 1000*(i/(18*36))) }

func join(n int, f func(int) float64) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprint(f(i))
	}
	return strings.Join(s, ", ")
}

// TestGFED5FireSource reads fire_c from GFED5-like monthly netCDF files:
// CO2 mass becomes carbon, a rate per second becomes a month's amount
// with February's length, a species that is not carbon is refused.
func TestGFED5FireSource(t *testing.T) {
	if _, err := exec.LookPath("ncgen"); err != nil {
		t.Skip("ncgen not installed: the GFED5 fixture is written from CDL")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "GFED5_Beta_monthly_2023.nc")
	cmd := exec.Command("ncgen", "-k", "nc4", "-o", path)
	cmd.Stdin = strings.NewReader(gfed5CDL())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ncgen: %v\n%s", err, out)
	}
	feb := grid.Month{Year: 2023, Month: 2}
	const febSeconds = 28 * 86400
	tests := []struct {
		variable string
		month    grid.Month
		factor   float64 // fire_c = file value × factor
		errHas   []string
		missing  bool
	}{
		{"CO2", feb, 12.011 / 44.009, nil, false},
		{"C", feb, 1e-9 * 1000 * febSeconds, nil, false},
		{"CH4", feb, 0, []string{`variable "CH4"`, "2023-02", "g CH4 m-2 month-1"}, false},
		{"CO2", grid.Month{Year: 2023, Month: 4}, 0, []string{`variable "CO2"`, "2023-04", "time axis ends at 2023-03"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.variable+" "+tt.month.String(), func(t *testing.T) {
			cfg := oneSourceConfig(t, dir, "fire", config.Source{Path: "GFED5_Beta_monthly_{yyyy}.nc", Variables: map[string]string{"fire_c": tt.variable}})
			c, err := New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), tt.month)
			if tt.errHas != nil {
				var se *ingest.SourceError
				if !errors.As(err, &se) || se.Path != path || errors.Is(err, ingest.ErrMissing) != tt.missing {
					t.Fatalf("err = %v, want a SourceError naming %s (ErrMissing %v)", err, path, tt.missing)
				}
				for _, s := range tt.errHas {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not say %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			f, err := c.Field("fire_c")
			if err != nil {
				t.Fatal(err)
			}
			for _, ll := range [][2]float64{{89, -179}, {41, 3}, {-1, 121}, {-89, 179}} {
				i, _ := f.Grid.Locate(ll[0], ll[1])
				r, col := int(math.Floor((ll[0]+90)/10)), int(math.Floor((ll[1]+180)/10))
				want := gfed5Value((1*18+r)*36+col) * tt.factor
				// float32 file values and regridding weights: 1e-6 relative.
				if got := float64(f.Values[i]); math.Abs(got-want) > 1e-6*want {
					t.Errorf("fire_c at %v = %v, want %v", ll, got, want)
				}
			}
		})
	}
}
