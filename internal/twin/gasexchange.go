package twin

import "math"

// Sea-air CO2 exchange of the twin world (science.md section 4). The twin
// keeps its own implementation rather than sharing the ocean stage's
// (internal/seawater), so a slip in either shows up when the pipeline is
// run against the twin; gasexchange_test.go checks the two agree.

const (
	// wanninkhofCmPerHour is a in kw = a·<U10²>·(Sc/660)^-0.5 [cm/hr]
	// (Wanninkhof 2014, Limnol. Oceanogr. Methods 12, 351).
	wanninkhofCmPerHour = 0.251
	// gramsCPerMol is the standard atomic weight of carbon.
	gramsCPerMol  = 12.011
	kelvinAtZeroC = 273.15
	// thermalPCO2PerC is the isochemical temperature sensitivity of
	// seawater pCO2, ∂ln pCO2/∂T = 0.0423 °C⁻¹ (Takahashi et al. 1993,
	// Global Biogeochem. Cycles 7, 843).
	thermalPCO2PerC = 0.0423
)

// schmidtCO2 is the Schmidt number of CO2 in seawater of 35 PSU, the
// fourth-order fit of Wanninkhof (2014), valid -2..40 °C (clamped there).
func schmidtCO2(tC float64) float64 {
	t := math.Max(-2, math.Min(40, tC))
	return 2116.8 + t*(-136.25+t*(4.7353+t*(-0.092307+t*0.0007555)))
}

// solubilityK0 is the CO2 solubility in mol L⁻¹ atm⁻¹ (Weiss 1974, Mar.
// Chem. 2, 203, Table I, volumetric coefficients), T in °C, S in PSU.
func solubilityK0(tC, sPSU float64) float64 {
	t := (tC + kelvinAtZeroC) / 100
	return math.Exp(-58.0931 + 90.5069/t + 22.2940*math.Log(t) + sPSU*(0.027766-0.025888*t+0.0050578*t*t))
}

// waterVapourAtm is the water-vapour pressure over seawater in atm (Weiss
// and Price 1980, Mar. Chem. 8, 347).
func waterVapourAtm(tC, sPSU float64) float64 {
	tk := tC + kelvinAtZeroC
	return math.Exp(24.4543 - 67.4509*(100/tk) - 4.8489*math.Log(tk/100) - 0.000544*sPSU)
}

// fugacityFactor is fCO2/pCO2 by the virial correction of Weiss (1974),
// T in K in both B and δ.
func fugacityFactor(tC, pAtm, xCO2ppm float64) float64 {
	tk := tC + kelvinAtZeroC
	b := -1636.75 + 12.0408*tk - 0.0327957*tk*tk + 3.16528e-5*tk*tk*tk
	delta := 57.7 - 0.118*tk
	x := 1 - xCO2ppm*1e-6
	return math.Exp(pAtm * (b + 2*x*x*delta) / (82.0578 * tk))
}

// exchangeMmolPerM2DayPerUatm is kw·K0 in mmol m⁻² day⁻¹ µatm⁻¹: kw in
// cm/hr × 0.24 = m/day, times K0 in mol L⁻¹ atm⁻¹ (= mmol m⁻³ µatm⁻¹ ×
// 1e-3 · 1e3). Multiply by ΔpCO2 (µatm) and (1 − ice) for the flux.
func exchangeMmolPerM2DayPerUatm(meanSquareWindM2PerS2, tC, sPSU, coeff float64) float64 {
	kw := coeff * meanSquareWindM2PerS2 / math.Sqrt(schmidtCO2(tC)/660)
	return kw * 0.24 * solubilityK0(tC, sPSU)
}

// gramsCPerM2Month converts mmol m⁻² day⁻¹ to g C m⁻² over days days.
func gramsCPerM2Month(mmolPerM2Day float64, days int) float64 {
	return mmolPerM2Day * 1e-3 * gramsCPerMol * float64(days)
}
