package ocean

import "github.com/carbonbudget/carbonbudget/internal/emulator"

// Features is the feature spec every ocean member is trained on: the
// month's ocean drivers, atmospheric CO2, latitude, longitude and month
// of year. All members share it, so Run builds one feature matrix per
// month and predicts every member from it.
//
// Besides the calendar month, the local season (FieldSeasonSin/Cos): ships
// sample the Southern Ocean mostly in summer, and the local season lets
// the trees carry what they learn of boreal winters over to austral ones.
// On the twin world's files (1°, 2024 held out) it turned the
// reconstruction's annual flux error from +0.33 to −0.09 GtC/yr (+0.02
// and +0.11 with two other seeds). A land-fraction and a coast-proximity
// feature (FieldCoast) bring the river-carbon and shelf pCO2 near land.
//
// No lagged or climatology features: Run then needs only month m's cube.
// Other choices did worse on the twin world (2°, GOBM output to 2022,
// 2023 held out): an SST anomaly feature let the trees read the warming
// trend as a clock (the reconstruction's 2023 flux 0.5 GtC/yr too small);
// taking CO2 out of the trees into a linear term per latitude band, so
// that the growth of the sink extrapolates, made the trees read the SST
// warming as if it were a warmer place, and the GOBM emulators drifted
// from +0.27 (2003) to −0.34 GtC/yr (2022), against ±0.04 with CO2 among
// the features; a climatology of the ship ΔpCO2 (kernel-filled) as a
// feature made the reconstruction's flux errors worse in every year.
// Trees cannot extrapolate CO2 beyond the training years, so a year past
// them is predicted at the last years' level; the sink grows about 0.04
// GtC/yr per year, which bounds that error.
func Features() emulator.FeatureSpec {
	f := []emulator.Feature{
		emulator.Raw(fieldSST, "degC"),
		emulator.Raw(fieldSalinity, "1e-3"),
		emulator.Raw(fieldMLD, "m"),
		emulator.Raw(fieldChl, "mg m-3"),
		emulator.Raw(fieldWindSq, "m2 s-2"),
		emulator.Raw(fieldIce, "1"),
		emulator.Raw(FieldXCO2, emulator.XCO2Units),
		emulator.Static(fieldLandFrac, "1"),
		emulator.Static(FieldCoast, "1"),
		emulator.Latitude(),
	}
	f = append(f, emulator.Longitude()...)
	f = append(f, emulator.MonthOfYear()...)
	f = append(f, emulator.Raw(FieldSeasonSin, "1"), emulator.Raw(FieldSeasonCos, "1"))
	return emulator.FeatureSpec{Features: f}
}
