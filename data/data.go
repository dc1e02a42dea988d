// Package data embeds the derived data files carbonbudget ships with, so the
// binary needs neither the network nor the source packages at run time:
// the region masks under regions/ (see regions/README.md for their source,
// licence and the command that regenerates them), and each country's
// population and land area under countries/ (countries/README.md).
package data

import "embed"

// Regions holds countries.csv and cover_<res>.bin.gz.
//
//go:embed regions/countries.csv regions/cover_*.bin.gz
var Regions embed.FS

// Countries holds countries.csv: iso3, name, population, population_year,
// land_area_km2.
//
//go:embed countries/countries.csv
var Countries embed.FS
