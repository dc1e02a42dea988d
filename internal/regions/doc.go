// Package regions holds the regions every stage sums over, on every
// supported analysis grid (2, 1, 0.5 and 0.25°): countries (Natural Earth
// admin-0 polygons, keyed by ISO 3166-1 alpha-3), the ten RECCAP2 land
// regions as country groupings, the five RECCAP2 ocean basins by
// latitude/longitude rules, latitude bands over land and over ocean,
// special regions of the low-latency budget (Amazonia, Canada, Southeast
// Asia) and the globe.
//
// Weights are fractional shares of a cell's area. A land region (kinds
// country, reccap2-land, band-land, special) weighs each cell by the share
// that is the region's land; an ocean region (reccap2-ocean, band-ocean) by
// the share that is the region's ocean (1 − land fraction: Natural Earth
// keeps lakes inside the countries, so the only inland water is the
// Caspian Sea, which counts as water but lies in no basin); the globe
// weighs every cell by 1 (its land and ocean parts add up). A
// region's total of a field per m² of cell is Σ value·areaM2·weight, which
// SumAll computes for every region in one pass over the grid; SumLand and
// SumOcean do the same for fields per m² of land or of ocean.
//
// Country weights of a cell sum to its land fraction; the land fraction
// includes Antarctica and Greenland. The masks come from the committed
// files under data/regions (embedded, so nothing is read at run time),
// made by cmd/regionsgen; data/regions/README.md gives their sources and
// every judgement call.
package regions
