package land

import (
	"fmt"
	"strings"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Archive serves the month cubes Train and NewClimatology read, one month
// at a time, as *cube.Store does. Run reads no archive: it is handed the
// cubes its lagged features need.
type Archive interface {
	Cube(m grid.Month) (*cube.Cube, error)
}

// cubeFields serves the fields of a getter's cubes by month and name
// (emulator.Cubes).
type cubeFields func(grid.Month) (*cube.Cube, error)

// Field implements emulator.Cubes.
func (f cubeFields) Field(m grid.Month, name string) (*grid.Field, error) {
	c, err := f(m)
	if err != nil {
		return nil, err
	}
	return c.Field(name)
}

// handed serves the cubes Run is handed for month m, months m−lagMonths..m
// oldest first, and fails for other months. Each must be of its month and
// on grid g.
func handed(m grid.Month, g grid.Grid, cs []*cube.Cube) (cubeFields, error) {
	if len(cs) != lagMonths+1 {
		return nil, fmt.Errorf("handed %d cubes, want the %d of %s..%s", len(cs), lagMonths+1, m.Add(-lagMonths), m)
	}
	byMonth := make(map[grid.Month]*cube.Cube, len(cs))
	for i, c := range cs {
		want := m.Add(i - lagMonths)
		switch {
		case c == nil:
			return nil, fmt.Errorf("no cube for %s (Inputs.Cubes[%d])", want, i)
		case c.Month != want:
			return nil, fmt.Errorf("Inputs.Cubes[%d] is the cube of %s, want %s", i, c.Month, want)
		case c.Grid != g:
			return nil, fmt.Errorf("cube of %s on %v, models on %v", want, c.Grid, g)
		}
		byMonth[want] = c
	}
	return func(mo grid.Month) (*cube.Cube, error) {
		if c, ok := byMonth[mo]; ok {
			return c, nil
		}
		return nil, fmt.Errorf("no cube for %s: Run is handed %s..%s", mo, m.Add(-lagMonths), m)
	}, nil
}

// Names and units of the cube fields the stage reads (pipeline contract).
const (
	fieldT2m      = "t2m"           // degC
	fieldTp       = "tp"            // mm month-1
	fieldSsrd     = "ssrd"          // W m-2
	fieldSwvl1    = "swvl1"         // m3 m-3, NaN over ocean
	fieldNDVI     = "ndvi"          // 1, NaN over ocean
	fieldFire     = "fire_c"        // g C m-2 month-1 per m² of land, to the atmosphere
	fieldXCO2     = "xco2"          // emulator.XCO2Units, NOAA global mean as a constant field
	fieldLandFrac = "land_fraction" // 1, static
	nbpPrefix     = "nbp/"          // g C m-2 month-1 per m² of land, into land
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
	fieldFire: emulator.FluxUnits,
}

// Drivers lists the meteorological and satellite drivers of the emulators.
var Drivers = []string{fieldT2m, fieldTp, fieldSsrd, fieldSwvl1, fieldNDVI}

// NBPField is the cube name of DGVM model's NBP.
func NBPField(model string) string { return nbpPrefix + model }

// drivers serves the cube's fields plus the anomalies and climatologies
// derived from clim, to the emulator package. It keeps no cache: the
// emulator's builder caches what it reads, and clim its means.
type drivers struct {
	c    emulator.Cubes
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
	f, err := emulator.CheckedField(d.c, m, source, units, d.clim.Grid())
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

// landFraction reads the static land fraction (served for any month) on
// grid g, or on its own grid when g is zero.
func landFraction(c emulator.Cubes, m grid.Month, g grid.Grid) (*grid.Field, error) {
	f, err := c.Field(m, fieldLandFrac)
	if err != nil {
		return nil, err
	}
	if g.Cells() == 0 && f != nil {
		g = f.Grid
	}
	return emulator.CheckedField(staticCubes{f}, m, fieldLandFrac, "1", g)
}

// staticCubes serves one field, for checkedField.
type staticCubes struct{ f *grid.Field }

func (s staticCubes) Field(grid.Month, string) (*grid.Field, error) { return s.f, nil }
