// Command populationgen writes data/countries/countries.csv: each
// country's population (from the npm package country-json, joined on the
// ISO numeric code) and its land area (the committed Natural Earth cover
// of data/regions on the 0.25° grid times the exact cell areas), for the
// dashboard's per-capita and per-area views. Run it with `make population`.
package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/carbonbudget/carbonbudget/data"
	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

func main() {
	pkg := flag.String("country-json", "", "directory of the unpacked npm package country-json (holding src/)")
	out := flag.String("out", "data/countries/countries.csv", "file to write")
	flag.Parse()
	if *pkg == "" {
		fmt.Fprintln(os.Stderr, "usage: populationgen --country-json DIR [--out FILE]")
		os.Exit(2)
	}
	if err := run(*pkg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "populationgen:", err)
		os.Exit(1)
	}
}

// popYear is the year of country-json 2.3.0's populations: its values are
// the World Bank's SP.POP.TOTL for 2018 (e.g. Afghanistan 37,172,386).
const popYear = 2018

func run(pkg, out string) error {
	var pops []struct {
		Country    string   `json:"country"`
		Population *float64 `json:"population"`
	}
	var isos []struct {
		Country string          `json:"country"`
		ISO     json.RawMessage `json:"iso"` // a number, or a string for Montenegro
	}
	if err := readJSON(filepath.Join(pkg, "src", "country-by-population.json"), &pops); err != nil {
		return err
	}
	if err := readJSON(filepath.Join(pkg, "src", "country-by-iso-numeric.json"), &isos); err != nil {
		return err
	}
	// country-by-iso-numeric.json gives null for these names, 382 for
	// Montenegro and nothing for Cabo Verde; their ISO 3166-1 numeric codes.
	numeric := map[string]int{"Congo": 178, "The Democratic Republic of Congo": 180, "Fiji Islands": 242, "Kazakhstan": 398,
		"Libya": 434, "Micronesia, Federated States of": 583, "Myanmar": 104, "Russia": 643, "Sri Lanka": 144, "Cabo Verde": 132, "Montenegro": 499}
	for _, c := range isos {
		if _, fixed := numeric[c.Country]; fixed {
			continue
		}
		if n, err := strconv.Atoi(strings.Trim(string(c.ISO), `"`)); err == nil {
			numeric[c.Country] = n
		}
	}
	popByNumeric := map[int]float64{}
	for _, p := range pops {
		if n, ok := numeric[p.Country]; ok && p.Population != nil && *p.Population > 0 {
			popByNumeric[n] = *p.Population
		}
	}
	rows, err := readCountries()
	if err != nil {
		return err
	}
	g := grid.MustNew(0.25)
	set, err := regions.Load(g)
	if err != nil {
		return err
	}
	return durable.WriteFile(out, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"iso3", "name", "population", "population_year", "land_area_km2"})
		for _, r := range rows {
			cells, weights, err := set.SparseWeights(r.iso3)
			if err != nil {
				return err
			}
			var areaM2 float64
			for j, c := range cells {
				row, _ := g.RowCol(int(c))
				areaM2 += g.RowAreaM2(row) * float64(weights[j])
			}
			pop, year := "", ""
			if p, ok := popByNumeric[r.numeric]; ok {
				pop, year = strconv.FormatFloat(p, 'f', 0, 64), strconv.Itoa(popYear)
			}
			cw.Write([]string{r.iso3, r.name, pop, year, strconv.FormatFloat(areaM2/1e6, 'f', 0, 64)})
		}
		cw.Flush()
		return cw.Error()
	})
}

type country struct {
	iso3, name string
	numeric    int
}

// readCountries reads the committed countries.csv (iso3, name,
// iso_numeric, …) that the region masks use.
func readCountries() ([]country, error) {
	f, err := data.Regions.Open("regions/countries.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("countries.csv: %w", err)
	}
	var out []country
	for _, r := range recs[1:] {
		n, err := strconv.Atoi(r[2])
		if err != nil {
			return nil, fmt.Errorf("countries.csv: %s: iso_numeric %q: %w", r[0], r[2], err)
		}
		out = append(out, country{iso3: r[0], name: r[1], numeric: n})
	}
	return out, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
