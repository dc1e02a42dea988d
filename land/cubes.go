package land

import (
	"fmt"
	"strings"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Cubes serves the month cubes the stage reads: fields by month and
// canonical name (see the pipeline contract). *cube.Store and the
// emulator's Cubes have this shape; CubeFunc adapts a cube getter. Run
// reads month m and the three months before it (lagged features).
type Cubes interface {
	Field(m grid.Month, name string) (*grid.Field, error)
}

// CubeFunc adapts a cube getter, such as a closure over the pipeline's
// Cube(ctx, m), to Cubes.
type CubeFunc func(m grid.Month) (*cube.Cube, error)

// Field returns field name of month m's cube.
func (f CubeFunc) Field(m grid.Month, name string) (*grid.Field, error) {
	c, err := f(m)
	if err != nil {
		return nil, err
	}
	return c.Field(name)
}

// Names and units of the cube fields the stage reads (pipeline contract).
const (
	fieldT2m      = "t2m"           // degC
	fieldTp       = "tp"            // mm month-1
	fieldSsrd     = "ssrd"          // W m-2
	fieldSwvl1    = "swvl1"         // m3 m-3, NaN over ocean
	fieldNDVI     = "ndvi"          // 1, NaN over ocean
	fieldFire     = "fire_c"        // g C m-2 month-1 per m² of land, to the atmosphere
	fieldXCO2     = "xco2"          // 1e-6, NOAA global mean as a constant field
	fieldLandFrac = "land_fraction" // 1, static
	nbpPrefix     = "nbp/"          // g C m-2 month-1 per m² of land, into land

	fluxUnits  = "g C m-2 month-1"
	xco2Units  = "1e-6"
	gramsPerGt = 1e15
)

// Suffixes of the fields the stage derives from a driver and the
// Climatology (see drivers.Field).
const (
	anomSuffix       = "_anom"        // driver minus its climatology for the calendar month
	climSuffix       = "_clim"        // climatology for the calendar month
	climAnnualSuffix = "_clim_annual" // mean of the twelve calendar-month climatologies
)

// driverUnits are the units of the drivers the emulators read.
var driverUnits = map[string]string{
	fieldT2m: "degC", fieldTp: "mm month-1", fieldSsrd: "W m-2", fieldSwvl1: "m3 m-3", fieldNDVI: "1",
	fieldFire: fluxUnits,
}

// Drivers lists the meteorological and satellite drivers of the emulators.
var Drivers = []string{fieldT2m, fieldTp, fieldSsrd, fieldSwvl1, fieldNDVI}

// NBPField is the cube name of DGVM model's NBP.
func NBPField(model string) string { return nbpPrefix + model }

// drivers serves the cube's fields plus the anomalies and climatologies
// derived from clim, to the emulator package. It keeps no cache: the
// emulator's builder caches what it reads, and clim its means.
type drivers struct {
	c    Cubes
	clim *Climatology
}

// Field implements emulator.Cubes.
func (d drivers) Field(m grid.Month, name string) (*grid.Field, error) {
	switch {
	case strings.HasSuffix(name, climAnnualSuffix):
		return d.climField(name, strings.TrimSuffix(name, climAnnualSuffix), 0)
	case strings.HasSuffix(name, climSuffix):
		return d.climField(name, strings.TrimSuffix(name, climSuffix), int(m.Month))
	case strings.HasSuffix(name, anomSuffix):
		return d.anomaly(m, name, strings.TrimSuffix(name, anomSuffix))
	}
	return d.c.Field(m, name)
}

// climField wraps the climatology of source for calendar month mo (0: the
// annual mean) as a field.
func (d drivers) climField(name, source string, mo int) (*grid.Field, error) {
	units, ok := driverUnits[source]
	if !ok {
		return nil, fmt.Errorf("derived field %q: %q is not a driver", name, source)
	}
	var v []float32
	var err error
	if mo == 0 {
		v, err = d.clim.AnnualMean(source)
	} else {
		v, err = d.clim.Mean(source, mo)
	}
	if err != nil {
		return nil, err
	}
	return &grid.Field{Name: name, Units: units, Grid: d.clim.Grid(), Values: v}, nil
}

// anomaly is source of month m minus its climatology for m's calendar month.
func (d drivers) anomaly(m grid.Month, name, source string) (*grid.Field, error) {
	units, ok := driverUnits[source]
	if !ok {
		return nil, fmt.Errorf("derived field %q: %q is not a driver", name, source)
	}
	f, err := checkedField(d.c, m, source, units, d.clim.Grid())
	if err != nil {
		return nil, err
	}
	mean, err := d.clim.Mean(source, int(m.Month))
	if err != nil {
		return nil, err
	}
	out := &grid.Field{Name: name, Units: units, Grid: f.Grid, Values: make([]float32, len(f.Values))}
	for i, v := range f.Values {
		out.Values[i] = v - mean[i] // NaN stays NaN
	}
	return out, nil
}

// checkedField fetches a field and checks its units and grid.
func checkedField(c Cubes, m grid.Month, name, units string, g grid.Grid) (*grid.Field, error) {
	f, err := c.Field(m, name)
	if err != nil {
		return nil, err
	}
	if err := f.Expect(units, g); err != nil {
		return nil, fmt.Errorf("%s, %s: %w", name, m, err)
	}
	return f, nil
}

// landFraction reads the static land fraction (served for any month) on
// grid g, or on its own grid when g is zero.
func landFraction(c Cubes, m grid.Month, g grid.Grid) (*grid.Field, error) {
	f, err := c.Field(m, fieldLandFrac)
	if err != nil {
		return nil, err
	}
	if g.Cells() == 0 && f != nil {
		g = f.Grid
	}
	return checkedField(staticCubes{f}, m, fieldLandFrac, "1", g)
}

// staticCubes serves one field, for checkedField.
type staticCubes struct{ f *grid.Field }

func (s staticCubes) Field(grid.Month, string) (*grid.Field, error) { return s.f, nil }
