package twin

import (
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// cells evaluates rows [r0, r1) of month mc into out and adds their global
// totals to s.
func (w *World) cells(mc *monthCtx, out *MonthFields, r0, r1 int, s *sums) {
	g := w.geo.g
	var rc rowCtx
	for r := r0; r < r1; r++ {
		w.rowContext(mc, r, &rc)
		for c := range g.NLon {
			i := r*g.NLon + c
			cc := w.climate(mc, &rc, i, c)
			out.T2mC[i] = float32(cc.t2mC)
			out.PrecipMmPerDay[i] = float32(cc.precipMmPerDay)
			out.SsrdWPerM2[i] = float32(cc.ssrdWPerM2)
			out.Si10MPerS[i] = float32(cc.windMPerS)
			out.MslHPa[i] = float32(cc.mslHPa)
			if cc.land > 0 {
				w.landCell(mc, &rc, i, c, &cc, out, s)
			} else {
				setNaN(i, out.Swvl1, out.NDVI, out.GPP, out.NBP, out.Fire, out.ELUC, out.Fossil)
				setNaN(i, out.NBPModel[:]...)
			}
			if cc.land < 1 {
				w.oceanCell(mc, &rc, i, c, &cc, out, s)
			} else {
				setNaN(i, out.SstC, out.Siconc, out.MldM, out.SalinityPSU, out.ChlMgPerM3, out.PCO2SeaUatm,
					out.FCO2SeaUatm, out.PCO2AirUatm, out.FgCO2, out.OceanSink)
				setNaN(i, out.FgCO2Model[:]...)
			}
		}
	}
}

func setNaN(i int, fields ...[]float32) {
	for _, f := range fields {
		f[i] = nan32
	}
}

// climatologyYears is how long the climatology runs: two years of
// spin-up for soil water and snow, then one year recorded.
const climatologyYears = 3

// calibrate runs the climatology (the world of 2000 without weather, ENSO
// or extremes, with land in balance at pre-industrial CO2), records it,
// and sets the land's base respiration and climatological fire and the
// ocean's offsets and disequilibrium scale from it. The soil water and
// snow it ends with are the state the simulation starts from.
func (w *World) calibrate() {
	g := w.geo.g
	scratch := newMonthFields(g, grid.Month{Year: 2000, Month: time.January})
	var year sums
	for y := range climatologyYears {
		recording := y == climatologyYears-1
		if recording {
			w.land.acc = newLandAccum(g.Cells())
		}
		for k := 1; k <= 12; k++ {
			mc := w.monthContext(grid.Month{Year: 2001, Month: time.Month(k)}, true)
			s := w.runChunks(mc, scratch)
			if recording {
				year.add(&s)
			}
		}
	}
	w.land.finishCalibration()
	excess := w.atm.co2PPM - preindustrialPPM
	w.ocean.finishCalibration(year, w.atm.co2PPM-w.atm.oceanLagPPM, excess)
}

func newLandAccum(n int) *landAccum {
	a := &landAccum{}
	for p := range a.npp {
		a.npp[p] = make([]float32, n)
		a.shape[p] = make([]float32, n)
	}
	for k := range a.firePot {
		a.firePot[k] = make([]float32, n)
	}
	return a
}
