package raster

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

//go:generate go run ./testdata/gen

// The files under testdata/gfed and testdata/ndvi are written by
// testdata/gen (see there); gfedValue and vnpRaw repeat its formulas.

// gfedValue is dataset C of month mm at file row r (north first, 10°
// cells from 85°N) and column c (from 175°W).
func gfedValue(mm, r, c int) float64 { return float64(mm*1000 + r*36 + c) }

// vnpRaw is the raw NDVI count at file row r, column c.
func vnpRaw(r, c int) int {
	switch {
	case (r*36+c)%17 == 0:
		return -15000
	case r == 3 && c == 4:
		return 10001
	}
	return -2000 + 20*((r*36+c)%601)
}

// modRaw is the raw NDVI count of the MOD13C2-like file at file row r,
// column c.
func modRaw(r, c int) int {
	switch {
	case (r*36+c)%13 == 0:
		return -3000
	case r == 5 && c == 7:
		return 10500
	}
	return -2000 + 25*((r*36+c)%481)
}

var global10 = grid.Grid{West: -180, North: 90, DLon: 10, DLat: 10, NLon: 36, NLat: 18}

// fileRowCol is the row and column of the 10° file grid (north first,
// from 180°W) holding the centre of our cell i.
func fileRowCol(g grid.Grid, i int) (r, c int) {
	lat, lon := g.Centre(i)
	return int(math.Round((85 - lat) / 10)), int(math.Round((lon + 175) / 10))
}

func TestReadGFED4(t *testing.T) {
	beta := filepath.Join("testdata", "gfed", "GFED4.1s_2023_beta.hdf5")
	gap := filepath.Join("testdata", "gfed", "GFED4.1s_2022.hdf5")
	tests := []struct {
		name     string
		path     string
		variable string
		month    grid.Month
		factor   float64 // DM is twice C in the files
		units    string
		missing  bool     // the error wraps ingest.ErrMissing
		errHas   []string // the refusal names these
	}{
		{"C of February", beta, "C", grid.Month{Year: 2023, Month: 2}, 1, "g C m-2 month-1", false, nil},
		{"DM of January", beta, "DM", grid.Month{Year: 2023, Month: 1}, 2, "kg DM m-2 month-1", false, nil},
		{"after the beta file's last month", beta, "C", grid.Month{Year: 2023, Month: 4}, 0, "", true,
			[]string{"GFED4.1s_2023_beta.hdf5", `"C"`, "2023-04", "emissions/04 is absent", "ends at emissions/03"}},
		{"a month missing inside the file", gap, "C", grid.Month{Year: 2022, Month: 2}, 0, "", false,
			[]string{"GFED4.1s_2022.hdf5", "2022-02", "emissions/02 is absent", "[1 3]"}},
		{"the file of another year", beta, "C", grid.Month{Year: 2022, Month: 5}, 0, "", false,
			[]string{"2022-05", "GFED4.1s for 2023, not 2022"}},
		{"a species GFED4.1s does not grid", beta, "CO2", grid.Month{Year: 2023, Month: 1}, 0, "", false,
			[]string{`"CO2"`, "emissions/MM/CO2", "C, DM"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ReadGFED4(tt.path, tt.variable, tt.month)
			if tt.errHas != nil {
				var se *ingest.SourceError
				if err == nil || !errors.As(err, &se) || se.Variable != tt.variable || se.Month != tt.month {
					t.Fatalf("ReadGFED4(%s, %s, %v) error = %v, want a SourceError for that variable and month", tt.path, tt.variable, tt.month, err)
				}
				if errors.Is(err, ingest.ErrMissing) != tt.missing {
					t.Errorf("error %v: wraps ErrMissing = %v, want %v", err, !tt.missing, tt.missing)
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
			if f.Grid != global10 || f.Units != tt.units || f.Name != tt.variable {
				t.Fatalf("grid %+v, units %q, name %q; want %+v, %q, %q", f.Grid, f.Units, f.Name, global10, tt.units, tt.variable)
			}
			// The file is north first from 180°W, as ours: a wrong flip or
			// roll moves every value.
			for i, got := range f.Values {
				r, c := fileRowCol(f.Grid, i)
				if want := tt.factor * gfedValue(int(tt.month.Month), r, c); float64(got) != want {
					lat, lon := f.Grid.Centre(i)
					t.Fatalf("cell %d (%g°N %g°E) = %v, want %v (file row %d column %d)", i, lat, lon, got, want, r, c)
				}
			}
		})
	}
}

// TestDetectByContent: the builder picks the GFED4.1s and CMG readers by
// what a file holds, whatever its name.
func TestDetectByContent(t *testing.T) {
	gfed := filepath.Join("testdata", "gfed", "GFED4.1s_2022.hdf5")
	vnp := filepath.Join("testdata", "ndvi", "VNP13C2.A2023121.002.synthetic.h5")
	classic := filepath.Join("..", "netcdf", "testdata", "small-classic.nc")
	hdf4 := filepath.Join(t.TempDir(), "anything.dat")
	if err := os.WriteFile(hdf4, []byte{0x0e, 0x03, 0x13, 0x01, 0, 0}, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path       string
		gfed, ndvi bool
	}{
		{gfed, true, false},
		{vnp, false, true},
		{classic, false, false},
		{hdf4, false, true}, // refused later if GDAL has no HDF4
		{filepath.Join("testdata", "gen", "main.go"), false, false},
	} {
		if got := IsGFED4(tt.path); got != tt.gfed {
			t.Errorf("IsGFED4(%s) = %v, want %v", tt.path, got, tt.gfed)
		}
		if got := IsNDVICMG(tt.path); got != tt.ndvi {
			t.Errorf("IsNDVICMG(%s) = %v, want %v", tt.path, got, tt.ndvi)
		}
	}
}

// TestReadNDVICMG reads the VIIRS (HDF5) and MODIS (HDF4, as a plain SDS)
// synthetic files: every cell is its count divided by scale_factor, or
// NaN for _FillValue (-15000 VIIRS, -3000 MODIS) and counts outside
// valid_range.
func TestReadNDVICMG(t *testing.T) {
	tests := []struct {
		file   string
		raw    func(r, c int) int
		fill   int
		driver string
	}{
		{"VNP13C2.A2023121.002.synthetic.h5", vnpRaw, -15000, "HDF5"},
		{"MOD13C2.A2023121.061.synthetic.hdf", modRaw, -3000, "HDF4"}, // HDF-EOS2 grid, georeferenced by GDAL
		{"MOD13C2.A2023121.061.plain-sds.hdf", modRaw, -3000, "HDF4"}, // plain SDS: the documented geometry
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if !haveDriver(tt.driver) {
				t.Skipf("this GDAL has no %s driver", tt.driver)
			}
			f, err := ReadNDVICMG(filepath.Join("testdata", "ndvi", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			// GDAL 3.6 georeferences the HDF-EOS2 grid from its structure
			// metadata but not HDF-EOS5 or a plain HDF4 SDS, which get the
			// documented CMG geometry: the same global, north-up grid.
			if f.Grid != global10 || f.Units != "1" {
				t.Fatalf("grid %+v units %q, want %+v and 1", f.Grid, f.Units, global10)
			}
			var fills, outside int
			for i, got := range f.Values {
				r, c := fileRowCol(f.Grid, i)
				raw := tt.raw(r, c)
				want := float64(raw) / 10000 // VIIRS/MODIS: scale_factor divides
				switch {
				case raw == tt.fill:
					fills++
					want = math.NaN()
				case raw < -2000 || raw > 10000:
					outside++
					want = math.NaN()
				}
				// float32 of a count / 10000: within one float32 ulp near 1.
				if !(math.Abs(float64(got)-want) < 1e-7 || math.IsNaN(want) && math.IsNaN(float64(got))) {
					t.Fatalf("cell (row %d, col %d) = %v, want %v (raw %d)", r, c, got, want, raw)
				}
			}
			if fills < 2 || outside != 1 {
				t.Fatalf("%d fill and %d out-of-range cells checked, want at least 2 and 1", fills, outside)
			}
		})
	}
}

func TestReadNDVICMGRefusals(t *testing.T) {
	dir := t.TempDir()
	hdf4 := filepath.Join(dir, "MOD13C2.A2023121.061.synthetic.hdf")
	// Only the HDF4 signature matters: the reader must refuse before GDAL
	// is asked to open the file.
	if err := os.WriteFile(hdf4, append([]byte{0x0e, 0x03, 0x13, 0x01}, make([]byte, 60)...), 0o644); err != nil {
		t.Fatal(err)
	}
	modis := filepath.Join("testdata", "ndvi", "MOD13C2.A2023121.061.synthetic.hdf")
	text := filepath.Join(dir, "ndvi.txt")
	if err := os.WriteFile(text, []byte("not a raster\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		noHDF4  bool
		wantErr error
		errHas  []string
	}{
		{"MOD13C2 without an HDF4 driver", hdf4, true, ErrNoHDF4,
			[]string{hdf4, "no HDF4 driver", "gdal_translate", "MOD_Grid_monthly_CMG_VI:CMG 0.05 Deg Monthly NDVI", "GeoTIFF"}},
		{"the synthetic MOD13C2 without an HDF4 driver", modis, true, ErrNoHDF4, []string{modis, "no HDF4 driver", "gdal_translate"}},
		{"neither HDF4 nor HDF5", text, false, nil, []string{text, "neither HDF4 nor HDF5"}},
		{"an HDF5 file without the NDVI layer", filepath.Join("testdata", "gfed", "GFED4.1s_2022.hdf5"), false, nil,
			[]string{`no "CMG 0.05 Deg Monthly NDVI" layer`, "//emissions/01/C"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.noHDF4 {
				was := haveDriver
				haveDriver = func(name string) bool { return name != "HDF4" && was(name) }
				defer func() { haveDriver = was }()
			}
			_, err := ReadNDVICMG(tt.path)
			var se *ingest.SourceError
			if err == nil || !errors.As(err, &se) || se.Path != tt.path {
				t.Fatalf("ReadNDVICMG(%s) error = %v, want a SourceError naming the file", tt.path, err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v does not wrap %v", err, tt.wantErr)
			}
			for _, s := range tt.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}
