// Package grid defines regular latitude-longitude grids, the calendar month
// the pipeline works in, and the fields that live on a grid.
//
// Conventions (shared by every stage):
//   - Row 0 is the northernmost row and column 0 starts at the western edge
//     (GDAL north-up). The analysis grids start at 180°W and 90°N.
//   - Cell index = row*NLon + col.
//   - Field values are float32; NaN marks a missing cell.
//   - Areas are in m² on a sphere of radius EarthRadiusM.
//
// The package imports no cgo and no third-party code, so its tests run
// anywhere.
package grid
