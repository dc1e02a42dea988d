package builder

import (
	"context"

	"github.com/carbonbudget/carbonbudget/ingest/cube"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/raster"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// readNDVI reads a monthly NDVI GeoTIFF (scale, offset and nodata as the
// file says), or the NDVI layer of a MODIS MOD13C2 (HDF4-EOS) or VIIRS
// VNP13C2 (HDF5) 0.05° CMG file, recognised by its content, and regrids
// it onto the analysis grid; GDAL warps sources that are not on a regular
// latitude-longitude grid.
func readNDVI(_ context.Context, b *Builder, c *cube.Cube, _ config.Source, path, _ string) error {
	b.opened(path)
	read := func(path string) (*grid.Field, error) { return raster.ReadGeoTIFF(path, 1) }
	if raster.IsNDVICMG(path) {
		read = raster.ReadNDVICMG
	}
	f, err := read(path)
	if err != nil {
		return err
	}
	f.Units = "1"
	if err := b.put(c, "ndvi", f); err != nil {
		return ingest.Errorf(path, "ndvi", c.Month, "regrid: %w", err)
	}
	return nil
}
