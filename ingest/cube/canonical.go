package cube

import "math"

// Domain says which cells a variable is defined on, for coverage checks.
type Domain int

// Domains.
const (
	Everywhere Domain = iota
	Ocean
	Land
)

// Variable is the canonical form of one gridded driver in the cube.
type Variable struct {
	Name  string
	Units string // canonical units (UDUNITS spelling)
	// Min and Max bound physically possible values; anything outside is bad
	// input, not weather.
	Min, Max float64
	Domain   Domain
	// MinCoverage is the fraction of the domain's cells that must hold a
	// value after regridding.
	MinCoverage float64
}

// Canonical lists the gridded drivers the cube carries, their units and
// physical ranges. Model outputs (nbp/<MODEL>, fgco2/<MODEL>) and ship data
// are added with their own rules.
var Canonical = []Variable{
	{"t2m", "degC", -90, 60, Everywhere, 0.99},
	{"tp", "mm month-1", 0, 5000, Everywhere, 0.99},
	{"ssrd", "W m-2", 0, 500, Everywhere, 0.99},
	{"swvl1", "m3 m-3", 0, 1, Land, 0.9},
	{"si10", "m s-1", 0, 50, Everywhere, 0.99},
	{"sst", "degC", -2.5, 40, Ocean, 0.9},
	{"siconc", "1", 0, 1, Ocean, 0.9},
	{"msl", "hPa", 850, 1100, Everywhere, 0.99},
	{"mlotst", "m", 0, 6000, Ocean, 0.9},
	{"so", "1e-3", 0, 45, Ocean, 0.9},
	{"chl", "mg m-3", 0, 200, Ocean, 0.5},
	{"ndvi", "1", -0.2, 1, Land, 0.9},
	{"fire_c", "g C m-2 month-1", 0, 5000, Land, 0.9},
}

// Model-output units in the cube: both positive into the surface.
const (
	NBPUnits   = "g C m-2 month-1" // DGVM net biome production, into land
	FgCO2Units = "g C m-2 month-1" // GOBM sea-air flux, into ocean
)

// Inversion fields in the cube: one per product NAME (config
// inversions), e.g. "invbio/CT-NRT". invbio is the optimised land
// biosphere flux (for CarbonTracker without fire, so invbio + invfire is
// the net land flux; for CAMS the net land flux itself), invocean the
// optimised ocean flux, invfire and invfossil the imposed priors (present
// only when the product has them). All are in InversionUnits per m² of
// grid cell (not of land or ocean), positive into the surface, regridded
// conservatively. A product whose file for the month is not there yet has
// no fields and a catalogue entry with status "missing"; it does not make
// the month provisional.
const (
	InvBioPrefix    = "invbio/"
	InvOceanPrefix  = "invocean/"
	InvFirePrefix   = "invfire/"
	InvFossilPrefix = "invfossil/"
	InversionUnits  = "g C m-2 month-1"
)

// CanonicalVariable looks a canonical variable up by name.
func CanonicalVariable(name string) (Variable, bool) {
	for _, v := range Canonical {
		if v.Name == name {
			return v, true
		}
	}
	return Variable{}, false
}

// WindSquareFactor turns a monthly mean 10 m wind speed into the mean of
// its square, <U²> = factor·<U>², for sources that give only the mean
// speed: for a Rayleigh distribution of speeds <U²>/<U>² = 4/π ≈ 1.27
// (Wanninkhof 2014 discusses the need for <U²>; a source that has the
// second moment should map "si10sq" directly).
const WindSquareFactor = 4 / math.Pi
