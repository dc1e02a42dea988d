package budget

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/carbonbudget/carbonbudget/internal/lake"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// Region is one row of the region table.
type Region = regions.Region

// Regions sums fields over every region in one pass; results are in the
// order of Regions(). Land-based fluxes are per m² of land and go through
// SumLand, ocean fluxes per m² of ocean through SumOcean.
// internal/regions satisfies it.
type Regions interface {
	Regions() []Region
	SumLand(values []float32) []float64
	SumOcean(values []float32) []float64
	HasLand(id string) bool
	HasOcean(id string) bool
}

// Flux is a gridded component: a per-cell mean and optional 1σ field in
// g C m⁻² month⁻¹, positive in the component's budget direction, and the
// global term the stage computed (which may include adjustments the grid
// does not carry, such as the ocean's river flux).
type Flux struct {
	lake.Term
	Mean  *grid.Field
	Sigma *grid.Field // nil when the component has no spread
	// Members are the ensemble members' totals for the month (GtC), so
	// that an annual σ can be the spread of the members' annual totals.
	Members map[string]float64
	// MemberFields are the members' own fields (units and direction as
	// Mean), summed over every region as rows component:member, so that
	// the agreement's bottom-up σ is the spread of the members' anomalies.
	MemberFields map[string]*grid.Field
	// Drivers split Mean by driver group (the emulators' attribution,
	// adding up to Mean per cell) and DriversSigma is each group's member
	// spread; summed over every region as rows CompLandDriver:GROUP or
	// CompOceanDriver:GROUP. nil: no attribution.
	Drivers, DriversSigma map[string]*grid.Field
}

// Inputs are the stage results and records the budget of one month needs.
type Inputs struct {
	Grid         grid.Grid
	LandFraction []float32
	Regions      Regions
	CO2          *CO2Record

	Fossil Flux // E_FOS, positive to the atmosphere
	Ocean  Flux // S_OCEAN, positive into the ocean
	Land   Flux // S_LAND (NBP of the DGVM emulators), positive into land
	// Fire is satellite fire emissions, positive to the atmosphere; the
	// land stage has already put its anomaly into Land.
	Fire    *grid.Field
	PCO2Sea *grid.Field // µatm, optional
	ELUC    lake.Term
	SCement lake.Term
	// FossilNational and FossilBunkersGtC are published as they come
	// (lake.MonthRecord).
	FossilNational   []lake.NationalRow
	FossilBunkersGtC float64
	// Inversions are the atmospheric inversion products that have this
	// month; InversionsMissing the configured ones that do not yet.
	Inversions        []Inversion
	InversionsMissing []string
	// NOAAGrowth is NOAA's annual growth of the month's year, published
	// beside the annual G_ATM; nil when not available.
	NOAAGrowth *lake.NOAAGrowth
}

// Result is one month's budget, its regional table and its gridded month.
type Result struct {
	Month                 grid.Month
	Budget                lake.Budget
	GAtmDeseasonalisedGtC float64
	OceanMembers          map[string]float64 // GtC in the month, per member
	LandMembers           map[string]float64
	NOAAGrowth            *lake.NOAAGrowth
	Regional              []lake.RegionRow
	FossilNational        []lake.NationalRow
	FossilBunkersGtC      float64
	Grid                  output.GridMonth
}

// Run closes the budget of month m and sums every component over every
// region.
func Run(ctx context.Context, m grid.Month, in Inputs, _ Options) (*Result, error) {
	if in.CO2 == nil {
		return nil, fmt.Errorf("budget %s: no CO2 record", m)
	}
	mg, err := in.CO2.MonthGrowth(m)
	if err != nil {
		return nil, fmt.Errorf("budget %s: %w", m, err)
	}
	gAtm := lake.Term{GtC: mg.MeanPPM * GtCPerPPM, SigmaGtC: GAtmSigmaGtCPerYear / 12, Provisional: mg.Provisional}
	b := Close(m.String(), lake.Terms{EFos: in.Fossil.Term, ELUC: in.ELUC, GAtm: gAtm,
		SOcean: in.Ocean.Term, SLand: in.Land.Term, SCement: in.SCement})
	res := &Result{Month: m, Budget: b, GAtmDeseasonalisedGtC: mg.TrendPPM * GtCPerPPM,
		OceanMembers: in.Ocean.Members, LandMembers: in.Land.Members, FossilNational: in.FossilNational, FossilBunkersGtC: in.FossilBunkersGtC,
		NOAAGrowth: in.NOAAGrowth}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if in.Regions != nil {
		res.Regional = regional(m, in)
		if len(in.Inversions) > 0 {
			regs := in.Regions.Regions()
			sums := sumInversions(in)
			res.Budget.TopDown = topDownGlobal(m, regs, sums, in.InversionsMissing)
			res.Regional = append(res.Regional, topDownRows(m, in, regs, sums, len(in.InversionsMissing) > 0)...)
		}
	}
	res.Grid = gridMonth(m, in)
	return res, nil
}

// Options tunes Run. The zero value is the production setting.
type Options struct{}

// regional sums every component over every region: land components over
// its land, the ocean sink over its ocean (a country has no ocean rows, a
// basin no land rows). Sinks are positive into the surface, emissions
// positive to the atmosphere, and the net flux is fossil − land sink −
// ocean sink (positive: the region adds CO2 to the air). Region σ sums the
// per-cell σ: members' errors are coherent in space.
func regional(m grid.Month, in Inputs) []lake.RegionRow {
	regs := in.Regions.Regions()
	sums := map[string][]float64{}
	add := func(name string, f *grid.Field, sum func([]float32) []float64) {
		if f != nil {
			sums[name] = sum(f.Values)
		}
	}
	land, ocean := in.Regions.SumLand, in.Regions.SumOcean
	add(lake.CompFossil, in.Fossil.Mean, land)
	add(lake.CompLand, in.Land.Mean, land)
	add(lake.CompLand+"_sigma", in.Land.Sigma, land)
	add(lake.CompFire, in.Fire, land)
	add(lake.CompOcean, in.Ocean.Mean, ocean)
	add(lake.CompOcean+"_sigma", in.Ocean.Sigma, ocean)
	type memberSum struct {
		comp, name string
		sums       []float64
		prov       bool
	}
	var memberSums []memberSum
	for _, d := range []struct {
		comp string
		flux Flux
		sum  func([]float32) []float64
	}{{lake.CompLand, in.Land, land}, {lake.CompOcean, in.Ocean, ocean}} {
		for _, name := range slices.Sorted(maps.Keys(d.flux.MemberFields)) {
			memberSums = append(memberSums, memberSum{d.comp, name, d.sum(d.flux.MemberFields[name].Values), d.flux.Provisional})
		}
	}
	// driverSums are the regional sums of a flux's driver groups and of
	// their σ (nil without one), by group, in sorted order.
	type driverSum struct {
		name      string
		gtc, sdev []float64
	}
	driverSums := func(f Flux, sum func([]float32) []float64) []driverSum {
		var out []driverSum
		for _, name := range slices.Sorted(maps.Keys(f.Drivers)) {
			d := driverSum{name: name, gtc: sum(f.Drivers[name].Values)}
			if s := f.DriversSigma[name]; s != nil {
				d.sdev = sum(s.Values)
			}
			out = append(out, d)
		}
		return out
	}
	landDrivers, oceanDrivers := driverSums(in.Land, land), driverSums(in.Ocean, ocean)
	var rows []lake.RegionRow
	row := func(r Region, comp string, gtc, sigma float64, prov bool) {
		rows = append(rows, lake.RegionRow{Month: m.String(), RegionID: r.ID, Name: r.Name, Kind: r.Kind, Component: comp,
			GtC: gtc, SigmaGtC: sigma, AnomalyGtC: math.NaN(), Provisional: prov})
	}
	driverRows := func(r Region, i int, comp string, ds []driverSum, prov bool) {
		for _, d := range ds {
			var sigma float64
			if d.sdev != nil {
				sigma = d.sdev[i] / 1e15
			}
			row(r, lake.ProductComponent(comp, d.name), d.gtc[i]/1e15, sigma, prov)
		}
	}
	get := func(name string, i int) float64 {
		if s, ok := sums[name]; ok {
			return s[i] / 1e15
		}
		return 0
	}
	for i, r := range regs {
		fos, land, ocean := get(lake.CompFossil, i), get(lake.CompLand, i), get(lake.CompOcean, i)
		hasLand, hasOcean := in.Regions.HasLand(r.ID), in.Regions.HasOcean(r.ID)
		if hasLand {
			row(r, lake.CompFossil, fos, fos*fossilRelSigma(in.Fossil.Term), in.Fossil.Provisional)
			row(r, lake.CompLand, land, get(lake.CompLand+"_sigma", i), in.Land.Provisional)
			row(r, lake.CompFire, get(lake.CompFire, i), 0, in.Land.Provisional)
			driverRows(r, i, lake.CompLandDriver, landDrivers, in.Land.Provisional)
		}
		if hasOcean {
			row(r, lake.CompOcean, ocean, get(lake.CompOcean+"_sigma", i), in.Ocean.Provisional)
			driverRows(r, i, lake.CompOceanDriver, oceanDrivers, in.Ocean.Provisional)
		}
		for _, mf := range memberSums {
			if (mf.comp == lake.CompLand && hasLand) || (mf.comp == lake.CompOcean && hasOcean) {
				row(r, lake.ProductComponent(mf.comp, mf.name), mf.sums[i]/1e15, 0, mf.prov)
			}
		}
		net := fos - land - ocean
		sigma := math.Hypot(math.Hypot(fos*fossilRelSigma(in.Fossil.Term), get(lake.CompLand+"_sigma", i)), get(lake.CompOcean+"_sigma", i))
		row(r, lake.CompNetToAtmos, net, sigma, in.Fossil.Provisional || in.Land.Provisional || in.Ocean.Provisional)
	}
	return rows
}

func fossilRelSigma(t lake.Term) float64 {
	if t.GtC == 0 {
		return 0
	}
	return t.SigmaGtC / t.GtC
}

// gridMonth assembles the published grid columns, in g C m⁻² month⁻¹
// unless stated.
func gridMonth(m grid.Month, in Inputs) output.GridMonth {
	gm := output.GridMonth{Grid: in.Grid, Month: m}
	col := func(name, units, desc string, f *grid.Field) {
		if f != nil {
			gm.Columns = append(gm.Columns, output.Column{Name: name, Units: units, Description: desc, Values: f.Values})
		}
	}
	if in.LandFraction != nil {
		gm.Columns = append(gm.Columns, output.Column{Name: "land_fraction", Units: "1", Description: "land cover of the cell (Natural Earth)", Values: in.LandFraction})
	}
	const u = "g C m-2 month-1"
	col("fossil", u, "fossil CO2 emissions excluding international aviation, to the atmosphere, per m2 of land", in.Fossil.Mean)
	col("nbp_mean", u, "net land flux into land (DGVM emulator mean with the fire anomaly), per m2 of land", in.Land.Mean)
	col("nbp_sd", u, "spread (1 sigma) of the DGVM emulators, per m2 of land", in.Land.Sigma)
	col("fire", u, "satellite fire carbon emissions, to the atmosphere, per m2 of land", in.Fire)
	col("ocean_uptake_mean", u, "sea-air CO2 flux into the ocean (ensemble mean), per m2 of ocean", in.Ocean.Mean)
	col("ocean_uptake_sd", u, "ensemble spread (1 sigma) of the ocean flux, per m2 of ocean", in.Ocean.Sigma)
	col("pco2_sea", "uatm", "surface-ocean pCO2 from the ship-data reconstruction", in.PCO2Sea)
	if in.Fossil.Mean != nil && in.Land.Mean != nil && in.Ocean.Mean != nil && in.LandFraction != nil {
		net := make([]float32, in.Grid.Cells())
		for i := range net {
			lf := in.LandFraction[i]
			net[i] = (nz(in.Fossil.Mean.Values[i])-nz(in.Land.Mean.Values[i]))*lf - nz(in.Ocean.Mean.Values[i])*(1-lf)
		}
		gm.Columns = append(gm.Columns, output.Column{Name: "net_flux", Units: u,
			Description: "net flux to the atmosphere per m2 of cell: (fossil - land uptake) x land fraction - ocean uptake x (1 - land fraction)", Values: net})
	}
	return gm
}

func nz(v float32) float32 {
	if v != v {
		return 0
	}
	return v
}

// Record is what the lake keeps of the month's result (budget.json).
func (r *Result) Record() lake.MonthRecord {
	return lake.MonthRecord{Budget: r.Budget, GAtmDeseasonalisedGtC: r.GAtmDeseasonalisedGtC, Regional: r.Regional,
		OceanMembers: r.OceanMembers, LandMembers: r.LandMembers, FossilNational: r.FossilNational, FossilBunkersGtC: r.FossilBunkersGtC,
		NOAAGrowth: r.NOAAGrowth}
}
