package raster

import (
	"math"
	"path/filepath"
	"strings"

	"github.com/airbusgeo/godal"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// ReadGeoTIFF reads band (1-based, as in GDAL) of a GeoTIFF (or any
// single-time raster GDAL opens; a netCDF file is read holding nclock). Raw values equal to the band's nodata
// become NaN; the rest are unpacked with the band's scale and offset
// (value = raw·scale + offset). The field's Name is the band description,
// or the file name without extension; Units is the band's "units"
// metadata item, often empty (the caller knows the units it configured).
func ReadGeoTIFF(path string, band int, opts ...Option) (*grid.Field, error) {
	register()
	o := optionsOf(opts)
	fail := func(format string, args ...any) error {
		return ingest.Errorf(path, "band "+itoa(band), grid.Month{}, format, args...)
	}
	defer guard(path)()
	ds, err := godal.Open(path, godal.RasterOnly(), errLogger)
	if err != nil {
		return nil, fail("open: %w", err)
	}
	defer ds.Close()
	st := ds.Structure()
	if band < 1 || band > st.NBands {
		return nil, fail("band out of range: the file has %d band(s)", st.NBands)
	}
	b := ds.Bands()[band-1]
	raw, err := readBand(b, st.SizeX, st.SizeY)
	if err != nil {
		return nil, fail("read: %w (truncated or corrupt file?)", err)
	}
	values := unpackBand(raw, b)
	lay, err := layoutOf(ds)
	if err != nil {
		return nil, fail("%w", err)
	}
	f := &grid.Field{Name: bandName(path, b), Units: b.Metadata("units")}
	if lay.regular {
		lay.orient(values)
		f.Grid, f.Values = lay.g, values
		return f, nil
	}
	if f.Values, err = warp(ds, values, o.target); err != nil {
		return nil, fail("%w", err)
	}
	f.Grid = o.target
	return f, nil
}

// unpackBand masks nodata (compared on raw values, before scaling) and
// applies the band's scale and offset.
func unpackBand(raw []float64, b godal.Band) []float32 {
	bs := b.Structure()
	scale, offset := bs.Scale, bs.Offset
	if scale == 0 { // unset in some drivers
		scale = 1
	}
	nodata, hasND := b.NoData()
	nan := float32(math.NaN())
	out := make([]float32, len(raw))
	for i, r := range raw {
		if r != r || hasND && (r == nodata || float32(r) == float32(nodata)) {
			out[i] = nan
			continue
		}
		out[i] = float32(r*scale + offset)
	}
	return out
}

func bandName(path string, b godal.Band) string {
	if d := strings.TrimSpace(b.Description()); d != "" {
		return d
	}
	return strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
}
