package units

import (
	"fmt"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// A linear conversion y = x·scale(m) + offset.
type conversion struct {
	scale    func(m grid.Month) float64 // nil: 1
	offset   float64
	perMonth bool // scale needs the month's length
}

func constant(k float64) func(grid.Month) float64 { return func(grid.Month) float64 { return k } }

func monthDays(k float64) func(grid.Month) float64 {
	return func(m grid.Month) float64 { return k * float64(m.Days()) }
}

func monthSeconds(k float64) func(grid.Month) float64 {
	return func(m grid.Month) float64 { return k * m.Seconds() }
}

type pair struct{ from, to string }

var conversions = map[pair]conversion{
	{"K", "degC"}: {offset: -kelvinAtZeroCelsius},
	// ERA5 monthly-mean tp: metres of water per day.
	{"m", "mm month-1"}:        {scale: monthDays(1000), perMonth: true},
	{"m day-1", "mm month-1"}:  {scale: monthDays(1000), perMonth: true},
	{"mm day-1", "mm month-1"}: {scale: monthDays(1), perMonth: true},
	// ERA5 monthly-mean tp in GRIB 2 (WMO total precipitation): kg m-2 of
	// water, 1 mm, per day like the GRIB 1 metres above.
	{"kg m-2", "mm month-1"}: {scale: monthDays(1), perMonth: true},
	// A water flux: 1 kg m-2 of water is 1 mm.
	{"kg m-2 s-1", "mm month-1"}: {scale: monthSeconds(1), perMonth: true},
	// ERA5 monthly-mean ssrd: J m-2 accumulated over one day.
	{"J m-2", "W m-2"}: {scale: constant(1.0 / secondsPerDay)},
	// Carbon mass fluxes (TRENDY nbp, CMIP fgco2 write kg m-2 s-1 of carbon).
	{"kg C m-2 s-1", "g C m-2 month-1"}:      {scale: monthSeconds(1000), perMonth: true},
	{"kg m-2 s-1", "g C m-2 month-1"}:        {scale: monthSeconds(1000), perMonth: true},
	{"mol m-2 s-1", "g C m-2 month-1"}:       {scale: monthSeconds(gramsCPerMol), perMonth: true},
	{"kg C m-2 month-1", "g C m-2 month-1"}:  {scale: constant(1000)},
	{"g CO2 m-2 month-1", "g C m-2 month-1"}: {scale: constant(gramsCPerMol / gramsCO2PerMol)},
	{"Pa", "hPa"}:                            {scale: constant(0.01)},
	{"hPa", "Pa"}:                            {scale: constant(100)},
	{"%", "1"}:                               {scale: constant(0.01)},
	{"1", "%"}:                               {scale: constant(100)},
}

// Factor returns scale and offset such that a value in units from is
// value·scale + offset in units to, for month m (needed when a rate per
// second becomes an amount per month).
func Factor(from, to string, m grid.Month) (scale, offset float64, err error) {
	cf, err := Canonical(from)
	if err != nil {
		return 0, 0, err
	}
	ct, err := Canonical(to)
	if err != nil {
		return 0, 0, err
	}
	if cf == ct {
		return 1, 0, nil
	}
	c, ok := conversions[pair{cf, ct}]
	if !ok {
		return 0, 0, fmt.Errorf("no conversion from %q to %q", from, to)
	}
	if c.perMonth && m.Month == 0 {
		return 0, 0, fmt.Errorf("converting %q to %q needs the month", from, to)
	}
	scale = 1
	if c.scale != nil {
		scale = c.scale(m)
	}
	return scale, c.offset, nil
}

// Convert converts values in place from units from to units to for month
// m. NaN stays NaN. Unknown units or an impossible conversion are errors
// naming both units; values are then left unchanged.
func Convert(values []float32, from, to string, m grid.Month) error {
	scale, offset, err := Factor(from, to, m)
	if err != nil {
		return err
	}
	if scale == 1 && offset == 0 {
		return nil
	}
	for i, v := range values {
		values[i] = float32(float64(v)*scale + offset)
	}
	return nil
}
