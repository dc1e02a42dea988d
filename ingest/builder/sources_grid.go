package builder

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/carbonbudget/carbonbudget/ingest/cube"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/netcdf"
	"github.com/carbonbudget/carbonbudget/ingest/raster"
	"github.com/carbonbudget/carbonbudget/ingest/units"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// fieldReader reads one variable of a gridded file for a month.
type fieldReader interface {
	Read(name string, m grid.Month) (*grid.Field, error)
}

type netcdfFile struct{ *netcdf.File }

func (f netcdfFile) Read(name string, m grid.Month) (*grid.Field, error) { return f.File.Read(name, m) }

// gribFile reads variables of a GRIB file through GDAL, which opens it
// for each variable; a grid that is not regular latitude-longitude (a
// reduced Gaussian ERA5 grid) is warped straight to the analysis grid.
type gribFile struct {
	b    *Builder
	path string
}

func (f gribFile) Read(name string, m grid.Month) (*grid.Field, error) {
	f.b.opened(f.path)
	return raster.ReadGRIB(f.path, name, m, raster.WarpTo(f.b.grid))
}

// gfed4File reads a GFED4.1s yearly HDF5 file, whose months are groups
// (emissions/MM) rather than steps of a time axis.
type gfed4File struct{ path string }

func (f gfed4File) Read(name string, m grid.Month) (*grid.Field, error) {
	return raster.ReadGFED4(f.path, name, m)
}

// readGridded reads every configured variable of a gridded source (CF
// netCDF, a GFED4.1s HDF5 file recognised by its content, or GRIB with
// format: grib) for the month, converts it to the canonical units and
// regrids it conservatively onto the analysis grid.
func readGridded(_ context.Context, b *Builder, c *cube.Cube, src config.Source, path, _ string) error {
	var f fieldReader = gribFile{b, path}
	switch {
	case src.Format == config.FormatGRIB:
	case raster.IsGFED4(path):
		b.opened(path)
		f = gfed4File{path}
	default:
		b.opened(path)
		nc, err := netcdf.Open(path)
		if err != nil {
			return err
		}
		defer nc.Close()
		f = netcdfFile{nc}
	}
	canons := make([]string, 0, len(src.Variables))
	for canon := range src.Variables {
		canons = append(canons, canon)
	}
	sort.Strings(canons)
	for _, canon := range canons {
		v, ok := cube.CanonicalVariable(canon)
		if !ok && canon != "si10sq" {
			return ingest.Errorf(path, src.Variables[canon], c.Month, "configured as %q, which is not a cube variable", canon)
		}
		if canon == "si10sq" {
			v = cube.Variable{Name: "si10sq", Units: "m2 s-2"}
		}
		field, err := f.Read(src.Variables[canon], c.Month)
		if err != nil {
			return err
		}
		if field.Units != v.Units {
			if err := units.Convert(field.Values, field.Units, v.Units, c.Month); err != nil {
				return ingest.Errorf(path, src.Variables[canon], c.Month, "units: %w", err)
			}
		}
		field.Units = v.Units
		if err := b.put(c, canon, field); err != nil {
			return ingest.Errorf(path, src.Variables[canon], c.Month, "regrid: %w", err)
		}
	}
	if u, ok := c.Fields["si10"]; ok {
		if _, have := c.Fields["si10sq"]; !have {
			sq := &grid.Field{Name: "si10sq", Units: "m2 s-2", Grid: u.Grid, Values: make([]float32, len(u.Values))}
			for i, x := range u.Values {
				sq.Values[i] = float32(cube.WindSquareFactor * float64(x) * float64(x))
			}
			c.Fields["si10sq"] = sq
		}
	}
	return nil
}

// readModel reads one model's output (TRENDY nbp or GOBM fgco2) for the
// month into "<prefix>/<MODEL>". A month beyond the model's last output is
// not an error: the models lag the present by a year, which is why the
// emulators exist.
func readModel(canon, canonUnits string) reader {
	return func(_ context.Context, b *Builder, c *cube.Cube, src config.Source, path, model string) error {
		b.opened(path)
		f, err := netcdf.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		name := src.Variables[canon]
		if name == "" {
			name = canon
		}
		months, err := f.Months(name)
		if err != nil {
			return err
		}
		if !hasMonth(months, c.Month) {
			return nil
		}
		field, err := f.Read(name, c.Month)
		if err != nil {
			if errors.Is(err, ingest.ErrMissing) {
				return nil
			}
			return err
		}
		if err := units.Convert(field.Values, field.Units, canonUnits, c.Month); err != nil {
			return ingest.Errorf(path, name, c.Month, "units: %w", err)
		}
		field.Units = canonUnits
		key := fmt.Sprintf("%s/%s", canon, model)
		if err := b.put(c, key, field); err != nil {
			return ingest.Errorf(path, name, c.Month, "regrid: %w", err)
		}
		return nil
	}
}

func hasMonth(ms []grid.Month, m grid.Month) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}
