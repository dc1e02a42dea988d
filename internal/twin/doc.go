// Package twin is the twin world: a seeded synthetic Earth carbon cycle
// that writes every input carbonbudget reads, in its real file format,
// together with the hidden truth the pipeline must recover (an
// observing-system simulation experiment, as in the Large Ensemble
// Testbed of Gloege et al. 2021).
//
// The world runs month by month on the analysis grid over the real land
// mask (internal/regions). Its climate is built from latitude,
// continentality and season, with smooth AR(1) weather, the real Oceanic
// Niño Index with its teleconnections, a warming trend and regional
// extremes modelled on real ones. Land carbon comes from a light-use
// efficiency model with Q10 respiration, a bucket soil, fire and
// land-use emissions; ocean carbon from a surface pCO2 field and the
// Wanninkhof (2014) bulk formula; fossil emissions from daily national
// series that add up to the Global Carbon Budget's totals; and a
// one-box atmosphere integrates the fluxes (1 ppm = 2.124 GtC).
//
// Three DGVM-like and three GOBM-like model variants differ from the truth
// as real models do; their files stop a year before the last simulated
// year, as the Global Carbon Budget's do.
//
// Units follow the pipeline: land fluxes per m² of land, ocean fluxes per
// m² of ocean, g C m⁻² month⁻¹, positive in the GCB direction (sinks into
// the surface, emissions to the atmosphere); budgets in GtC. The same seed
// gives byte-identical files.
package twin
