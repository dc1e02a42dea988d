// Package land estimates the land carbon sink of one month, on the
// analysis grid, the way the low-latency budget does (Ke et al. 2024,
// science.md §3): one XGBoost emulator per dynamic global vegetation model
// (DGVM), trained on that model's past S2 output and driven by the month's
// reanalysis and satellite data, plus observed fire emissions. E_LUC is
// not the stage's (the budget takes it from the cube), nor are regional
// totals and anomalies (the budget package's).
//
// Inputs. Run is handed the cubes of months m−3..m (ingest/cube), which
// its lagged features read, and a Climatology; Train and NewClimatology
// read years of cubes from an Archive.
//
// Units and signs (science.md §1, §5; pipeline contract). Every flux per
// cell is in g C m⁻² month⁻¹ per m² of LAND, NaN where a cell has no land.
// NBP and S_LAND are positive INTO the land (uptake); fire emissions are
// positive TO the atmosphere. A total is Σ value·area·landFraction
// in GtC per month (1 GtC = 1e15 g C); the budget annualises.
//
// Emulators. A member learns nbp/<MODEL> from the drivers of Features:
// temperature, precipitation, shortwave radiation, soil moisture and NDVI,
// their anomalies against the per-cell climatology of the calendar month
// (from a Climatology over the baseline years), 1–3 month lags and running
// means of the anomalies, the climatologies themselves, month of year,
// latitude and longitude. The trees learn the DGVM's anomaly: its NBP
// minus its own climatology of the calendar month and minus a linear
// response to atmospheric CO2 (Trend), both added back to the prediction,
// because regression trees cannot extrapolate beyond the CO2 of their
// training years and spend their splits on the seasonal cycle otherwise.
// Training splits by time: all years up to N−1 fit, year N stops training
// early and is scored (MemberSkill).
//
// Ensemble (internal/emulator, shared with the ocean stage). S_LAND is the
// mean of the member totals (GCB: the mean NBP of
// the DGVM S2 runs), σ the sample standard deviation of the member totals;
// the grid carries the per-cell mean and standard deviation.
//
// Fire (see NetFlux). The DGVMs carry a climatological fire term inside
// their NBP, so the observed fire emissions (the cube's fire_c, GFED-style)
// enter only as their anomaly against the baseline climatology of the
// calendar month: net land flux = NBP − fire anomaly. Adding the whole
// observed fire would count the climatological part twice; leaving fire
// out would miss the extreme fires the models cannot see (science.md §5:
// "DGVMs that simulate fire already include it in NBP. Check before adding
// GFED, to avoid double counting").
//
// Extreme heat. A land cell is under extreme heat when its 2 m temperature
// anomaly exceeds twice the standard deviation of that calendar month's
// temperature over the baseline years; the net flux of those cells is
// reported (Ke et al. 2024 report the gross loss of such regions in 2023).
//
// Files: Train saves <models>/land/<member>.json and <member>.card.json,
// climatology.bin and members.json (emulator.SaveMembers), whose land
// records are the climatology years and each member's trend, target and
// mask.
package land
