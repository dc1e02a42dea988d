package land

import (
	"time"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
)

// Features is the feature spec every DGVM emulator is trained on. All
// members share it, so Run builds one feature matrix per month and
// predicts every member from it.
//
//   - the month's drivers as they are (the DGVMs' forcing);
//   - their anomalies against the climatology of the calendar month
//     (the interannual signal the trees must map to NBP anomalies);
//   - 3-month running means of the temperature, precipitation and soil
//     moisture anomalies and 1–3 month lags of the anomalies, because
//     drought and vegetation respond with a delay;
//   - the climatologies themselves (where and when the cell is), plus the
//     annual-mean NDVI and precipitation (the biome);
//   - month of year, latitude and longitude.
//
// Atmospheric CO2 is not a feature: it rises every month, so trees would
// use it as a clock and apply the anomalies of the last training years to
// every later month (on the synthetic world it biased the held-out year
// by 0.1-0.25 GtC/yr). The CO2 response is the linear Trend instead.
//
// The anomaly and climatology fields are derived from the Climatology
// the models were trained with (drivers.Field), so Run needs month m's
// cube, the three before it, and that climatology.
func Features() emulator.FeatureSpec {
	var f []emulator.Feature
	for _, d := range Drivers {
		f = append(f, emulator.Raw(d, driverUnits[d]))
	}
	for _, d := range Drivers {
		f = append(f, emulator.Raw(d+anomSuffix, driverUnits[d]))
	}
	for _, d := range []string{fieldT2m, fieldTp, fieldSwvl1} {
		f = append(f, emulator.RunningMean(d+anomSuffix, driverUnits[d], 3))
	}
	f = append(f,
		emulator.Lagged(fieldT2m+anomSuffix, driverUnits[fieldT2m], 1),
		emulator.Lagged(fieldSwvl1+anomSuffix, driverUnits[fieldSwvl1], 1),
		emulator.Lagged(fieldNDVI+anomSuffix, driverUnits[fieldNDVI], 1),
		emulator.Lagged(fieldTp+anomSuffix, driverUnits[fieldTp], 3),
	)
	for _, d := range []string{fieldT2m, fieldTp, fieldSwvl1, fieldNDVI} {
		f = append(f, emulator.Raw(d+climSuffix, driverUnits[d]))
	}
	f = append(f,
		emulator.Static(fieldNDVI+climAnnualSuffix, driverUnits[fieldNDVI]),
		emulator.Static(fieldTp+climAnnualSuffix, driverUnits[fieldTp]),
		emulator.Latitude(),
	)
	f = append(f, emulator.Longitude()...)
	f = append(f, emulator.MonthOfYear()...)
	return emulator.FeatureSpec{Features: f}
}

// lagMonths is how many months before m Features reads.
const lagMonths = 3

// LagMonths is how many months before the one being run Run reads: its
// Inputs.Cubes are the months m-LagMonths..m.
const LagMonths = lagMonths

func monthOf(mo int) time.Month { return time.Month(mo) }
