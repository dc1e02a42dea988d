package inversion

import (
	"fmt"
	"slices"
	"strings"

	"github.com/carbonbudget/carbonbudget/ingest/netcdf"
)

// Layouts are the layout names Read accepts ("" detects the layout).
var Layouts = []string{"carbontracker", "cams", "cf"}

// role is one of the four fluxes a product may carry.
type role int

const (
	roleBio role = iota
	roleOcean
	roleFire
	roleFossil
)

var roleNames = [...]string{"bio", "ocean", "fire", "fossil"}

// required reports whether a product must carry the role: the imposed
// fire and fossil fluxes are left out of some products (CAMS has no
// separate fire field; a GCB-style file may have only land and ocean).
func (r role) required() bool { return r == roleBio || r == roleOcean }

// Directions of a flux in a file.
const (
	intoSurface   = 1.0
	toAtmosphere  = -1.0
	noDirectionOK = 0.0
)

// spec is one layout: the variable of each role and its direction.
type spec struct {
	name string
	// vars[role] are the names of the role's variable, tried in order.
	vars [4][]string
	// standardNames[role] match the variable by CF standard_name (cf).
	standardNames [4][]string
	// sign is the fixed direction of every variable (toAtmosphere for the
	// products that write emissions positive), or noDirectionOK when each
	// variable's standard_name or positive attribute says it.
	sign float64
}

var specs = map[string]spec{
	// NOAA GML CarbonTracker and CT-NRT flux1x1 monthly means.
	"carbontracker": {name: "carbontracker", sign: toAtmosphere, vars: [4][]string{
		{"bio_flux_opt"}, {"ocn_flux_opt"}, {"fire_flux_imp"}, {"fossil_flux_imp", "fossil_imp"}}},
	// CAMS global greenhouse-gas inversion, monthly-mean surface flux.
	"cams": {name: "cams", sign: toAtmosphere, vars: [4][]string{
		{"flux_apos_bio"}, {"flux_apos_ocean"}, nil, {"flux_foss"}}},
	// Generic CF: direction from the standard_name or positive attribute.
	"cf": {name: "cf", sign: noDirectionOK,
		standardNames: [4][]string{
			{"surface_net_downward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_all_land_processes",
				"surface_net_upward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_all_land_processes"},
			{"surface_downward_mass_flux_of_carbon_dioxide_expressed_as_carbon",
				"surface_upward_mass_flux_of_carbon_dioxide_expressed_as_carbon"},
			{"surface_upward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_emission_from_fires"},
			{"surface_upward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_emission_from_fossil_fuel_combustion"},
		},
		vars: [4][]string{{"land_flux", "nbp"}, {"ocean_flux", "fgco2"}, {"fire_flux"}, {"fossil_flux"}}},
}

// find returns the variable of role r in f and its direction; ok is false
// when the file has none.
func (s spec) find(f *netcdf.File, r role) (name string, sign float64, ok bool, err error) {
	vars := f.Variables()
	has := func(n string) bool {
		return slices.ContainsFunc(vars, func(v netcdf.Variable) bool { return v.Name == n })
	}
	for _, sn := range s.standardNames[r] {
		for _, v := range vars {
			if v.StandardName == sn {
				return v.Name, directionOf(sn), true, nil
			}
		}
	}
	for _, n := range s.vars[r] {
		if !has(n) {
			continue
		}
		if s.sign != noDirectionOK {
			return n, s.sign, true, nil
		}
		sign := directionOf(stdName(vars, n))
		if sign == noDirectionOK {
			sign = positiveAttr(f, n)
		}
		if sign == noDirectionOK {
			return n, 0, true, fmt.Errorf("direction unknown: neither standard_name nor positive says whether the flux is upward or downward")
		}
		return n, sign, true, nil
	}
	return "", 0, false, nil
}

func stdName(vars []netcdf.Variable, name string) string {
	for _, v := range vars {
		if v.Name == name {
			return v.StandardName
		}
	}
	return ""
}

// directionOf reads the direction out of a CF standard_name.
func directionOf(standardName string) float64 {
	switch {
	case strings.Contains(standardName, "downward"):
		return intoSurface
	case strings.Contains(standardName, "upward"):
		return toAtmosphere
	}
	return noDirectionOK
}

// positiveAttr reads the CF positive attribute ("up" or "down").
func positiveAttr(f *netcdf.File, name string) float64 {
	p, _ := f.Attr(name, "positive")
	switch strings.ToLower(strings.TrimSpace(p)) {
	case "down":
		return intoSurface
	case "up":
		return toAtmosphere
	}
	return noDirectionOK
}

// detect returns the layout named, or when layout is "" the one layout
// whose land and ocean variables f carries.
func detect(f *netcdf.File, layout string) (spec, error) {
	if layout != "" {
		s, ok := specs[layout]
		if !ok {
			return spec{}, fmt.Errorf("layout %q unknown, want one of %s", layout, strings.Join(Layouts, ", "))
		}
		return s, nil
	}
	var found []string
	for _, name := range Layouts {
		s := specs[name]
		bio, _, okBio, _ := s.find(f, roleBio)
		ocean, _, okOcean, _ := s.find(f, roleOcean)
		if okBio && okOcean && bio != "" && ocean != "" {
			found = append(found, name)
		}
	}
	switch len(found) {
	case 1:
		return specs[found[0]], nil
	case 0:
		return spec{}, fmt.Errorf("no known inversion layout: no land and ocean flux variables of %s", strings.Join(Layouts, ", "))
	}
	return spec{}, fmt.Errorf("layout ambiguous: the file fits %s; name the layout", strings.Join(found, " and "))
}
