// Package seawater holds the gas-exchange physics of CO2 between the
// surface ocean and the atmosphere, as pure functions: Schmidt number,
// transfer velocity, solubility, water-vapour pressure, fugacity and the
// bulk flux. The ocean stage uses it. The twin world keeps its own
// implementation (internal/twin) on purpose, so that a slip in either
// shows when the pipeline runs against the twin; the twin's tests check
// that the two agree.
//
// Temperatures are in °C at the API (converted to K inside where the
// formula wants K), salinity in PSU, pressure in atm, CO2 partial pressure
// and fugacity in µatm, mole fractions in µmol/mol. Sign: a positive flux
// is outgassing (sea to air); the Global Carbon Budget's S_OCEAN is its
// negative, summed.
package seawater

import "math"

// Physical constants.
const (
	// GramsCPerMol is the standard atomic weight of carbon (IUPAC).
	GramsCPerMol = 12.011
	// ZeroCelsiusK converts °C to K.
	ZeroCelsiusK = 273.15
	// gasConstantCm3AtmPerMolK is R in the units of the Weiss (1974)
	// virial correction.
	gasConstantCm3AtmPerMolK = 82.0578
	// WanninkhofCoefficient is a in k = a·<U10²>·(Sc/660)^-0.5 [cm/hr]
	// (Wanninkhof 2014, L&O Methods 12, 351).
	WanninkhofCoefficient = 0.251
	// SeawaterDensityKgPerL converts K0 between mol/kg and mol/L at the
	// surface (typical surface seawater, 1.025 kg/L).
	SeawaterDensityKgPerL = 1.025
)

// Schmidt returns the Schmidt number of CO2 in seawater of 35 PSU at tDegC
// (Wanninkhof 2014 fourth-order fit, valid -2..40 °C; Sc(20 °C) ≈ 668).
// Temperatures outside that range are clamped to it, because the
// polynomial turns over beyond 40 °C.
func Schmidt(tDegC float64) float64 {
	t := math.Max(-2, math.Min(40, tDegC))
	return 2116.8 + t*(-136.25+t*(4.7353+t*(-0.092307+t*0.0007555)))
}

// TransferVelocityCmPerHour returns the gas transfer velocity
// k = a·<U10²>·(Sc/660)^-0.5 in cm/hr (Wanninkhof 2014). meanSquareWindM2PerS2
// is the time mean of the squared 10 m wind, <U²>, not the square of the
// mean wind. coeff is a; pass WanninkhofCoefficient, or a coefficient
// rescaled to a target global mean as flux products do.
func TransferVelocityCmPerHour(meanSquareWindM2PerS2, sc, coeff float64) float64 {
	return coeff * meanSquareWindM2PerS2 / math.Sqrt(sc/660)
}

// Weiss (1974, Mar. Chem. 2, 203) coefficients, Table I.
var (
	weissPerKg = [6]float64{-60.2409, 93.4517, 23.3585, 0.023517, -0.023656, 0.0047036}
	weissPerL  = [6]float64{-58.0931, 90.5069, 22.2940, 0.027766, -0.025888, 0.0050578}
)

func weissK0(c [6]float64, tDegC, salinityPSU float64) float64 {
	t100 := (tDegC + ZeroCelsiusK) / 100
	ln := c[0] + c[1]/t100 + c[2]*math.Log(t100) + salinityPSU*(c[3]+c[4]*t100+c[5]*t100*t100)
	return math.Exp(ln)
}

// SolubilityMolPerKgPerAtm returns CO2 solubility K0 in mol kg⁻¹ atm⁻¹
// (Weiss 1974).
func SolubilityMolPerKgPerAtm(tDegC, salinityPSU float64) float64 {
	return weissK0(weissPerKg, tDegC, salinityPSU)
}

// SolubilityMolPerLPerAtm returns CO2 solubility K0 in mol L⁻¹ atm⁻¹
// (Weiss 1974), the form the bulk flux in mmol m⁻² day⁻¹ uses.
func SolubilityMolPerLPerAtm(tDegC, salinityPSU float64) float64 {
	return weissK0(weissPerL, tDegC, salinityPSU)
}

// VaporPressureAtm returns the water-vapour pressure over seawater in atm
// (Weiss & Price 1980, Mar. Chem. 8, 347).
func VaporPressureAtm(tDegC, salinityPSU float64) float64 {
	tK := tDegC + ZeroCelsiusK
	return math.Exp(24.4543 - 67.4509*(100/tK) - 4.8489*math.Log(tK/100) - 0.000544*salinityPSU)
}

// AtmosphericPCO2Uatm returns pCO2 of air in equilibrium with the sea
// surface: xCO2·(P − pH2O), with xCO2 the dry-air mole fraction in µmol/mol
// and P the sea-level pressure in atm.
func AtmosphericPCO2Uatm(xCO2UmolPerMol, pressureAtm, tDegC, salinityPSU float64) float64 {
	return xCO2UmolPerMol * (pressureAtm - VaporPressureAtm(tDegC, salinityPSU))
}

// FugacityFactor returns fCO2/pCO2 by the Weiss (1974) virial correction at
// tDegC, total pressure pressureAtm and CO2 mole fraction xCO2UmolPerMol.
// Temperatures go to K for both B and δ (using °C in δ is a common bug).
func FugacityFactor(tDegC, pressureAtm, xCO2UmolPerMol float64) float64 {
	tK := tDegC + ZeroCelsiusK
	b := -1636.75 + 12.0408*tK - 0.0327957*tK*tK + 3.16528e-5*tK*tK*tK
	delta := 57.7 - 0.118*tK
	x := xCO2UmolPerMol * 1e-6
	return math.Exp(pressureAtm * (b + 2*(1-x)*(1-x)*delta) / (gasConstantCm3AtmPerMolK * tK))
}

// FluxMmolPerM2PerDay returns the bulk sea-to-air CO2 flux
// F = kw·K0·(pCO2sea − pCO2air)·(1 − ice) in mmol m⁻² day⁻¹, positive for
// outgassing. kw in cm/hr becomes m/day by ×0.24; m/day × mol L⁻¹ atm⁻¹ ×
// µatm = mmol m⁻² day⁻¹. Ice fraction is clamped to 0..1.
func FluxMmolPerM2PerDay(kwCmPerHour, k0MolPerLPerAtm, pco2SeaUatm, pco2AirUatm, iceFraction float64) float64 {
	ice := math.Max(0, math.Min(1, iceFraction))
	return kwCmPerHour * 0.24 * k0MolPerLPerAtm * (pco2SeaUatm - pco2AirUatm) * (1 - ice)
}

// GramsCPerM2PerMonth converts a flux in mmol m⁻² day⁻¹ to g C m⁻² per month
// of the given length.
func GramsCPerM2PerMonth(fluxMmolPerM2PerDay float64, days int) float64 {
	return fluxMmolPerM2PerDay * 1e-3 * GramsCPerMol * float64(days)
}

// Inputs are the surface conditions of one ocean cell in one month.
type Inputs struct {
	SSTDegC               float64
	SalinityPSU           float64
	MeanSquareWindM2PerS2 float64 // <U10²>
	PressureAtm           float64 // sea-level pressure
	IceFraction           float64
	XCO2AirUmolPerMol     float64 // dry-air mole fraction
	PCO2SeaUatm           float64
}

// SeaToAirFlux computes the bulk flux in mmol m⁻² day⁻¹ for one cell, with
// transfer coefficient coeff (WanninkhofCoefficient unless rescaled).
func SeaToAirFlux(in Inputs, coeff float64) float64 {
	kw := TransferVelocityCmPerHour(in.MeanSquareWindM2PerS2, Schmidt(in.SSTDegC), coeff)
	k0 := SolubilityMolPerLPerAtm(in.SSTDegC, in.SalinityPSU)
	air := AtmosphericPCO2Uatm(in.XCO2AirUmolPerMol, in.PressureAtm, in.SSTDegC, in.SalinityPSU)
	return FluxMmolPerM2PerDay(kw, k0, in.PCO2SeaUatm, air, in.IceFraction)
}
