// Command regionsgen derives carbonbudget's committed region masks from
// Natural Earth country polygons: it reads the TopoJSON with GDAL, makes
// the polygons planar (unwrapped across the antimeridian, Antarctica
// closed through the South Pole), rasterises every country with GDAL onto
// a fine grid (80 samples per degree, cell-centre rule) in bands of
// latitude, counts each country's samples in every 0.25° cell, aggregates
// the counts to each supported resolution (2, 1, 0.5, 0.25°) and writes
// the fractional covers plus the country table to data/regions. The
// output is byte-for-byte reproducible.
//
// Inputs (npm packages; `make regions` installs them):
//
//	world-atlas 2.0.2      countries-50m.json (TopoJSON, Natural Earth 1:50m, public domain)
//	world-countries 5.1.0  countries.json (ISO codes, names, UN regions; ODbL 1.0, see data/regions/README.md)
//
// Usage: regionsgen --atlas DIR/countries-50m.json --countries DIR/countries.json --out data/regions
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"

	"github.com/airbusgeo/godal"
)

// resolutions are the analysis grids with committed masks (grid.SupportedResolutions).
var resolutions = []float64{2, 1, 0.5, 0.25}

func main() {
	atlas := flag.String("atlas", "", "world-atlas countries-50m.json")
	countries := flag.String("countries", "", "world-countries countries.json")
	out := flag.String("out", "data/regions", "output directory")
	flag.Parse()
	if *atlas == "" || *countries == "" {
		fmt.Fprintln(os.Stderr, "usage: regionsgen --atlas countries-50m.json --countries countries.json [--out data/regions]")
		os.Exit(2)
	}
	if err := run(*atlas, *countries, *out); err != nil {
		log.Fatal(err)
	}
}

func run(atlas, countriesPath, out string) error {
	table, err := loadCountries(countriesPath)
	if err != nil {
		return err
	}
	godal.RegisterAll()
	vec, err := godal.Open(atlas, godal.VectorOnly())
	if err != nil {
		return fmt.Errorf("open %s: %w", atlas, err)
	}
	defer vec.Close()
	fts, err := readFeatures(vec, table)
	if err != nil {
		return fmt.Errorf("%s: %w", atlas, err)
	}
	tmp, err := os.MkdirTemp("", "regionsgen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	planar, err := writeFeatures(tmp, fts)
	if err != nil {
		return fmt.Errorf("%s: planar copy: %w", atlas, err)
	}
	defer planar.Close()
	bc, err := rasterise(planar, featuresLayer)
	if err != nil {
		return fmt.Errorf("%s: %w", atlas, err)
	}
	rows, rowOf := tableRows(table, bc.present())
	if err := writeTable(filepath.Join(out, "countries.csv"), rows); err != nil {
		return err
	}
	for _, res := range resolutions {
		path := filepath.Join(out, "cover_"+strconv.FormatFloat(res, 'f', -1, 64)+".bin.gz")
		if err := writeCover(path, bc, res, rowOf); err != nil {
			return err
		}
		if st, err := os.Stat(path); err == nil {
			log.Printf("%s: %d bytes", path, st.Size())
		}
	}
	return nil
}
