// Package ocean estimates the ocean carbon sink S_OCEAN of one month, on
// the analysis grid, the way the low-latency budget does (regional totals
// and anomalies are the budget package's):
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
// atmospheric CO2 (xCO2) in µmol mol⁻¹, which the cube spells "1e-6"
// (emulator.XCO2Units).
//
// Inputs. Run is handed month m's cube (ingest/cube) and reads nothing
// else; its Missing lists the late sources. Train reads years of cubes
// from an Archive.
//
// Members. A GOBM emulator learns fgco2/<MODEL> (g C m⁻² month⁻¹, into the
// ocean) from the month's drivers (Features). The reconstruction learns
// the sea-minus-air pCO2 difference ΔpCO2 from the ship cells (fco2_ship
// turned into pCO2 by the Weiss (1974) fugacity factor, minus the
// atmospheric pCO2 of the cell), because trees cannot extrapolate: ΔpCO2
// has little trend, while pCO2 itself rises with the atmosphere every year
// beyond the training period. When the month's ship data are in the cube,
// their residuals against the prediction are spread by a kernel and added
// (correction.go); when they are not, the result is provisional. Predicted
// ΔpCO2 plus the month's atmospheric pCO2 is the surface pCO2, and the
// flux is k_w·K0·ΔpCO2·(1 − ice) (internal/seawater), with k_w from the
// cube's <U10²> and the coefficient fixed at training (Models).
//
// Ensemble (ensemble.go). S_OCEAN is GCB's estimate: the mean of the GOBM
// mean and the data-product mean (memberWeights), after the data product has
// received the river-flux adjustment (0.65 GtC/yr, Regnier et al. 2022,
// split by latitude band as Lacroix et al. 2020; science.md §4), spread
// per m² of ocean within each band. The GOBMs get no river adjustment:
// they have no river carbon and simulate S_OCEAN as GCB defines it. σ is
// the sample standard deviation of the member totals (the member spread),
// per cell and in total.
//
// Files: Train saves <models>/ocean/<member>.json and <member>.card.json
// for each member and members.json, the manifest with each member's
// held-out skill and, as the ocean's extra record, the transfer
// coefficient (emulator.SaveMembers). The ensemble's mean and spread, the
// member selection and the skill are internal/emulator's, shared with the
// land stage.
package ocean
