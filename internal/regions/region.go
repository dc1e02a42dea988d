package regions

// Kind is the kind of a region. It is a plain string (an alias) so region
// tables can be stored and compared as text.
type Kind = string

// Kinds of region.
const (
	KindCountry     Kind = "country"
	KindReccapLand  Kind = "reccap2-land"
	KindReccapOcean Kind = "reccap2-ocean"
	KindBandLand    Kind = "band-land"
	KindBandOcean   Kind = "band-ocean"
	KindSpecial     Kind = "special"
	KindGlobal      Kind = "global"
)

// KindBand is the ocean band kind under its old name, kept so callers that
// reported "the bands" over the ocean keep working.
//
// Deprecated: use KindBandOcean (or KindBandLand for land bands).
const KindBand = KindBandOcean

// Kinds lists every kind in table order.
var Kinds = []Kind{KindGlobal, KindCountry, KindReccapLand, KindReccapOcean, KindBandLand, KindBandOcean, KindSpecial}

// Region is one row of the region table.
type Region struct {
	ID   string // ISO alpha-3 for countries, else a stable slug such as "reccap2-land/europe"
	Name string // English name
	Kind Kind
}

// GlobalID is the id of the whole globe.
const GlobalID = "global"
