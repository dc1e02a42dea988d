package ocean

import "github.com/carbonbudget/carbonbudget/internal/emulator"

// Features is the feature spec every ocean member is trained on: the
// month's ocean drivers, atmospheric CO2, latitude, longitude and month
// of year. All members share it, so Run builds one feature matrix per
// month and predicts every member from it.
//
// No lagged or climatology features: Run then needs only month m's cube,
// and the skill measured on the twin world (see the package tests) meets
// the targets without them.
func Features() emulator.FeatureSpec {
	f := []emulator.Feature{
		emulator.Raw(fieldSST, "degC"),
		emulator.Raw(fieldSalinity, "1e-3"),
		emulator.Raw(fieldMLD, "m"),
		emulator.Raw(fieldChl, "mg m-3"),
		emulator.Raw(fieldWindSq, "m2 s-2"),
		emulator.Raw(fieldIce, "1"),
		emulator.Raw(FieldXCO2, xco2Units),
		emulator.Latitude(),
	}
	f = append(f, emulator.Longitude()...)
	f = append(f, emulator.MonthOfYear()...)
	return emulator.FeatureSpec{Features: f}
}
