package ocean

import (
	"errors"
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/seawater"
)

// Archive serves the month cubes Train reads, one month at a time, as
// *cube.Store does. Run reads no archive: it is handed month m's cube.
type Archive interface {
	Cube(m grid.Month) (*cube.Cube, error)
}

// handed serves the one cube Run is handed, and fails for other months
// (no ocean feature is lagged).
func handed(c *cube.Cube) func(grid.Month) (*cube.Cube, error) {
	return func(m grid.Month) (*cube.Cube, error) {
		if c.Month != m {
			return nil, fmt.Errorf("ocean: no cube for %s (handed %s)", m, c.Month)
		}
		return c, nil
	}
}

// Names of the fields the stage reads from the cube and the fields it
// derives.
const (
	fieldSST      = "sst"           // degC
	fieldSalinity = "so"            // 1e-3 (PSU)
	fieldMLD      = "mlotst"        // m
	fieldChl      = "chl"           // mg m-3
	fieldWindSq   = "si10sq"        // m2 s-2, <U10²>
	fieldIce      = "siconc"        // 1
	fieldMSL      = "msl"           // hPa
	fieldLandFrac = "land_fraction" // 1, static
	fieldShip     = "fco2_ship"     // uatm, NaN without data, absent when SOCAT is late
	gobmPrefix    = "fgco2/"        // g C m-2 month-1 into the ocean

	// FieldXCO2 is derived: the cube's XCO2PPM on every cell, in the
	// cube's units (emulator.XCO2Units), so the emulators can take
	// atmospheric CO2 as a feature. It replaces the cube's own constant
	// xco2 field, which holds the same value: derived from XCO2PPM, it
	// fails when the month has no CO2 instead of serving zeros.
	FieldXCO2 = "xco2"
	// FieldDeltaPCO2Ship is derived: ship pCO2 minus atmospheric pCO2 on
	// the cells with ship data, the reconstruction's target.
	FieldDeltaPCO2Ship = "dpco2_ship"
	// FieldCoast is derived and static: the land fraction averaged over
	// ±coastRadiusDeg, 0 in the open ocean and rising towards land, where
	// river carbon, upwelling and shelf processes set surface pCO2 (on the
	// twin world the reconstruction's pCO2 RMSE was 38 µatm in cells with
	// land against 10 µatm in the open ocean without it).
	FieldCoast = "coast"
	// FieldSeasonSin and FieldSeasonCos are derived: the local season, the
	// calendar month's phase shifted by six months south of the equator,
	// so that austral winter looks like boreal winter. Ships sample the
	// Southern Ocean mostly in summer, and a tree given the calendar month
	// and the hemisphere has no winter data there at all.
	FieldSeasonSin = "season_sin"
	FieldSeasonCos = "season_cos"

	pco2Units = "uatm"
	hPaPerAtm = 1013.25
)

// errNoShip marks a month whose cube has no ship data.
var errNoShip = errors.New("no ship data")

// drivers serves the cubes' fields plus the derived ones to the emulator
// package. It keeps no cache: the emulator's builder caches what it reads.
type drivers struct {
	cube func(grid.Month) (*cube.Cube, error)
}

// GOBMField is the cube field of a GOBM's fgco2, "fgco2/<MODEL>".
func GOBMField(model string) string { return gobmPrefix + model }

// Field implements emulator.Cubes.
func (d drivers) Field(m grid.Month, name string) (*grid.Field, error) {
	switch name {
	case FieldXCO2:
		return d.xco2Field(m)
	case FieldCoast:
		return d.coastField(m)
	case FieldSeasonSin, FieldSeasonCos:
		return d.seasonField(m, name)
	case FieldDeltaPCO2Ship:
		return d.deltaPCO2Ship(m)
	}
	return d.raw(m, name)
}

// raw is field name of month m's cube.
func (d drivers) raw(m grid.Month, name string) (*grid.Field, error) {
	c, err := d.cube(m)
	if err != nil {
		return nil, err
	}
	return c.Field(name)
}

// xco2PPM is month m's NOAA global mean CO2.
func (d drivers) xco2PPM(m grid.Month) (float64, error) {
	c, err := d.cube(m)
	if err != nil {
		return 0, err
	}
	if !(c.XCO2PPM > 0) {
		return 0, fmt.Errorf("cube %s: no atmospheric CO2 (XCO2PPM = %v)", m, c.XCO2PPM)
	}
	return c.XCO2PPM, nil
}

func (d drivers) xco2Field(m grid.Month) (*grid.Field, error) {
	lf, err := d.raw(m, fieldLandFrac)
	if err != nil {
		return nil, err
	}
	x, err := d.xco2PPM(m)
	if err != nil {
		return nil, err
	}
	f := grid.NewField(lf.Grid, FieldXCO2, emulator.XCO2Units)
	for i := range f.Values {
		f.Values[i] = float32(x)
	}
	return f, nil
}

// surface holds the fields the bulk formula needs, checked for grid and
// units.
type surface struct {
	sst, so, windSq, ice, msl []float32
	xco2PPM                   float64
}

func (d drivers) surface(m grid.Month, g grid.Grid, withWind bool) (*surface, error) {
	var err error
	get := func(name, units string) []float32 {
		if err != nil {
			return nil
		}
		var f *grid.Field
		if f, err = emulator.CheckedField(d, m, name, units, g); err != nil {
			return nil
		}
		return f.Values
	}
	s := &surface{sst: get(fieldSST, "degC"), so: get(fieldSalinity, "1e-3"), msl: get(fieldMSL, "hPa")}
	if withWind {
		s.windSq, s.ice = get(fieldWindSq, "m2 s-2"), get(fieldIce, "1")
	}
	if err != nil {
		return nil, err
	}
	if s.xco2PPM, err = d.xco2PPM(m); err != nil {
		return nil, fmt.Errorf("atmospheric CO2, %s: %w", m, err)
	}
	return s, nil
}

// airPCO2 is the pCO2 of air in equilibrium with the sea surface of cell i
// (science.md §4: xCO2·(P − pH2O)), NaN where a driver is missing.
func (s *surface) airPCO2(i int) float64 {
	t, so, p := float64(s.sst[i]), float64(s.so[i]), float64(s.msl[i])/hPaPerAtm
	return seawater.AtmosphericPCO2Uatm(s.xco2PPM, p, t, so)
}

// deltaPCO2Ship converts the month's fco2_ship to pCO2 (Weiss 1974
// virial correction at the cell's SST and sea-level pressure, with the
// month's xCO2 as the CO2 mole fraction of the gas phase; its effect is
// below 1e-3 of the correction) and subtracts the air pCO2.
func (d drivers) deltaPCO2Ship(m grid.Month) (*grid.Field, error) {
	ship, err := d.raw(m, fieldShip)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoShip, err)
	}
	if ship.Units != pco2Units {
		return nil, fmt.Errorf("field %q, %s: units %q, want %q", fieldShip, m, ship.Units, pco2Units)
	}
	s, err := d.surface(m, ship.Grid, false)
	if err != nil {
		return nil, err
	}
	out := grid.NewField(ship.Grid, FieldDeltaPCO2Ship, pco2Units)
	for i, f := range ship.Values {
		if f != f {
			continue
		}
		t, p := float64(s.sst[i]), float64(s.msl[i])/hPaPerAtm
		pco2 := float64(f) / seawater.FugacityFactor(t, p, s.xco2PPM)
		if v := pco2 - s.airPCO2(i); !math.IsNaN(v) {
			out.Values[i] = float32(v)
		}
	}
	return out, nil
}

// coastRadiusDeg is the half-width of the box FieldCoast averages over:
// about 300 km, the usual outer edge of the coastal ocean.
const coastRadiusDeg = 2.5

func (d drivers) coastField(m grid.Month) (*grid.Field, error) {
	lf, err := d.raw(m, fieldLandFrac)
	if err != nil {
		return nil, err
	}
	if err := lf.Check(); err != nil {
		return nil, err
	}
	f := &grid.Field{Name: FieldCoast, Units: "1", Grid: lf.Grid, Values: boxMean(lf.Grid, lf.Values, coastRadiusDeg)}
	return f, nil
}

// boxMean averages v over ±radiusDeg in latitude and longitude (wrapping
// in longitude, truncated at the poles), by running sums in each
// direction; NaN counts as 0.
func boxMean(g grid.Grid, v []float32, radiusDeg float64) []float32 {
	kx := max(0, min(g.NLon/2-1, int(math.Round(radiusDeg/g.DLon))))
	ky := max(0, int(math.Round(radiusDeg/g.DLat)))
	val := func(x float32) float64 {
		if x != x {
			return 0
		}
		return float64(x)
	}
	tmp := make([]float64, len(v))
	for r := 0; r < g.NLat; r++ {
		row := v[r*g.NLon : (r+1)*g.NLon]
		var s float64
		for dc := -kx; dc <= kx; dc++ {
			s += val(row[(dc+g.NLon)%g.NLon])
		}
		for c := 0; c < g.NLon; c++ {
			tmp[r*g.NLon+c] = s / float64(2*kx+1)
			s += val(row[(c+kx+1)%g.NLon]) - val(row[(c-kx+g.NLon)%g.NLon])
		}
	}
	out := make([]float32, len(v))
	for c := 0; c < g.NLon; c++ {
		var s float64
		lo, hi := 0, min(g.NLat-1, ky) // window rows [lo, hi]
		for r := lo; r <= hi; r++ {
			s += tmp[r*g.NLon+c]
		}
		for r := 0; r < g.NLat; r++ {
			out[r*g.NLon+c] = float32(s / float64(hi-lo+1))
			if next := r + ky + 1; next < g.NLat {
				s += tmp[next*g.NLon+c]
				hi = next
			}
			if r-ky >= 0 {
				s -= tmp[(r-ky)*g.NLon+c]
				lo = r - ky + 1
			}
		}
	}
	return out
}

func (d drivers) seasonField(m grid.Month, name string) (*grid.Field, error) {
	lf, err := d.raw(m, fieldLandFrac)
	if err != nil {
		return nil, err
	}
	f := grid.NewField(lf.Grid, name, "1")
	phase := 2 * math.Pi * (float64(m.Month) - 0.5) / 12
	for r := 0; r < f.Grid.NLat; r++ {
		p := phase
		if f.Grid.LatCentre(r) < 0 {
			p += math.Pi
		}
		v := float32(math.Sin(p))
		if name == FieldSeasonCos {
			v = float32(math.Cos(p))
		}
		row := f.Values[r*f.Grid.NLon : (r+1)*f.Grid.NLon]
		for c := range row {
			row[c] = v
		}
	}
	return f, nil
}
