// Package raster reads GRIB and GeoTIFF files through GDAL (godal) into
// grid.Fields.
//
// A source on a regular latitude-longitude grid (geographic or no SRS, no
// rotation) comes back on its native grid, north-up from about 180°W, in
// its own units, like ingest/netcdf. Any other source (a projected NDVI
// tile, a reduced Gaussian GRIB grid) is warped with GDAL's area-weighted
// average to a target grid, by default the 0.25° global analysis grid.
//
// GDAL datasets are opened per call and closed before returning, so the
// functions are safe for concurrent use. GDAL warnings are not errors
// (godal's default would turn them into errors); failures are.
package raster

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/airbusgeo/godal"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

var registerOnce sync.Once

func register() { registerOnce.Do(godal.RegisterAll) }

// An Option tunes a reader.
type Option func(*options)

type options struct {
	target grid.Grid
}

// WarpTo sets the grid that sources not on a regular latitude-longitude
// grid are warped to. The default is grid.Global(0.25).
func WarpTo(g grid.Grid) Option { return func(o *options) { o.target = g } }

func optionsOf(opts []Option) options {
	o := options{target: grid.Global(0.25)}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// errLogger makes GDAL failures errors and lets warnings pass. ECMWF GRIB
// files with trailing bytes (the real ERA5 sample among them) make GDAL
// report "Ran out of file reading SECT0" after the last message: every
// message has been read by then, so that one is not an error.
var errLogger = godal.ErrLogger(func(ec godal.ErrorCategory, code int, msg string) error {
	if ec <= godal.CE_Warning || strings.Contains(msg, "Ran out of file reading SECT0") {
		return nil
	}
	return errors.New(msg)
})

// layout places a GDAL raster on a Grid, or says it must be warped.
type layout struct {
	g       grid.Grid
	flip    bool // south-up rows
	shift   int  // RollLon shift for a global grid not starting near 180°W
	regular bool
}

// layoutOf reads the geotransform and SRS of ds.
func layoutOf(ds *godal.Dataset) (layout, error) {
	st := ds.Structure()
	gt, err := ds.GeoTransform(errLogger)
	if err != nil {
		return layout{}, fmt.Errorf("no geotransform: %w", err)
	}
	lay := layout{regular: gt[2] == 0 && gt[4] == 0 && gt[1] > 0 && gt[5] != 0}
	if wkt := ds.Projection(); wkt != "" {
		sr := ds.SpatialRef()
		geographic := sr.Geographic()
		sr.Close()
		lay.regular = lay.regular && geographic
	}
	if !lay.regular {
		return lay, nil
	}
	lay.g = grid.Grid{DLon: gt[1], DLat: math.Abs(gt[5]), NLon: st.SizeX, NLat: st.SizeY, North: gt[3]}
	if gt[5] > 0 {
		lay.flip = true
		lay.g.North = gt[3] + float64(st.SizeY)*gt[5]
	}
	lay.g.West, lay.shift = placeLon(gt[0], gt[1], st.SizeX)
	return lay, nil
}

// placeLon returns the west edge of a grid whose first column's west edge
// is west, and the RollLon shift for a global grid, so that the first
// column's centre lies in [-180, -180+step) (the rule of ingest/netcdf).
func placeLon(west, step float64, n int) (float64, int) {
	first := west + step/2
	shift := 0
	if math.Abs(float64(n)*step-360) < 1e-3*step {
		k := int(math.Ceil((-180-first)/step - 1e-6))
		k = ((k % n) + n) % n
		shift = (n - k) % n
		first += float64(k) * step
	}
	for first >= 180-1e-6*step {
		first -= 360
	}
	return first - step/2, shift
}

// orient puts row-major values north-up from about 180°W.
func (lay layout) orient(values []float32) {
	if lay.flip {
		grid.FlipLat(values, lay.g.NLon)
	}
	grid.RollLon(values, lay.g.NLon, lay.shift)
}

// warp resamples values (on ds's geometry, NaN = missing) to target with
// GDAL's area-weighted average.
func warp(ds *godal.Dataset, values []float32, target grid.Grid) ([]float32, error) {
	st := ds.Structure()
	gt, err := ds.GeoTransform(errLogger)
	if err != nil {
		return nil, fmt.Errorf("no geotransform: %w", err)
	}
	wkt := ds.Projection()
	if wkt == "" {
		return nil, fmt.Errorf("rotated or irregular grid without a spatial reference cannot be warped")
	}
	src, err := godal.Create(godal.Memory, "", 1, godal.Float32, st.SizeX, st.SizeY, errLogger)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if err := src.SetGeoTransform(gt, errLogger); err != nil {
		return nil, err
	}
	if err := src.SetProjection(wkt, errLogger); err != nil {
		return nil, err
	}
	b := src.Bands()[0]
	if err := b.SetNoData(math.NaN(), errLogger); err != nil {
		return nil, err
	}
	if err := b.Write(0, 0, values, st.SizeX, st.SizeY, errLogger); err != nil {
		return nil, err
	}
	south := target.North - float64(target.NLat)*target.DLat
	east := target.West + float64(target.NLon)*target.DLon
	out, err := src.Warp("", []string{"-of", "MEM", "-t_srs", "EPSG:4326",
		"-te", ftoa(target.West), ftoa(south), ftoa(east), ftoa(target.North),
		"-ts", fmt.Sprint(target.NLon), fmt.Sprint(target.NLat),
		"-r", "average", "-dstnodata", "nan", "-ot", "Float32"}, errLogger)
	if err != nil {
		return nil, fmt.Errorf("warp to %v: %w", target, err)
	}
	defer out.Close()
	res := make([]float32, target.Cells())
	if err := out.Bands()[0].Read(0, 0, res, target.NLon, target.NLat, errLogger); err != nil {
		return nil, fmt.Errorf("read warped raster: %w", err)
	}
	return res, nil
}

func ftoa(x float64) string { return fmt.Sprintf("%.12g", x) }

// readBand reads band b of a w×h raster as raw float64 values, which hold
// every GDAL data type up to 32-bit integers exactly.
func readBand(b godal.Band, w, h int, opts ...godal.BandIOOption) ([]float64, error) {
	buf := make([]float64, w*h)
	if err := b.Read(0, 0, buf, w, h, append([]godal.BandIOOption{errLogger}, opts...)...); err != nil {
		return nil, err
	}
	return buf, nil
}

func itoa(i int) string { return fmt.Sprint(i) }
