// Package duckqa checks carbonbudget's published files with DuckDB, an
// independent Parquet and GeoParquet reader. It is a separate module so
// that DuckDB's 70 MB of static libraries never enter the pipeline binary
// (stack.md); `make test` runs its tests after the main module's.
package duckqa
