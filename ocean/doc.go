// Package ocean estimates the ocean carbon sink S_OCEAN of one month, on
// the analysis grid and per region, the way the low-latency budget does:
// XGBoost emulators of global ocean biogeochemistry models (GOBMs), one per
// model, plus a data-driven reconstruction of surface-ocean pCO2 from ship
// observations (SOCAT) whose sea-air flux is computed with the bulk formula
// of internal/seawater (science.md §4).
//
// Units and signs. Every flux this package returns is positive INTO the
// ocean (the GCB S_OCEAN direction) and given per m² of OCEAN: g C m⁻²
// month⁻¹ per cell, NaN where a cell has no ocean. A total is
// Σ value·area·oceanFraction (cells that are partly land count by their
// ocean part), in GtC per month (1 GtC = 1e15 g C). pCO2 is in µatm,
// atmospheric CO2 (xCO2) in µmol mol⁻¹.
//
// Members. A GOBM emulator learns fgco2/<MODEL> (g C m⁻² month⁻¹, into the
// ocean) from the month's drivers. The reconstruction learns the
// sea-minus-air pCO2 difference ΔpCO2 from the ship cells (fco2_ship turned
// into pCO2 by the Weiss (1974) fugacity factor, minus the atmospheric
// pCO2 of the cell), because trees cannot extrapolate: ΔpCO2 has almost no
// trend, while pCO2 itself rises with the atmosphere every year beyond the
// training period. Predicted ΔpCO2 plus the month's atmospheric pCO2 is
// the surface pCO2; the flux is k_w·K0·ΔpCO2·(1 − ice).
//
// Ensemble (see ensemble.go). S_OCEAN is the GCB 2022+ estimate: the mean
// of the GOBM mean and the data-product mean, after the data product has
// received the river-flux adjustment (0.65 GtC/yr, Regnier et al. 2022,
// split by latitude band as Lacroix et al. 2020; science.md §4). σ is the
// standard deviation of the member totals (the member spread).
package ocean
