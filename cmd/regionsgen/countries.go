package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"

	"github.com/airbusgeo/godal"
)

// country is one entry of the table, keyed by its burn code.
type country struct {
	Code      int // ISO 3166-1 numeric, or a code of our own for entries without one
	ISO3      string
	Name      string
	Region    string
	Subregion string
}

type wcEntry struct {
	CCA3      string `json:"cca3"`
	CCN3      string `json:"ccn3"`
	Region    string `json:"region"`
	Subregion string `json:"subregion"`
	Name      struct {
		Common string `json:"common"`
	} `json:"name"`
}

// kosovoCode is the burn code for Kosovo, which has no ISO numeric code
// (world-countries lists it without one); XKX is the code the European
// Commission and the IMF use.
const kosovoCode = 999

// loadCountries reads world-countries' countries.json into a table keyed
// by ISO numeric code.
func loadCountries(path string) (map[int]country, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var entries []wcEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	table := map[int]country{}
	for _, e := range entries {
		if e.CCN3 == "" {
			continue
		}
		n, err := strconv.Atoi(e.CCN3)
		if err != nil || n <= 0 || n >= kosovoCode {
			return nil, fmt.Errorf("%s: %s has numeric code %q, want 1..998", path, e.CCA3, e.CCN3)
		}
		table[n] = country{Code: n, ISO3: e.CCA3, Name: e.Name.Common, Region: e.Region, Subregion: e.Subregion}
	}
	table[kosovoCode] = country{Code: kosovoCode, ISO3: "XKX", Name: "Kosovo", Region: "Europe", Subregion: "Southeast Europe"}
	return table, nil
}

// codeByName gives a burn code to the Natural Earth features that have no
// ISO numeric id (documented in data/regions/README.md): Somaliland is
// folded into Somalia, Northern Cyprus into Cyprus, the Indian Ocean
// Territories (Christmas and Cocos Islands, one feature) into Australia,
// the Siachen Glacier into India (which holds it), and Kosovo gets its own
// entry.
var codeByName = map[string]int{
	"Somaliland":        706,
	"N. Cyprus":         196,
	"Indian Ocean Ter.": 36,
	"Siachen Glacier":   356,
	"Kosovo":            kosovoCode,
}

// feature is one Natural Earth feature with its burn code, its polygons
// made planar by fixAntimeridian.
type feature struct {
	Name     string
	Code     int
	Polygons []polygon
}

// readFeatures reads every feature of the countries layer and gives it a
// burn code that the table knows, so nothing is silently left out.
func readFeatures(vec *godal.Dataset, table map[int]country) ([]feature, error) {
	layer := vec.LayerByName("countries")
	if layer == nil {
		return nil, fmt.Errorf("no layer %q", "countries")
	}
	layer.ResetReading()
	var out []feature
	for f := layer.NextFeature(); f != nil; f = layer.NextFeature() {
		ft, err := readFeature(f, table)
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, ft)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the countries layer is empty")
	}
	return out, nil
}

func readFeature(f *godal.Feature, table map[int]country) (feature, error) {
	fields := f.Fields()
	id, name := fields["id"].String(), fields["name"].String()
	code, ok := codeByName[name]
	if id != "" {
		c, err := strconv.Atoi(id)
		if err != nil {
			return feature{}, fmt.Errorf("feature %q: id %q is not numeric", name, id)
		}
		code, ok = c, true
	}
	if !ok {
		return feature{}, fmt.Errorf("feature %q has no id and no rule in codeByName", name)
	}
	if _, known := table[code]; !known {
		return feature{}, fmt.Errorf("feature %q: code %d is not in world-countries", name, code)
	}
	geom := f.Geometry()
	defer geom.Close()
	gj, err := geom.GeoJSON(godal.SignificantDigits(10))
	if err != nil {
		return feature{}, fmt.Errorf("feature %q: %w", name, err)
	}
	polys, err := parseGeoJSONPolygons(gj)
	if err != nil {
		return feature{}, fmt.Errorf("feature %q: %w", name, err)
	}
	ft := feature{Name: name, Code: code}
	for _, p := range polys {
		ft.Polygons = append(ft.Polygons, fixAntimeridian(p)...)
	}
	return ft, nil
}

// tableRows lists the countries present on the grid, sorted by ISO3, and
// returns each burn code's row in that list (-1 for codes not present).
func tableRows(table map[int]country, present []bool) ([]country, []int) {
	var rows []country
	for code, ok := range present {
		if ok {
			rows = append(rows, table[code])
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ISO3 < rows[j].ISO3 })
	rowOf := make([]int, len(present))
	for i := range rowOf {
		rowOf[i] = -1
	}
	for i, r := range rows {
		rowOf[r.Code] = i
	}
	return rows, rowOf
}
