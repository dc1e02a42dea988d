package regions

// RECCAP2 land regions (Ciais et al. 2022, GMD 15, 1289) as groupings of
// countries. The paper draws them on a 1° mask; this country-based version
// is an approximation, built from the UN subregions in world-countries with
// the overrides below (each a judgement call, documented in the README):
// Mexico, Central America and the Caribbean go with North America;
// Greenland with North America; Iran with West Asia; Central Asia with West
// Asia; Papua New Guinea with Southeast Asia; Ukraine, Belarus and Moldova
// with Europe; the overseas parts of European countries with the region
// they lie in (overseasReccap). Antarctica and the sub-Antarctic islands
// (world-countries' region "Antarctic") are in no RECCAP2 region.
var reccapLand = []struct{ ID, Name string }{
	{"reccap2-land/north-america", "North America"},
	{"reccap2-land/south-america", "South America"},
	{"reccap2-land/europe", "Europe"},
	{"reccap2-land/africa", "Africa"},
	{"reccap2-land/russia", "Russia"},
	{"reccap2-land/west-asia", "West Asia"},
	{"reccap2-land/south-asia", "South Asia"},
	{"reccap2-land/east-asia", "East Asia"},
	{"reccap2-land/southeast-asia", "Southeast Asia"},
	{"reccap2-land/australasia", "Australasia"},
}

const (
	reccapNorthAmerica  = "reccap2-land/north-america"
	reccapSouthAmerica  = "reccap2-land/south-america"
	reccapAfrica        = "reccap2-land/africa"
	reccapSoutheastAsia = "reccap2-land/southeast-asia"
)

var reccapOverride = map[string]string{
	"RUS": "reccap2-land/russia",
	"IRN": "reccap2-land/west-asia",
	"PNG": "reccap2-land/southeast-asia",
	"GRL": "reccap2-land/north-america",
}

var reccapBySubregion = map[string]string{
	"North America":             "reccap2-land/north-america",
	"Northern America":          "reccap2-land/north-america",
	"Central America":           "reccap2-land/north-america",
	"Caribbean":                 "reccap2-land/north-america",
	"South America":             "reccap2-land/south-america",
	"Western Asia":              "reccap2-land/west-asia",
	"Central Asia":              "reccap2-land/west-asia",
	"Southern Asia":             "reccap2-land/south-asia",
	"Eastern Asia":              "reccap2-land/east-asia",
	"South-Eastern Asia":        "reccap2-land/southeast-asia",
	"Australia and New Zealand": "reccap2-land/australasia",
	"Melanesia":                 "reccap2-land/australasia",
	"Micronesia":                "reccap2-land/australasia",
	"Polynesia":                 "reccap2-land/australasia",
}

var reccapByRegion = map[string]string{
	"Europe": "reccap2-land/europe",
	"Africa": "reccap2-land/africa",
}

// reccapOf returns the RECCAP2 land region of a country, or "".
func reccapOf(iso3, region, subregion string) string {
	if id, ok := reccapOverride[iso3]; ok {
		return id
	}
	if id, ok := reccapBySubregion[subregion]; ok {
		return id
	}
	return reccapByRegion[region]
}

// overseasReccap places the land of a European country that lies south
// of 30°N and outside 30°W–30°E in the region it lies in: Natural Earth
// draws French Guiana, Guadeloupe, Martinique, Mayotte and Réunion as
// parts of France and the Caribbean Netherlands as part of the
// Netherlands. French Guiana goes to South America (and so into
// Amazonia), the Caribbean islands to North America, Mayotte and Réunion
// to Africa. The Canaries and Madeira (east of 30°W) stay in Europe.
func overseasReccap(unRegion string, lat, lon float64) string {
	if unRegion != "Europe" || lat >= 30 || (lon >= -30 && lon <= 30) {
		return ""
	}
	switch {
	case lon > 30:
		return reccapAfrica
	case lat < 10:
		return reccapSouthAmerica
	}
	return reccapNorthAmerica
}

// basinOf assigns an ocean cell centre to a RECCAP2 ocean basin. The
// RECCAP2 basins come from the Fay & McKinley biomes; these rules follow
// their outer limits closely enough for basin totals:
//   - Southern Ocean: south of 35°S (the subtropical front, roughly);
//   - Arctic: north of 66°N (the Bering Strait and, in the Atlantic sector,
//     a simplification of the Greenland–Scotland ridge at about 63–66°N),
//     plus Hudson Bay and Hudson Strait (51–66°N, 96–64.5°W) and the White
//     Sea (north of 63.5°N, 30–45°E), Arctic marginal seas by the IHO;
//   - Indian: 20°E to 147°E, south of 30°N, and east of 100°E only south of
//     8°S (the Indonesian seas and the South China Sea are Pacific);
//   - Atlantic: west of 20°E and east of the Americas: -70° south of 8°N,
//     -84° from 8°N to 17°N, -100° north of 17°N (Gulf of Mexico,
//     Caribbean), the Mediterranean included;
//   - Pacific: the rest;
//   - the Caspian Sea belongs to no basin.
func basinOf(lat, lon float64) string {
	switch {
	case lat >= 36 && lat <= 48 && lon >= 46 && lon <= 56:
		return "" // the Caspian Sea, an inland sea in no basin
	case lat < -35:
		return "reccap2-ocean/southern"
	case lat >= 66, lat >= 51 && lon >= -96 && lon <= -64.5, lat >= 63.5 && lon >= 30 && lon <= 45:
		return "reccap2-ocean/arctic"
	case lon >= 20 && lon < 147 && lat < 30 && (lon < 100 || lat < -8):
		return "reccap2-ocean/indian"
	case lon < 20 && lon >= atlanticWest(lat):
		return "reccap2-ocean/atlantic"
	case lon >= 20 && lon < 45 && lat >= 30: // Mediterranean and Black Sea east of 20°E
		return "reccap2-ocean/atlantic"
	}
	return "reccap2-ocean/pacific"
}

func atlanticWest(lat float64) float64 {
	switch {
	case lat < 8:
		return -70
	case lat < 17:
		return -84
	}
	return -100
}

var reccapOcean = []struct{ ID, Name string }{
	{"reccap2-ocean/atlantic", "Atlantic Ocean"},
	{"reccap2-ocean/pacific", "Pacific Ocean"},
	{"reccap2-ocean/indian", "Indian Ocean"},
	{"reccap2-ocean/arctic", "Arctic Ocean"},
	{"reccap2-ocean/southern", "Southern Ocean"},
}
