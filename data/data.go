// Package data embeds the derived data files carbonbudget ships with, so the
// binary needs neither the network nor the source packages at run time:
// the region masks under regions/ (see regions/README.md for their source,
// licence and the command that regenerates them).
package data

import "embed"

// Regions holds countries.csv and cover_<res>.bin.gz.
//
//go:embed regions/countries.csv regions/cover_*.bin.gz
var Regions embed.FS
