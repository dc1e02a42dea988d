// Command gen writes the synthetic HDF5 files of ingest/raster's tests
// from CDL through ncgen (netCDF 4.9). They copy the structure of the
// real products (group and dataset names, 2-D coordinates, packing
// attributes) on a 10° grid with made-up values, so that a test knows
// the value of every cell; no provider data is copied.
//
// ncgen writes netCDF-4, which is HDF5 with netCDF's dimension scales
// beside the datasets; the readers go through GDAL's HDF5 driver, which
// lists those as it would list a provider's file without them.
//
// Run it from ingest/raster: go generate ./ingest/raster
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const (
	nlat, nlon = 18, 36 // 10° cells
	step       = 10.0
)

func main() {
	gfed("GFED4.1s_2023_beta.hdf5", []int{1, 2, 3})
	gfed("GFED4.1s_2022.hdf5", []int{1, 3}) // a gap in February
	vnp("VNP13C2.A2023121.002.synthetic.h5")
	mod13c2("MOD13C2.A2023121.061.synthetic.hdf", false)
	mod13c2("MOD13C2.A2023121.061.plain-sds.hdf", true)
}

// GFEDValue is the value of dataset C of month mm at file row r, column c;
// DM is twice it. Values stay within the cube's physical range of
// fire_c (0..5000 g C m-2 month-1) and are exact in float32.
func GFEDValue(mm, r, c int) float64 { return float64(mm*1000 + r*36 + c) }

// gfed writes a GFED4.1s-like yearly file holding the given months: 2-D
// lat (north first) and lon (from 180°W) at the root, ancill/grid_cell_area
// and emissions/MM/{C,DM}, no units attributes, as the real files.
func gfed(name string, months []int) {
	var b strings.Builder
	fmt.Fprintf(&b, "netcdf gfed {\ndimensions:\n  phony_dim_0 = %d ;\n  phony_dim_1 = %d ;\n", nlat, nlon)
	b.WriteString("variables:\n  float lat(phony_dim_0, phony_dim_1) ;\n  float lon(phony_dim_0, phony_dim_1) ;\ndata:\n")
	b.WriteString(" lat = " + cells(func(r, c int) float64 { return 90 - step/2 - float64(r)*step }) + " ;\n")
	b.WriteString(" lon = " + cells(func(r, c int) float64 { return -180 + step/2 + float64(c)*step }) + " ;\n")
	b.WriteString("group: ancill {\n variables:\n  float grid_cell_area(phony_dim_0, phony_dim_1) ;\n data:\n")
	b.WriteString("  grid_cell_area = " + cells(func(r, c int) float64 { return 1e12 }) + " ;\n}\n")
	b.WriteString("group: emissions {\n")
	for _, mm := range months {
		fmt.Fprintf(&b, " group: \\%02d {\n  variables:\n   float C(phony_dim_0, phony_dim_1) ;\n   float DM(phony_dim_0, phony_dim_1) ;\n  data:\n", mm)
		b.WriteString("   C = " + cells(func(r, c int) float64 { return GFEDValue(mm, r, c) }) + " ;\n")
		b.WriteString("   DM = " + cells(func(r, c int) float64 { return 2 * GFEDValue(mm, r, c) }) + " ;\n }\n")
	}
	b.WriteString("}\n}\n")
	ncgen(filepath.Join("testdata", "gfed", name), b.String())
}

// VNPRaw is the raw NDVI count at file row r, column c: -2000 .. 10000
// by 20 with fills, and one count above the valid range.
func VNPRaw(r, c int) int {
	switch {
	case (r*nlon+c)%17 == 0:
		return -15000 // _FillValue
	case r == 3 && c == 4:
		return 10001 // outside valid_range
	}
	return -2000 + 20*((r*nlon+c)%601)
}

// vnp writes a VNP13C2-like file: the NDVI field in
// /HDFEOS/GRIDS/VIIRS_Grid_monthly_VI_CMG/Data Fields, int16 packed.
func vnp(name string) {
	var b strings.Builder
	fmt.Fprintf(&b, "netcdf vnp {\ngroup: HDFEOS {\n group: GRIDS {\n  group: VIIRS_Grid_monthly_VI_CMG {\n   dimensions:\n    YDim = %d ;\n    XDim = %d ;\n", nlat, nlon)
	b.WriteString("   group: Data\\ Fields {\n    variables:\n")
	// The real files hold EVI, EVI2, quality and pixel reliability
	// layers beside NDVI; EVI here makes the NDVI one of several.
	for _, field := range []string{"NDVI", "EVI"} {
		v := `CMG\ 0.05\ Deg\ Monthly\ ` + field
		b.WriteString("     short " + v + "(YDim, XDim) ;\n")
		for _, a := range []string{
			`_FillValue = -15000s`, `scale_factor = 10000.`, `add_offset = 0.`,
			`valid_range = -2000s, 10000s`, `units = "` + field + `"`,
		} {
			b.WriteString("      " + v + ":" + a + " ;\n")
		}
	}
	b.WriteString("    data:\n     CMG\\ 0.05\\ Deg\\ Monthly\\ NDVI = ")
	b.WriteString(cells(func(r, c int) float64 { return float64(VNPRaw(r, c)) }))
	b.WriteString(" ;\n     CMG\\ 0.05\\ Deg\\ Monthly\\ EVI = ")
	b.WriteString(cells(func(r, c int) float64 { return 1234 }))
	b.WriteString(" ;\n   }\n  }\n }\n}\n}\n")
	ncgen(filepath.Join("testdata", "ndvi", name), b.String())
}

// MODRaw is the raw NDVI count of the MOD13C2-like file at file row r,
// column c: -2000 .. 10000 by 25, MODIS's _FillValue -3000 in some cells,
// and one count above the valid range.
func MODRaw(r, c int) int16 {
	switch {
	case (r*nlon+c)%13 == 0:
		return -3000
	case r == 5 && c == 7:
		return 10500
	}
	return int16(-2000 + 25*((r*nlon+c)%481))
}

// mod13c2 writes a MOD13C2-like HDF4 file with mod13c2/mod13c2.c (netCDF
// cannot write HDF4): it builds the program against libhdf4 (Debian's
// libhdf4-alt-dev) in a temporary directory and feeds it the counts.
// plain leaves out the HDF-EOS grid structure.
func mod13c2(name string, plain bool) {
	tmp, err := os.MkdirTemp("", "mod13c2")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "mod13c2")
	cc := exec.Command("cc", "-o", bin, filepath.Join("testdata", "gen", "mod13c2", "mod13c2.c"), "-I/usr/include/hdf", "-lmfhdfalt", "-ldfalt")
	if msg, err := cc.CombinedOutput(); err != nil {
		log.Fatalf("build mod13c2.c (needs libhdf4-alt-dev): %v\n%s", err, msg)
	}
	counts := make([]byte, 0, 2*nlat*nlon)
	for r := 0; r < nlat; r++ {
		for c := 0; c < nlon; c++ {
			counts = binary.NativeEndian.AppendUint16(counts, uint16(MODRaw(r, c)))
		}
	}
	out := filepath.Join("testdata", "ndvi", name)
	os.Remove(out) // a failed run then leaves no stale file behind
	args := []string{out, fmt.Sprint(nlat), fmt.Sprint(nlon)}
	if plain {
		args = append([]string{"-plain"}, args...)
	}
	run := exec.Command(bin, args...)
	run.Stdin = bytes.NewReader(counts)
	if msg, err := run.CombinedOutput(); err != nil {
		log.Fatalf("mod13c2 %s: %v\n%s", out, err, msg)
	}
}

func cells(f func(r, c int) float64) string {
	var s []string
	for r := 0; r < nlat; r++ {
		for c := 0; c < nlon; c++ {
			s = append(s, fmt.Sprint(f(r, c)))
		}
	}
	return strings.Join(s, ", ")
}

func ncgen(out, cdl string) {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command("ncgen", "-k", "nc4", "-o", out)
	cmd.Stdin = strings.NewReader(cdl)
	if msg, err := cmd.CombinedOutput(); err != nil {
		log.Fatalf("ncgen %s: %v\n%s", out, err, msg)
	}
}
