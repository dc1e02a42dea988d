// Command regionsgen derives carbonbudget's committed region masks from
// Natural Earth country polygons: it rasterises every country onto a fine
// grid with GDAL (cell-centre rule), counts the fine samples of each
// country in every analysis cell, and writes the fractional cover of each
// supported resolution plus the country table to data/regions.
//
// Inputs (npm packages; `make regions` installs them):
//
//	world-atlas 2.0.2      countries-50m.json (TopoJSON, Natural Earth 1:50m, public domain)
//	world-countries 5.1.0  countries.json (ISO codes, names, UN regions; ODbL-free data, see its LICENSE)
//
// Usage: regionsgen --atlas DIR/countries-50m.json --countries DIR/countries.json --out data/regions
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/airbusgeo/godal"
)

// samplesPerDegree is the fine grid of the rasterisation: 40 per degree
// (2.5 arc-minutes) gives 100 samples in a 0.25° cell, so cover fractions
// are known to 1 % at the finest analysis grid.
const samplesPerDegree = 40

func main() {
	atlas := flag.String("atlas", "", "world-atlas countries-50m.json")
	countries := flag.String("countries", "", "world-countries countries.json")
	out := flag.String("out", "data/regions", "output directory")
	flag.Parse()
	if *atlas == "" || *countries == "" {
		log.Fatal("usage: regionsgen --atlas countries-50m.json --countries countries.json [--out data/regions]")
	}
	table, err := loadCountries(*countries)
	if err != nil {
		log.Fatal(err)
	}
	fine, err := rasterise(*atlas)
	if err != nil {
		log.Fatal(err)
	}
	rows, used := tableRows(table, fine)
	if err := writeTable(filepath.Join(*out, "countries.csv"), rows); err != nil {
		log.Fatal(err)
	}
	for _, res := range []float64{2, 1, 0.5, 0.25} {
		path := filepath.Join(*out, fmt.Sprintf("cover_%s.bin.gz", strconv.FormatFloat(res, 'f', -1, 64)))
		if err := writeCover(path, fine, res, used); err != nil {
			log.Fatal(err)
		}
		st, _ := os.Stat(path)
		log.Printf("%s: %d bytes", path, st.Size())
	}
}

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

// kosovoCode is the burn code for Kosovo, which has no ISO numeric code;
// XK/XKX is the code the European Commission and the IMF use.
const kosovoCode = 999

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
		if err != nil {
			return nil, fmt.Errorf("%s: %s has numeric code %q", path, e.CCA3, e.CCN3)
		}
		table[n] = country{Code: n, ISO3: e.CCA3, Name: e.Name.Common, Region: e.Region, Subregion: e.Subregion}
	}
	table[kosovoCode] = country{Code: kosovoCode, ISO3: "XKX", Name: "Kosovo", Region: "Europe", Subregion: "Southeast Europe"}
	return table, nil
}

// burnSQL gives every Natural Earth feature a numeric burn code. Five
// features have no ISO code; they are folded as documented in
// data/regions/README.md: Somaliland into Somalia, Northern Cyprus into
// Cyprus, the Indian Ocean Territories into Australia, the Siachen Glacier
// into India, and Kosovo gets its own entry.
const burnSQL = `SELECT geometry, CASE
  WHEN id IS NOT NULL AND id <> '' THEN CAST(id AS INTEGER)
  WHEN name = 'Somaliland' THEN 706
  WHEN name = 'N. Cyprus' THEN 196
  WHEN name = 'Indian Ocean Ter.' THEN 36
  WHEN name = 'Siachen Glacier' THEN 356
  WHEN name = 'Kosovo' THEN 999
  ELSE -1 END AS code FROM countries`

// fineGrid is the rasterised country code of every fine sample, row 0 at
// 90°N, column 0 at 180°W; 0 is no country.
type fineGrid struct {
	nlon, nlat int
	code       []int16
}

func rasterise(atlas string) (*fineGrid, error) {
	godal.RegisterAll()
	vec, err := godal.Open(atlas, godal.VectorOnly())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", atlas, err)
	}
	defer vec.Close()
	nlon, nlat := 360*samplesPerDegree, 180*samplesPerDegree
	res := strconv.FormatFloat(1.0/samplesPerDegree, 'g', -1, 64)
	ds, err := vec.Rasterize("", []string{"-of", "MEM", "-a_srs", "EPSG:4326", "-te", "-180", "-90", "180", "90",
		"-tr", res, res, "-ot", "Int16", "-init", "0", "-a", "code", "-dialect", "SQLite", "-sql", burnSQL})
	if err != nil {
		return nil, fmt.Errorf("rasterise %s: %w", atlas, err)
	}
	defer ds.Close()
	st := ds.Structure()
	if st.SizeX != nlon || st.SizeY != nlat {
		return nil, fmt.Errorf("rasterised %dx%d, want %dx%d", st.SizeX, st.SizeY, nlon, nlat)
	}
	g := &fineGrid{nlon: nlon, nlat: nlat, code: make([]int16, nlon*nlat)}
	if err := ds.Bands()[0].Read(0, 0, g.code, nlon, nlat); err != nil {
		return nil, err
	}
	for _, c := range g.code {
		if c < 0 {
			return nil, fmt.Errorf("a feature without a burn code was rasterised")
		}
	}
	fillPolarCap(g)
	return g, nil
}

// antarcticaCode is Antarctica's ISO numeric code.
const antarcticaCode = 10

// polarCapDeg is where GDAL stops rasterising world-atlas's Antarctica: its
// ring runs along the antimeridian to the pole, and south of about 84°S
// the burned cover falls from ~300 of 360 degrees of longitude to none.
// Everything south of 84°S is ice-covered Antarctica (the Ross and Ronne
// ice shelves end north of it), so the generator assigns it there.
const polarCapDeg = -84.0

func fillPolarCap(g *fineGrid) {
	first := int((90 - polarCapDeg) * samplesPerDegree)
	for i := first * g.nlon; i < len(g.code); i++ {
		if g.code[i] == 0 {
			g.code[i] = antarcticaCode
		}
	}
}

// tableRows lists the countries present on the fine grid, sorted by ISO3,
// and maps each burn code to its row.
func tableRows(table map[int]country, fine *fineGrid) ([]country, map[int16]int) {
	present := map[int16]bool{}
	for _, c := range fine.code {
		if c > 0 {
			present[c] = true
		}
	}
	var rows []country
	for code := range present {
		c, ok := table[int(code)]
		if !ok {
			log.Fatalf("burn code %d has no entry in world-countries", code)
		}
		rows = append(rows, c)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ISO3 < rows[j].ISO3 })
	used := map[int16]int{}
	for i, r := range rows {
		used[int16(r.Code)] = i
	}
	return rows, used
}
