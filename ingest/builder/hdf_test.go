package builder

import (
	"context"
	"errors"
	"github.com/airbusgeo/godal"
	"log/slog"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// rasterTestdata holds the synthetic GFED4.1s and VNP13C2 files that
// ingest/raster's testdata/gen writes (10° grids, north first).
func rasterTestdata(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("..", "raster", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func oneSourceConfig(t *testing.T, dir, name string, src config.Source) *config.Config {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.ResolutionDeg, cfg.InputDir, cfg.WorkDir = 2, dir, t.TempDir()
	cfg.Sources = map[string]config.Source{name: src}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestGFED4FireSource configures fire as the GFED4.1s yearly HDF5 files
// are published: the builder recognises the layout by content, takes the
// month's group, the documented g C m-2 month-1, and refuses a month whose
// group is absent naming file, dataset and month.
func TestGFED4FireSource(t *testing.T) {
	dir := rasterTestdata(t)
	tests := []struct {
		name    string
		src     config.Source
		month   grid.Month
		path    string
		wantErr []string // empty: the month builds
		missing bool
	}{
		{"C, March of the beta file", config.Source{Path: "gfed/GFED4.1s_{yyyy}_beta.hdf5", Variables: map[string]string{"fire_c": "C"}},
			grid.Month{Year: 2023, Month: 3}, "gfed/GFED4.1s_2023_beta.hdf5", nil, false},
		{"a month after the beta file's last", config.Source{Path: "gfed/GFED4.1s_{yyyy}_beta.hdf5", Variables: map[string]string{"fire_c": "C"}},
			grid.Month{Year: 2023, Month: 4}, "gfed/GFED4.1s_2023_beta.hdf5", []string{`variable "C"`, "2023-04", "emissions/04 is absent"}, true},
		{"dry matter is not carbon", config.Source{Path: "gfed/GFED4.1s_{yyyy}_beta.hdf5", Variables: map[string]string{"fire_c": "DM"}},
			grid.Month{Year: 2023, Month: 1}, "gfed/GFED4.1s_2023_beta.hdf5", []string{`variable "DM"`, "2023-01", "kg DM m-2 month-1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := oneSourceConfig(t, dir, "fire", tt.src)
			c, err := New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), tt.month)
			path := filepath.Join(dir, tt.path)
			if len(tt.wantErr) > 0 {
				var se *ingest.SourceError
				if !errors.As(err, &se) || se.Path != path || errors.Is(err, ingest.ErrMissing) != tt.missing {
					t.Fatalf("err = %v, want a SourceError naming %s (ErrMissing %v)", err, path, tt.missing)
				}
				for _, s := range tt.wantErr {
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
			if f.Units != "g C m-2 month-1" || f.Grid != cfg.Grid() {
				t.Fatalf("fire_c in %q on %+v, want g C m-2 month-1 on the analysis grid", f.Units, f.Grid)
			}
			// A 2° cell lies inside one 10° file cell, whose value it keeps:
			// month*1000 + fileRow*36 + fileCol (ingest/raster testdata/gen).
			for _, ll := range [][2]float64{{89, -179}, {41, 3}, {-1, 121}, {-89, 179}} {
				i, _ := f.Grid.Locate(ll[0], ll[1])
				r, col := math.Floor((90-ll[0])/10), math.Floor((ll[1]+180)/10)
				want := float64(int(tt.month.Month))*1000 + r*36 + col
				// Conservative regridding sums area weights: 1e-6 relative.
				if got := float64(f.Values[i]); math.Abs(got-want) > 1e-6*want {
					t.Errorf("fire_c at %v = %v, want %v", ll, got, want)
				}
			}
		})
	}
}

// TestNDVICMGSource reads the NDVI source from a VNP13C2-like HDF5 file
// and MOD13C2-like HDF4 files (HDF-EOS2 grid, and plain SDS): scale_factor 10000 divides, fills stay
// missing, the grid is the CMG's.
func TestNDVICMGSource(t *testing.T) {
	tests := []struct {
		file   string
		want   float64 // file cell (row 1, col 2)
		driver string
	}{
		{"ndvi/VNP13C2.A2023121.002.synthetic.h5", -0.124, "HDF5"},  // raw -2000 + 20*(1*36+2) = -1240
		{"ndvi/MOD13C2.A2023121.061.synthetic.hdf", -0.105, "HDF4"}, // raw -2000 + 25*(1*36+2) = -1050
		{"ndvi/MOD13C2.A2023121.061.plain-sds.hdf", -0.105, "HDF4"}, // the same without HDF-EOS metadata
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			godal.RegisterAll() // idempotent (GDALAllRegister); the readers register lazily
			if _, ok := godal.RasterDriver(godal.DriverName(tt.driver)); !ok {
				t.Skipf("this GDAL has no %s driver", tt.driver)
			}
			cfg := oneSourceConfig(t, rasterTestdata(t), "ndvi", config.Source{Path: tt.file})
			m := grid.Month{Year: 2023, Month: 5}
			c, err := New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), m)
			if err != nil {
				t.Fatal(err)
			}
			f, err := c.Field("ndvi")
			if err != nil {
				t.Fatal(err)
			}
			i, _ := f.Grid.Locate(75, -153)
			if got := float64(f.Values[i]); math.Abs(got-tt.want) > 1e-6 {
				t.Errorf("ndvi at 75°N 153°W = %v, want %v", got, tt.want)
			}
			// File cell (row 0, col 0) is _FillValue.
			if i, _ := f.Grid.Locate(89, -179); !math.IsNaN(float64(f.Values[i])) {
				t.Errorf("ndvi at a fill cell = %v, want NaN", f.Values[i])
			}
		})
	}
}
