package land

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Driver groups of the land emulators' attribution (issue 23). A member's
// NBP in a cell is the sum of its groups' contributions: the trees'
// per-feature contributions summed by the driver each feature describes,
// the CO2 trend (the linear term outside the trees), and the bias (the
// trees' mean and base score, a constant). The observed fire anomaly is
// not the emulators': Result.FireAnomaly carries it.
const (
	DriverHeat        = "heat"        // temperature: t2m, its anomaly, running mean and lag
	DriverWater       = "water"       // precipitation and soil moisture
	DriverRadiation   = "radiation"   // surface solar radiation
	DriverVegetation  = "vegetation"  // NDVI, the vegetation state
	DriverCO2         = "co2"         // the CO2 fertilisation trend
	DriverSeasonality = "seasonality" // climatologies, calendar, place: the mean state
	DriverBias        = "bias"        // the trees' mean and base score
)

// driverOf maps a feature name to its group. The climatology features
// (suffix _clim, _clim_annual), place and calendar describe where and
// when a cell is, not its weather: seasonality.
func driverOf(feature string) string {
	switch {
	case strings.HasSuffix(feature, climSuffix) || strings.HasSuffix(feature, climAnnualSuffix),
		feature == "lat", strings.HasPrefix(feature, "lon_"), strings.HasPrefix(feature, "month_"):
		return DriverSeasonality
	case strings.HasPrefix(feature, fieldT2m):
		return DriverHeat
	case strings.HasPrefix(feature, fieldTp), strings.HasPrefix(feature, fieldSwvl1):
		return DriverWater
	case strings.HasPrefix(feature, fieldSsrd):
		return DriverRadiation
	case strings.HasPrefix(feature, fieldNDVI):
		return DriverVegetation
	}
	return DriverSeasonality
}

// attribute splits a member's NBP on p's cells into driver groups: the
// trees' contributions by group, plus the trend and climatology offsets
// (off, of which trend is the CO2 part). Fields are NaN where the member
// has no output, like its NBP.
func (p *predictor) attribute(mm *Model, off, trend []float32) (map[string]*grid.Field, error) {
	names := Features().Names()
	groups := DriverGroups()
	// The trees' bias goes to the bias group: GroupContributionRows puts
	// it last, after the groups.
	contrib, err := mm.Emulator.GroupContributionRows(p.x, p.nrow, names, groups, driverOf)
	if err != nil {
		return nil, fmt.Errorf("land %s: member %s: attribution: %w", p.m, mm.Name, err)
	}
	fields := make([]*grid.Field, len(groups))
	out := map[string]*grid.Field{}
	for g, d := range groups {
		fields[g] = grid.NewField(p.g, "driver/"+d+"/"+mm.DGVM, emulator.FluxUnits)
		out[d] = fields[g]
	}
	width := len(groups) + 1
	bias, co2, season := slices.Index(groups, DriverBias), slices.Index(groups, DriverCO2), slices.Index(groups, DriverSeasonality)
	for k, c := range p.cells {
		if mm.Mask != nil && !mm.Mask[c] {
			continue
		}
		row := contrib[k*width : (k+1)*width]
		for g, f := range fields {
			f.Values[c] = row[g]
		}
		fields[bias].Values[c] += row[len(groups)]
		fields[co2].Values[c] += trend[c]
		fields[season].Values[c] += off[c] - trend[c]
	}
	return out, nil
}

// DriverGroups lists the driver groups of the land attribution, in the order
// reports show them.
func DriverGroups() []string {
	return []string{DriverHeat, DriverWater, DriverRadiation, DriverVegetation, DriverCO2, DriverSeasonality, DriverBias}
}

// driverEnsemble is the per-cell mean and spread of each group over the
// members, by the rule of NBPMean (members that cover the cell).
func driverEnsemble(members []Member) (mean, sd map[string]*grid.Field) {
	if len(members) == 0 || members[0].Drivers == nil {
		return nil, nil
	}
	mean, sd = map[string]*grid.Field{}, map[string]*grid.Field{}
	for _, d := range slices.Sorted(maps.Keys(members[0].Drivers)) {
		fields := make([][]float32, len(members))
		for j, m := range members {
			fields[j] = m.Drivers[d].Values
		}
		mv, sv := emulator.CellMeanSD(fields, nil)
		g := members[0].Drivers[d].Grid
		mean[d] = &grid.Field{Name: "driver/" + d, Units: emulator.FluxUnits, Grid: g, Values: mv}
		sd[d] = &grid.Field{Name: "driver_sd/" + d, Units: emulator.FluxUnits, Grid: g, Values: sv}
	}
	return mean, sd
}
