// Package nowcast projects the calendar year in progress from the months
// published so far: every budget term (GtC/yr) and the annual CO2 growth rate
// (ppm/yr, global and Mauna Loa, in NOAA's definition), each with a 1σ that
// is calibrated on the projections the same code would have made in earlier
// years, and shrinks as the year fills.
//
// Everything here is a pure function of already-read series: Project takes
// the month the projection is made in (asOf) and Inputs, and uses nothing
// that would not have been available then (see available.go for the
// publication delays assumed). The hindcast, the monthly update and the
// tests call the same Project, so the published track record is the record
// of the code that makes the published projection.
//
// The growth rate is a least-squares regression, fitted on earlier years
// only (an expanding window), of the year's growth on a linear trend, the
// Oceanic Niño Index averaged over the twelve months ending a few months
// before the year's end (the lag is chosen in the fit, as in Betts et al.
// 2016, Nature Climate Change 6, 806–810), and the latest observed
// twelve-month rise of the monthly means; the months of the ONI not yet
// published are persisted. The
// terms are their year-to-date sums plus the remaining months, each the
// same calendar month's mean over the previous years shifted by this year's
// mean anomaly so far.
//
// A replay uses one vintage of each record: what Project is given is cut at
// asOf, but values before asOf are as revised since. NOAA revises the last
// months of its de-seasonalised trend as later months arrive (it enters
// only the training years' growth here) and its monthly means by a few
// hundredths; CPC revises recent ONI seasons. The hindcast is therefore
// slightly better informed than the forecasts made at the time would have
// been.
package nowcast
