package builder

import (
	"context"

	"github.com/carbonbudget/carbonbudget/ingest/cube"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/raster"
	"github.com/carbonbudget/carbonbudget/internal/config"
)

// readNDVI reads a monthly NDVI GeoTIFF (scale, offset and nodata as the
// file says) and regrids it onto the analysis grid; GDAL warps sources
// that are not on a regular latitude-longitude grid.
func readNDVI(_ context.Context, b *Builder, c *cube.Cube, _ config.Source, path, _ string) error {
	b.opened(path)
	f, err := raster.ReadGeoTIFF(path, 1)
	if err != nil {
		return err
	}
	f.Units = "1"
	if err := b.put(c, "ndvi", f); err != nil {
		return ingest.Errorf(path, "ndvi", c.Month, "regrid: %w", err)
	}
	return nil
}
