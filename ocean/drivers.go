package ocean

import (
	"fmt"
	"math"
	"slices"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Driver groups of the ocean attribution (issue 23). A GOBM member's
// uptake in a cell is the sum of its trees' per-feature contributions,
// summed by the driver each feature describes, and the bias (the trees'
// base score). The reconstruction's uptake is a nonlinear function of the
// ΔpCO2 its trees predict (flux.go), so its features' contributions do not
// add up to it: its weighted share of the ensemble is a group of its own,
// DriverReconstruction, and the groups together add up to the ensemble
// mean in every cell.
const (
	DriverHeat           = "heat"           // sea-surface temperature
	DriverCirculation    = "circulation"    // ocean physics and circulation: mixed-layer depth, salinity, wind
	DriverBiology        = "biology"        // chlorophyll
	DriverSeaIce         = "sea_ice"        // sea-ice fraction
	DriverCO2            = "co2"            // atmospheric CO2
	DriverSeasonality    = "seasonality"    // place, calendar, season, land fraction and coast: the mean state
	DriverBias           = "bias"           // the trees' base score
	DriverReconstruction = "reconstruction" // the ship-data reconstruction's share, not split by driver
)

// DriverGroups lists the driver groups of the ocean attribution, in the
// order reports show them; the reconstruction's share, which is no GOBM's,
// comes last.
func DriverGroups() []string {
	return []string{DriverHeat, DriverCirculation, DriverBiology, DriverSeaIce, DriverCO2, DriverSeasonality, DriverBias, DriverReconstruction}
}

// driverOf maps an ocean feature to its group.
func driverOf(feature string) string {
	switch feature {
	case fieldSST:
		return DriverHeat
	case fieldMLD, fieldSalinity, fieldWindSq:
		return DriverCirculation
	case fieldChl:
		return DriverBiology
	case fieldIce:
		return DriverSeaIce
	case FieldXCO2:
		return DriverCO2
	}
	return DriverSeasonality
}

// attribute is a GOBM member's uptake split into driver groups on p's
// cells (NaN elsewhere, like its uptake).
func (p *predictor) attribute(mm *Model) (map[string][]float32, error) {
	names := Features().Names()
	groups := DriverGroups()[:len(DriverGroups())-1] // the reconstruction's share is not a GOBM's
	contrib, err := mm.Emulator.GroupContributionRows(p.x, p.nrow, names, groups, driverOf)
	if err != nil {
		return nil, fmt.Errorf("ocean %s: member %s: attribution: %w", p.m, mm.Name, err)
	}
	fields := make([][]float32, len(groups))
	out := map[string][]float32{}
	for g, d := range groups {
		fields[g] = nanField(p.g.Cells())
		out[d] = fields[g]
	}
	width := len(groups) + 1
	bias := slices.Index(groups, DriverBias)
	for k, c := range p.cells {
		row := contrib[k*width : (k+1)*width]
		for g, f := range fields {
			f[c] = row[g]
		}
		fields[bias][c] += row[len(groups)] // the trees' base score
	}
	return out, nil
}

// driverEnsemble weighs the GOBMs' driver groups and the reconstruction's
// uptake as the ensemble mean weighs the members (weights summing to 1),
// so that the groups add up to UptakeMean; the σ of a group is the GOBMs'
// spread of it, scaled by their share of the weight. nil without a GOBM
// attributed.
func (r *Result) driverEnsemble(g grid.Grid, groups []map[string][]float32) (mean, sd map[string]*grid.Field) {
	var gobmWeight float64
	var gobm []int
	for j, m := range r.Members {
		if groups[j] != nil {
			gobm = append(gobm, j)
			gobmWeight += m.Weight
		}
	}
	if len(gobm) == 0 {
		return nil, nil
	}
	n := g.Cells()
	mean, sd = map[string]*grid.Field{}, map[string]*grid.Field{}
	for d := range groups[gobm[0]] {
		fields := make([][]float32, len(gobm))
		sum := make([]float32, n)
		for k, j := range gobm {
			fields[k] = groups[j][d]
			for c, v := range groups[j][d] {
				sum[c] += float32(r.Members[j].Weight) * v
			}
		}
		_, spread := emulator.CellMeanSD(fields, nil)
		for c := range spread {
			spread[c] *= float32(gobmWeight)
		}
		mean[d] = &grid.Field{Name: "driver/" + d, Units: emulator.FluxUnits, Grid: g, Values: sum}
		sd[d] = &grid.Field{Name: "driver_sd/" + d, Units: emulator.FluxUnits, Grid: g, Values: spread}
	}
	if gobmWeight < 1 {
		share := make([]float32, n)
		for j, m := range r.Members {
			if groups[j] != nil {
				continue
			}
			for c, v := range m.Uptake.Values {
				share[c] += float32(m.Weight) * v
			}
		}
		mean[DriverReconstruction] = &grid.Field{Name: "driver/" + DriverReconstruction, Units: emulator.FluxUnits, Grid: g, Values: share}
	}
	return mean, sd
}

func nanField(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(math.NaN())
	}
	return v
}
