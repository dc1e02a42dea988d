package seawater

import (
	"math"
	"testing"
)

// Check values from science.md section 4 and the papers it cites.
func TestCheckValues(t *testing.T) {
	tests := []struct {
		name      string
		got, want float64
		relTol    float64
	}{
		// Wanninkhof 2014: Sc(20 °C) ≈ 668 (the polynomial gives 668.3).
		{"Schmidt(20)", Schmidt(20), 668.3, 1e-3},
		// Wanninkhof 2014 Table 1 lists Sc = 2116.8 at 0 °C by construction.
		{"Schmidt(0)", Schmidt(0), 2116.8, 1e-9},
		// Weiss 1974 Table III as quoted in science.md: K0(20 °C, S=20) = 0.03515 mol/kg/atm.
		{"K0 kg(20,20)", SolubilityMolPerKgPerAtm(20, 20), 0.03515, 2e-3},
		// At Sc = 660 the transfer velocity is a·U².
		{"kw(U²=100, Sc=660)", TransferVelocityCmPerHour(100, 660, WanninkhofCoefficient), 25.1, 1e-12},
		// science.md: at 1 atm and 20 °C fCO2 is about 0.34 % below pCO2.
		{"fugacity factor", FugacityFactor(20, 1, 400), 1 - 0.0034, 3e-4},
	}
	for _, tt := range tests {
		if rel := math.Abs(tt.got-tt.want) / math.Abs(tt.want); rel > tt.relTol {
			t.Errorf("%s = %.6g, want %.6g (rel err %.2e > %.0e)", tt.name, tt.got, tt.want, rel, tt.relTol)
		}
	}
}

func TestVaporPressure(t *testing.T) {
	// Saturation vapour pressure of pure water at 20 °C is 0.02308 atm
	// (23.39 hPa); seawater of 35 PSU lowers it by about 2 %.
	p := VaporPressureAtm(20, 35)
	if p < 0.0222 || p > 0.0231 {
		t.Errorf("pH2O(20 °C, 35 PSU) = %.5f atm, want about 0.0226", p)
	}
	if VaporPressureAtm(30, 35) <= VaporPressureAtm(10, 35) {
		t.Error("vapour pressure does not rise with temperature")
	}
}

func TestFluxSignAndIce(t *testing.T) {
	in := Inputs{SSTDegC: 15, SalinityPSU: 35, MeanSquareWindM2PerS2: 60, PressureAtm: 1, XCO2AirUmolPerMol: 420, PCO2SeaUatm: 450}
	out := SeaToAirFlux(in, WanninkhofCoefficient)
	if out <= 0 {
		t.Errorf("supersaturated sea gives flux %g, want outgassing (> 0)", out)
	}
	in.PCO2SeaUatm = 350
	up := SeaToAirFlux(in, WanninkhofCoefficient)
	if up >= 0 {
		t.Errorf("undersaturated sea gives flux %g, want uptake (< 0)", up)
	}
	in.IceFraction = 1
	if f := SeaToAirFlux(in, WanninkhofCoefficient); f != 0 {
		t.Errorf("full ice cover gives flux %g, want 0", f)
	}
	in.IceFraction = 0.5
	if f := SeaToAirFlux(in, WanninkhofCoefficient); math.Abs(f-up/2) > 1e-12 {
		t.Errorf("half ice cover gives %g, want %g", f, up/2)
	}
	// Magnitude: a 50 µatm undersaturation at U² = 60 is about
	// -6 mmol m⁻² day⁻¹ (kw ≈ 15 cm/hr, K0 ≈ 0.037 mol/L/atm at 15 °C).
	in.IceFraction, in.PCO2SeaUatm = 0, 0
	air := AtmosphericPCO2Uatm(420, 1, 15, 35)
	in.PCO2SeaUatm = air - 50
	if f := SeaToAirFlux(in, WanninkhofCoefficient); f > -4 || f < -9 {
		t.Errorf("ΔpCO2 = -50 µatm gives %g mmol m-2 d-1, want about -6", f)
	}
}

func TestMonthlyConversion(t *testing.T) {
	// 1 mmol m-2 d-1 over 30 days = 30 mmol = 0.36033 g C m-2.
	if got := GramsCPerM2PerMonth(1, 30); math.Abs(got-0.36033) > 1e-9 {
		t.Errorf("got %g, want 0.36033", got)
	}
}
