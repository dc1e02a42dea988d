package land

import (
	"math"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// fireFields are the month's observed fire emissions on land and their
// anomaly against the baseline climatology of the calendar month, g C m⁻²
// month⁻¹ per m² of land, positive to the atmosphere, NaN where the cell
// has no land.
type fireFields struct {
	fire, anomaly []float32
	// gapCells counts land cells where the fire or its climatology is
	// missing: their anomaly is 0, i.e. they keep the DGVMs' own
	// climatological fire.
	gapCells int
}

// fireAnomaly computes the fire fields on the land cells.
func fireAnomaly(fire, clim, landFrac []float32) fireFields {
	nan := float32(math.NaN())
	ff := fireFields{fire: make([]float32, len(fire)), anomaly: make([]float32, len(fire))}
	for i, lf := range landFrac {
		if !(lf > 0) {
			ff.fire[i], ff.anomaly[i] = nan, nan
			continue
		}
		ff.fire[i] = fire[i]
		a := fire[i] - clim[i]
		if a != a {
			a = 0
			ff.gapCells++
		}
		ff.anomaly[i] = a
	}
	return ff
}

// NetFlux returns the net land flux of a cell, g C m⁻² month⁻¹ into land:
// the emulated NBP minus the fire anomaly (observed fire minus its
// baseline climatology for the calendar month).
//
// Why only the anomaly (science.md §5): the DGVM S2 runs carry fire as a
// climatological term inside their NBP, and the emulators learn that NBP,
// so the climatological fire is already subtracted once. Adding the whole
// observed fire (GFED) would subtract it twice; adding nothing would miss
// the extreme fires the models do not see (Canada 2023, 0.58 GtC/yr in Ke
// et al. 2024). Subtracting the anomaly counts exactly the excess (or the
// deficit) of this month's fires over what the models assume.
func NetFlux(nbp, fireAnomaly float32) float32 { return nbp - fireAnomaly }

// heatFields marks the land cells under extreme heat: whose 2 m
// temperature anomaly against the baseline climatology of the calendar
// month exceeds sigmas times that month's interannual standard deviation
// over the baseline years. cells is 1 there, 0 on other land, NaN off land
// (and on land without a temperature or a positive standard deviation,
// which cannot be tested).
func heatFields(t2m, mean, sd, landFrac []float32, sigmas float64) (cells []float32, n int) {
	nan := float32(math.NaN())
	cells = make([]float32, len(t2m))
	for i, lf := range landFrac {
		cells[i] = nan
		if !(lf > 0) || !(sd[i] > 0) || t2m[i] != t2m[i] || mean[i] != mean[i] {
			continue
		}
		cells[i] = 0
		if float64(t2m[i]-mean[i]) > sigmas*float64(sd[i]) {
			cells[i] = 1
			n++
		}
	}
	return cells, n
}

// heatNet is the net flux on the heat cells, NaN elsewhere.
func heatNet(net, heat []float32) []float32 {
	out := make([]float32, len(net))
	nan := float32(math.NaN())
	for i, h := range heat {
		out[i] = nan
		if h == 1 {
			out[i] = net[i]
		}
	}
	return out
}

// sumGtC is Σ value·area·landFraction in GtC.
func sumGtC(g grid.Grid, values, landFrac []float32) float64 {
	return g.Sum(values, landFrac) / emulator.GramsPerGt
}
