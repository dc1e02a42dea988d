// Package builder reads a month's input files and assembles its cube
// (ingest/cube): it resolves every configured source for the month into a
// catalogue of files with their SHA-256 (the cube's cache key), calls the
// format readers (ingest/netcdf, ingest/raster, ingest/socat, ingest/noaa,
// ingest/carbonmonitor, ingest/gcb) listed in one table in build.go,
// converts every variable to its canonical units, regrids it
// conservatively onto the analysis grid and checks its physical range and
// coverage. It is the only package that uses the readers on the way to a
// published month.
package builder
