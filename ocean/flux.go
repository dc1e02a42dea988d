package ocean

import (
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/seawater"
)

// SeaFluxKwTargetCmPerHour is the global mean gas transfer velocity that
// SeaFlux (Fay et al. 2021; Zenodo 10.5281/zenodo.8280457) scales every
// wind product to: the bomb-14C constraint of 16.5 cm/hr (science.md §4).
const SeaFluxKwTargetCmPerHour = 16.5

// kwMeanCmPerHour returns the mean over months of the global mean k_w
// with the Wanninkhof (2014) coefficient, weighted by each cell's ice-free
// ocean area (area × ocean fraction × (1 − ice)): the quantity SeaFlux
// scales to 16.5 cm/hr. The coefficient that meets a target T is then
// 0.251·T/mean, since k_w is proportional to it.
func kwMeanCmPerHour(d drivers, g grid.Grid, oceanFrac []float32, months []grid.Month) (float64, error) {
	areas := g.RowAreasM2()
	var sumKw, sumW float64
	for _, m := range months {
		s, err := d.surface(m, g, true)
		if err != nil {
			return 0, fmt.Errorf("transfer velocity climatology: %w", err)
		}
		for i, of := range oceanFrac {
			if !(of > 0) {
				continue
			}
			t, u2, ice := float64(s.sst[i]), float64(s.windSq[i]), float64(s.ice[i])
			if math.IsNaN(t) || math.IsNaN(u2) {
				continue
			}
			if math.IsNaN(ice) {
				ice = 0
			}
			w := areas[i/g.NLon] * float64(of) * (1 - math.Max(0, math.Min(1, ice)))
			sumKw += w * seawater.TransferVelocityCmPerHour(u2, seawater.Schmidt(t), seawater.WanninkhofCoefficient)
			sumW += w
		}
	}
	if !(sumW > 0) {
		return 0, fmt.Errorf("transfer velocity climatology: no ice-free ocean cell with SST and wind in %d months", len(months))
	}
	return sumKw / sumW, nil
}

// reconFlux turns the reconstruction's ΔpCO2 (sea − air, µatm) on cells
// into surface pCO2 and the flux into the ocean in g C m⁻² month⁻¹ for a
// month of the given length: F = k_w·K0·ΔpCO2·(1 − ice) is the sea-to-air
// flux (science.md §4), and uptake is −F. Cells whose SST, salinity,
// pressure or wind is missing stay NaN (fillOcean fills them); missing
// ice counts as open water.
func reconFlux(s *surface, delta []float32, cells []int, coeff float64, days int, pco2Sea, uptake []float32) {
	for k, i := range cells {
		t, so, u2, ice := float64(s.sst[i]), float64(s.so[i]), float64(s.windSq[i]), float64(s.ice[i])
		if math.IsNaN(ice) {
			ice = 0
		}
		air := s.airPCO2(i)
		d := float64(delta[k])
		if math.IsNaN(air) || math.IsNaN(u2) || math.IsNaN(so) || math.IsNaN(d) {
			continue
		}
		pco2Sea[i] = float32(air + d)
		kw := seawater.TransferVelocityCmPerHour(u2, seawater.Schmidt(t), coeff)
		k0 := seawater.SolubilityMolPerLPerAtm(t, so)
		seaToAir := seawater.FluxMmolPerM2PerDay(kw, k0, air+d, air, ice)
		uptake[i] = float32(-seawater.GramsCPerM2PerMonth(seaToAir, days))
	}
}

// fillOcean gives every cell with ocean (oceanFrac > 0) and a NaN value
// the mean of its valid neighbours (8-connected, longitude wrapping),
// repeating outwards, so that coastal cells whose drivers were not
// regridded still carry their ocean part of the total. Cells left after
// maxPasses (an ocean cell far from any value) get the ocean-area mean of
// the valid cells (none when no cell has a value). Cells without ocean are
// set to NaN. It returns the number of cells filled.
func fillOcean(g grid.Grid, values, oceanFrac []float32) int {
	const maxPasses = 8
	filled := 0
	todo := make([]int, 0)
	for i, of := range oceanFrac {
		switch {
		case !(of > 0):
			values[i] = float32(math.NaN())
		case values[i] != values[i]:
			todo = append(todo, i)
		}
	}
	for pass := 0; pass < maxPasses && len(todo) > 0; pass++ {
		next := todo[:0:0]
		fill := make([]float32, len(todo))
		for k, i := range todo {
			fill[k] = neighbourMean(g, values, i)
		}
		for k, i := range todo {
			if fill[k] == fill[k] {
				values[i] = fill[k]
				filled++
			} else {
				next = append(next, i)
			}
		}
		todo = next
	}
	if len(todo) > 0 {
		mean, _ := g.Mean(values, oceanFrac)
		if !math.IsNaN(mean) {
			for _, i := range todo {
				values[i] = float32(mean)
				filled++
			}
		}
	}
	return filled
}

func neighbourMean(g grid.Grid, values []float32, i int) float32 {
	row, col := g.RowCol(i)
	var sum float64
	n := 0
	for dr := -1; dr <= 1; dr++ {
		r := row + dr
		if r < 0 || r >= g.NLat {
			continue
		}
		for dc := -1; dc <= 1; dc++ {
			c := (col + dc + g.NLon) % g.NLon
			if v := values[g.Index(r, c)]; v == v && (dr != 0 || dc != 0) {
				sum += float64(v)
				n++
			}
		}
	}
	if n == 0 {
		return float32(math.NaN())
	}
	return float32(sum / float64(n))
}
