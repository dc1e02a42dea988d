// Package units converts the units strings found in input files to the
// canonical units of the month cube (UDUNITS spelling, as in
// ingest/cube.Canonical).
//
// Every accepted spelling is listed in one table, so an unknown or
// misspelt unit is an error naming it rather than a silent factor of one.
// Conversions that depend on the accumulation period follow the ERA5
// monthly-means convention (ECMWF, "ERA5: data documentation", section on
// monthly means): accumulated variables in the "monthly averaged reanalysis"
// product are the mean DAILY accumulation, so total precipitation tp in m is
// metres per day and surface radiation ssrd in J m-2 is joules per square
// metre per day. Rates per second become amounts per month with the
// month's length in seconds.
package units

import (
	"fmt"
	"strings"
)

// gramsCPerMol is the standard atomic weight of carbon (IUPAC 2021,
// conventional value 12.011 g mol-1).
const gramsCPerMol = 12.011

// gramsCO2PerMol is the molar mass of CO2 from the same conventional
// atomic weights (C 12.011, O 15.999 g mol-1).
const gramsCO2PerMol = gramsCPerMol + 2*15.999

const secondsPerDay = 86400

// kelvinAtZeroCelsius is 0 °C in K (SI definition).
const kelvinAtZeroCelsius = 273.15

// spellings maps every accepted spelling (after normalise) to its
// canonical unit.
var spellings = map[string]string{}

func init() {
	for canon, aliases := range map[string][]string{
		"K":               {"K", "kelvin", "Kelvin", "degK", "deg K", "degrees_K", "degree_K"},
		"degC":            {"degC", "deg C", "°C", "C", "celsius", "Celsius", "deg_C", "degree_Celsius", "degrees_Celsius", "degrees Celsius", "degrees C"},
		"m":               {"m", "metre", "meter", "metres", "meters", "m of water equivalent"},
		"m day-1":         {"m day-1", "m d-1", "m/day"},
		"mm day-1":        {"mm day-1", "mm d-1", "mm/day"},
		"mm month-1":      {"mm month-1", "mm mon-1", "mm/month"},
		"kg m-2 s-1":      {"kg m-2 s-1", "kg/m2/s"},
		"kg m-2":          {"kg m-2", "kg/m2", "kg/(m^2)"},
		"J m-2":           {"J m-2", "J/m2", "W*s/m^2", "W s m-2"}, // W*s/m^2: GDAL's GRIB1 ECMWF unit of ssrd
		"W m-2":           {"W m-2", "W/m2"},
		"kg C m-2 s-1":    {"kg C m-2 s-1", "kgC m-2 s-1", "kg C/m2/s", "kgC/m2/s"},
		"mol m-2 s-1":     {"mol m-2 s-1", "mol C m-2 s-1", "molC m-2 s-1", "mol/m2/s"},
		"g C m-2 month-1": {"g C m-2 month-1", "gC m-2 month-1", "g C m-2 mon-1", "gC m-2 mon-1", "g C/m2/month", "gC/m2/month", "g C / m^2 / month"},
		// Fire emissions of other carbon-bearing masses: GFED5's monthly
		// files grid each species in g of that species m-2 month-1.
		"kg C m-2 month-1":  {"kg C m-2 month-1", "kgC m-2 month-1", "kg C/m2/month", "kgC/m2/month"},
		"g CO2 m-2 month-1": {"g CO2 m-2 month-1", "gCO2 m-2 month-1", "g CO2/m2/month", "gCO2/m2/month", "g CO2 m-2 mon-1"},
		"Pa":                {"Pa", "pascal", "Pascal"},
		"hPa":               {"hPa", "mbar", "mb", "millibar", "millibars"},
		"1":                 {"1", "", "-", "fraction", "0-1", "(0 - 1)", "(0-1)", "dimensionless", "proportion"}, // "-": GDAL's GRIB1 ECMWF unit of ci
		"%":                 {"%", "percent", "pct"},
		"m s-1":             {"m s-1", "m/s", "metre s-1", "meter s-1", "meters per second"},
		"m3 m-3":            {"m3 m-3", "m3/m3"},
		// Practical salinity (PSS-78) is dimensionless but files write it
		// as psu, 1e-3 or g/kg (absolute salinity, within 0.5% of it).
		"1e-3":   {"1e-3", "0.001", "psu", "PSU", "pss-78", "PSS-78", "g kg-1", "g/kg"},
		"mg m-3": {"mg m-3", "mg/m3", "milligram m-3", "milligrams m-3"},
	} {
		for _, a := range aliases {
			spellings[normalise(a)] = canon
		}
	}
}

// normalise removes the notation differences that carry no meaning:
// GRIB's brackets ("[K]"), Fortran and caret powers ("m**-2", "m^-2"),
// repeated blanks.
func normalise(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		s = s[1 : len(s)-1]
	}
	s = strings.NewReplacer("**", "", "^", "").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// Canonical returns the canonical spelling of units string s, or an error
// naming s when it is not in the table.
func Canonical(s string) (string, error) {
	if c, ok := spellings[normalise(s)]; ok {
		return c, nil
	}
	return "", fmt.Errorf("unknown units %q", s)
}
