// Package regions holds the regions every stage sums over: countries
// (Natural Earth admin-0 polygons, keyed by ISO 3166-1 alpha-3), the ten
// RECCAP2 land regions as country groupings, the five RECCAP2 ocean basins
// by latitude/longitude rules, latitude bands, and special regions of the
// low-latency budget (Amazonia, Canada, Southeast Asia), on every supported
// analysis grid.
//
// Weights are fractional. Each region has land weights (the share of a
// cell's area that is the region's land) and ocean weights (the share that
// is the region's ocean). Land-based fluxes are per m² of land and ocean
// fluxes per m² of ocean (the pipeline's convention), so a region's total is
// Σ value·area·weight with the weights of the matching surface: SumLand and
// SumOcean do that for every region in one pass over the grid.
//
// Country weights of a cell sum to its land fraction; the land fraction
// includes Antarctica and Greenland. The masks come from committed files
// under data/regions made by cmd/regionsgen.
package regions
