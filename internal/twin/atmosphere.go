package twin

import (
	"math"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

const (
	// gtcPerPPM converts atmospheric CO2 to carbon mass (GCB; science.md §1).
	gtcPerPPM = 2.124
	// preindustrialPPM is the CO2 at which the twin's land and ocean are
	// in balance.
	preindustrialPPM = 280.0
	// oceanLagYears is the e-folding time of the surface ocean's carbon
	// following the atmosphere's through slow ventilation of the
	// thermocline; with it, the disequilibrium grows with the excess CO2
	// as the GCB ocean sink does (sink/excess ≈ 0.024 GtC/yr/ppm in both
	// 2000 and 2024).
	oceanLagYears = 40.0
	// historyEFoldYears fits CO2 before 1980 as 280 ppm plus an excess
	// growing exponentially with this e-folding time (the excess doubled
	// from 1960 to 1995), to start the lagged forms.
	historyEFoldYears = 45.0
)

// atmosphere is the one-box global atmosphere: CO2 integrates the true
// fluxes (1 ppm = 2.124 GtC), with lagged forms of it that set the land's
// respiration and the ocean's disequilibrium.
type atmosphere struct {
	co2PPM      float64 // global mean at the start of the coming month
	landLagPPM  [nLandSets]float64
	oceanLagPPM float64
}

// newAtmosphere starts at NOAA's January mean of fromYear; the lagged
// forms are spun up over the real record since 1980 (January values,
// linearly interpolated) from the exponential fit before it.
func newAtmosphere(fromYear int) atmosphere {
	var a atmosphere
	excess1980 := januaryCO2PPM(noaaFirstYear) - preindustrialPPM
	lagged := func(tau float64) float64 { return preindustrialPPM + excess1980/(1+tau/historyEFoldYears) }
	a.oceanLagPPM = lagged(oceanLagYears)
	for p, lp := range landSets {
		a.landLagPPM[p] = lagged(lp.lagYears)
	}
	for y := noaaFirstYear; y < fromYear; y++ {
		c0, c1 := januaryCO2PPM(y), januaryCO2PPM(y+1)
		for k := range 12 {
			a.co2PPM = c0 + (c1-c0)*float64(k)/12
			a.relax()
		}
	}
	a.co2PPM = januaryCO2PPM(fromYear)
	return a
}

// relax moves the lagged forms one month toward the current CO2.
func (a *atmosphere) relax() {
	step := func(lag *float64, tau float64) { *lag += (a.co2PPM - *lag) * (1 - math.Exp(-1/(12*tau))) }
	step(&a.oceanLagPPM, oceanLagYears)
	for p, lp := range landSets {
		step(&a.landLagPPM[p], lp.lagYears)
	}
}

// close books month m: the budget from the chunk sums and fossil
// emissions, then the new CO2. B_IM is zero by construction: the river
// loop (land uptake, ocean outgassing) passes through the atmosphere
// without a trace.
func (a *atmosphere) close(m grid.Month, s sums, fossilGtC float64) MonthBudget {
	days := float64(m.Days())
	b := MonthBudget{
		Month:   m,
		EFos:    fossilGtC,
		ELUC:    lucGtCPerYear(m.Year) * days / daysInYear(m.Year),
		SCement: cementCarbonationGtCPerYear(m.Year) * days / daysInYear(m.Year),
		SLand:   s.nbp,
		SOcean:  s.oceanSink,
		Fire:    s.fire,
		GPP:     s.gpp,
		FgCO2:   s.fgco2,
		River:   s.river,
		DGVM:    s.dgvm,
		GOBM:    s.gobm,
	}
	b.GAtm = b.EFos + b.ELUC - b.SLand - b.SOcean - b.SCement
	b.CO2StartPPM = a.co2PPM
	a.co2PPM += b.GAtm / gtcPerPPM
	b.CO2EndPPM = a.co2PPM
	a.relax()
	return b
}
