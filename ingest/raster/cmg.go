package raster

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// The monthly 0.05° Climate Modeling Grid vegetation index products name
// their NDVI layer alike:
//   - MODIS MOD13C2/MYD13C2 (HDF4-EOS): grid MOD_Grid_monthly_CMG_VI, field
//     "CMG 0.05 Deg Monthly NDVI", int16, scale_factor 10000, _FillValue
//     -3000, valid range -2000..10000 (MOD13 user guide, Didan 2015; the
//     HDF-EOS zoo examples at hdfeos.org read it so);
//   - VIIRS VNP13C2 v002 (HDF-EOS5): /HDFEOS/GRIDS/VIIRS_Grid_monthly_VI_CMG/
//     Data Fields/CMG 0.05 Deg Monthly NDVI, the same packing (v001 named
//     the grid NPP_Grid_monthly_VI_CMG).
//
// GDAL's HDF5 driver writes spaces in dataset paths as underscores in
// subdataset names, so the field is matched with both spellings.
const cmgNDVIField = "CMG 0.05 Deg Monthly NDVI"

// ErrNoHDF4 is a MODIS HDF4 file given to a GDAL built without the HDF4
// driver.
var ErrNoHDF4 = errors.New("this GDAL build has no HDF4 driver")

// ReadNDVICMG reads the monthly NDVI of a MOD13C2/MYD13C2 (HDF4-EOS) or
// VNP13C2 (HDF5) file on its 0.05° grid, north-up from 180°W. An HDF4
// file whose NDVI layer GDAL lists only as a plain HDF4 SDS (no HDF-EOS
// structure metadata, as a file rewritten by HDF4 tools may be) is read
// too, found by the SDS name, on the documented global CMG geometry. Raw values
// equal to _FillValue or outside valid_range become NaN; the rest are
// divided by scale_factor (see unpackVI). Without a GDAL HDF4 driver a
// MODIS file is refused with ErrNoHDF4 and the command that converts it.
func ReadNDVICMG(path string) (*grid.Field, error) {
	register()
	fail := func(format string, args ...any) error {
		return ingest.Errorf(path, cmgNDVIField, grid.Month{}, format, args...)
	}
	driver := hdfFormat(path)
	switch {
	case driver == "":
		return nil, fail("neither HDF4 nor HDF5")
	case driver == "HDF4" && !haveDriver("HDF4"):
		return nil, fail("%w, so MOD13C2 (HDF4-EOS) cannot be read: convert the layer to GeoTIFF where GDAL has HDF4, "+
			`gdal_translate 'HDF4_EOS:EOS_GRID:"%s":MOD_Grid_monthly_CMG_VI:%s' ndvi.tif, and configure the GeoTIFF`, ErrNoHDF4, path, cmgNDVIField)
	case !haveDriver(driver):
		return nil, fail("this GDAL build has no %s driver", driver)
	}
	defer guard(path)()
	sds, err := subdatasets(path, driver)
	if err != nil {
		return nil, fail("%w", err)
	}
	sd, ok := findCMGNDVI(sds)
	if !ok {
		var have []string
		for _, s := range sds {
			have = append(have, s.path)
		}
		return nil, fail("no %q layer (the file has %s)", cmgNDVIField, strings.Join(have, ", "))
	}
	raw, w, h, md, ds, err := readWhole(sd.name)
	if err != nil {
		return nil, fail("%w", err)
	}
	lay, layErr := layoutOf(ds)
	ds.Close()
	if layErr != nil || !lay.regular {
		// GDAL 3.6 gives no georeferencing for HDF-EOS5 grids (nor for a
		// plain HDF4 SDS): the CMG is documented as global, north-up from
		// 90°N and 180°W, 7200×3600 at 0.05°.
		if w != 2*h {
			return nil, fail("no georeferencing and %d×%d is not a global CMG (twice as wide as high)", h, w)
		}
		d := 360 / float64(w)
		lay = layout{regular: true, g: grid.Grid{West: -180, North: 90, DLon: d, DLat: d, NLon: w, NLat: h}}
	}
	values, err := unpackVI(raw, md)
	if err != nil {
		return nil, fail("%w", err)
	}
	lay.orient(values)
	return &grid.Field{Name: "ndvi", Units: "1", Grid: lay.g, Values: values}, nil
}

// IsNDVICMG reports, by content, whether path is for ReadNDVICMG: any
// HDF4 file (the HDF4 vegetation products are MODIS; ReadNDVICMG refuses
// one when GDAL lacks HDF4) or an HDF5 file with the CMG NDVI layer. A
// netCDF-4 file, HDF5 as well, is left to the other readers.
func IsNDVICMG(path string) bool {
	switch hdfFormat(path) {
	case "HDF4":
		return true
	case "HDF5":
		register()
		defer guard(path)()
		sds, err := subdatasets(path, "HDF5")
		if err != nil {
			return false
		}
		_, ok := findCMGNDVI(sds)
		return ok
	}
	return false
}

func findCMGNDVI(sds []subdataset) (subdataset, bool) {
	// GDAL 3.6 quotes an HDF-EOS field name holding spaces
	// (…:MOD_Grid_monthly_CMG_VI:"CMG 0.05 Deg Monthly NDVI"): quotes
	// are dropped before comparing.
	norm := func(s string) string {
		return strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(s, `"`, ""), " ", "_"))
	}
	want := norm(cmgNDVIField)
	for _, sd := range sds {
		p := norm(sd.path)
		if strings.HasSuffix(p, "/"+want) || strings.HasSuffix(p, ":"+want) || p == want {
			return sd, true
		}
	}
	return subdataset{}, false
}

// unpackVI masks fill and out-of-range raw values and unpacks the rest.
// MODIS and VIIRS land products state scale_factor as the divisor (the
// MOD13 user guide: NDVI = raw / 10000 with scale_factor 10000), unlike
// CF, where it multiplies; a factor above 1 on an index bounded by ±1 can
// only mean division, so one above 1 divides and one below multiplies.
func unpackVI(raw []float64, md attrs) ([]float32, error) {
	scale, offset := 1.0, 0.0
	if v, ok := md.numbers("scale_factor"); ok {
		scale = v[0]
	}
	if v, ok := md.numbers("add_offset"); ok {
		offset = v[0]
	}
	if scale == 0 || math.IsNaN(scale) {
		return nil, fmt.Errorf("scale_factor %v cannot unpack values", scale)
	}
	fill, hasFill := md.numbers("_FillValue")
	lo, hi := math.Inf(-1), math.Inf(1)
	if r, ok := md.numbers("valid_range"); ok && len(r) == 2 {
		lo, hi = r[0], r[1]
	}
	nan := float32(math.NaN())
	out := make([]float32, len(raw))
	for i, r := range raw {
		if hasFill && r == fill[0] || r < lo || r > hi {
			out[i] = nan
			continue
		}
		if scale > 1 {
			out[i] = float32((r - offset) / scale)
		} else {
			out[i] = float32(r*scale + offset)
		}
	}
	return out, nil
}
