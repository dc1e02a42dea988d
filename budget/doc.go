// Package budget combines the stage results into the Global Carbon
// Project's budget (Friedlingstein et al., science.md section 1):
//
//	E_FOS + E_LUC = G_ATM + S_OCEAN + S_LAND + S_CEMENT + B_IM
//
// Every term is positive in its own direction: emissions to the
// atmosphere, sinks as uptake. B_IM, the budget imbalance, is the residual
// E_FOS + E_LUC − G_ATM − S_OCEAN − S_LAND − S_CEMENT, so the identity
// closes by construction and B_IM carries all the error of the other terms.
//
// Units: a monthly budget is in GtC per month, an annual one in GtC per
// year. Uncertainties are 1σ: independent terms combine in quadrature; the
// months of one year are summed as fully correlated (a member's bias
// persists through the year), which is the cautious choice.
//
// Atmospheric growth: the annual G_ATM follows NOAA's global method (the
// rise of the de-seasonalised trend from 1 January to 31 December) times
// 2.124 GtC/ppm. The monthly G_ATM uses the central difference of the
// monthly means instead of the trend, because a monthly budget must carry
// the seasonal cycle of the burden to balance the seasonal land flux; the
// de-seasonalised monthly growth is reported beside it.
package budget
