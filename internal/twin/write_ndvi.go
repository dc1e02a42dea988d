package twin

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/airbusgeo/godal"

	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// NDVI GeoTIFFs are int16 NDVI×10000 (as MODIS MOD13), nodata -32768
// outside land, EPSG:4326, north-up from 180°W.
const (
	ndviScale  = 1e-4
	ndviNoData = -32768
)

var registerGDAL sync.Once

// ndviPath is the file of month m under dir (the default config's
// ndvi/ndvi_{yyyy}{mm}.tif).
func ndviPath(dir string, m grid.Month) string {
	return filepath.Join(dir, "ndvi", fmt.Sprintf("ndvi_%04d%02d.tif", m.Year, int(m.Month)))
}

// writeNDVI writes the month's NDVI through GDAL to a temporary name in
// the target directory and renames it into place.
func writeNDVI(path string, g grid.Grid, ndvi []float32) error {
	registerGDAL.Do(godal.RegisterAll)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	raw := make([]int16, len(ndvi))
	for i, v := range ndvi {
		if v != v {
			raw[i] = ndviNoData
			continue
		}
		raw[i] = int16(math.Round(math.Max(-2000, math.Min(10000, float64(v)/ndviScale))))
	}
	return durable.WriteWith(path, func(tmp string) error { return writeGeoTIFF(tmp, g, raw) })
}

func writeGeoTIFF(path string, g grid.Grid, raw []int16) (err error) {
	ds, err := godal.Create(godal.GTiff, path, 1, godal.Int16, g.NLon, g.NLat,
		godal.CreationOption("COMPRESS=DEFLATE", "PREDICTOR=2", "TILED=YES"))
	if err != nil {
		return err
	}
	defer func() {
		if cerr := ds.Close(); err == nil {
			err = cerr
		}
	}()
	if err := ds.SetGeoTransform([6]float64{g.West, g.DLon, 0, g.North, 0, -g.DLat}); err != nil {
		return err
	}
	sr, err := godal.NewSpatialRefFromEPSG(4326)
	if err != nil {
		return err
	}
	defer sr.Close()
	if err := ds.SetSpatialRef(sr); err != nil {
		return err
	}
	band := ds.Bands()[0]
	if err := band.SetNoData(ndviNoData); err != nil {
		return err
	}
	if err := band.SetScaleOffset(ndviScale, 0); err != nil {
		return err
	}
	if err := band.SetDescription("NDVI"); err != nil {
		return err
	}
	return band.Write(0, 0, raw, g.NLon, g.NLat)
}
