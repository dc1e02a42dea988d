// Package emulator trains and runs emulators: gradient-boosted regressions
// (XGBoost, through internal/xgb) that learn a carbon model's monthly
// output, or gridded observations, from the month's drivers on the
// analysis grid, so the model can be extended to months it has not been
// run for.
//
// A FeatureSpec names the model's inputs, each with its units: drivers as
// they are, lagged or as running means, anomalies against a per-cell
// climatology, the climatology itself, static fields, month of year as
// sine and cosine, and latitude and longitude. A Builder turns one month
// of drivers (Cubes) into a row-major float32 matrix, one row per cell,
// NaN where a driver is missing.
//
// Train splits by time, never by random rows: it fits on every month
// before the held-out year N, stops early and scores on year N (the real
// situation, where models lag a year). The result is a Model and its Card,
// a JSON record of what was trained and how well it did; Save writes both
// (<name>.json, which Python's xgboost loads, and <name>.card.json), and
// Load checks that they belong together.
//
// Skill is measured on every target cell of the held-out months: R², RMSE
// and bias per cell-month in the target's units, and the error of the
// area-weighted global sum (Σ value × cell area) per month and for the
// year.
//
// It also holds what the ocean and land stages share about an ensemble of
// emulators: the members manifest (Manifest, SaveMembers, LoadMembers),
// the ensemble mean and spread per cell and of totals (CellMeanSD,
// MeanSD), member selection, the members' skill on the stage's full
// prediction (MemberSkill, SkillAcc, ScoreMember), and the carbon-flux
// units (GramsPerGt, FluxUnits, XCO2Units).
package emulator
