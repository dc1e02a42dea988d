package budget

import (
	"cmp"
	"maps"
	"math"
	"slices"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// Inversion is one atmospheric inversion product's month (the top-down
// view): fluxes per m² of cell (the products' own convention), g C m⁻²
// month⁻¹, positive into the surface.
type Inversion struct {
	Name string
	// Land is the net land flux: the optimised biosphere flux plus the
	// product's fire, which together approximate S_LAND − E_LUC.
	Land  *grid.Field
	Ocean *grid.Field
}

// River flux the Global Carbon Budget moves between the inversions' land
// and ocean before comparing them with S_LAND − E_LUC and S_OCEAN
// (science.md, "River-flux adjustment": 0.65 ± 0.3 GtC/yr, Regnier et al.
// 2022). The ocean stage adds the same flux to its data product; the two
// stages keep their own constant because neither may import the other.
const (
	RiverFluxGtCPerYear      = 0.65
	RiverFluxSigmaGtCPerYear = 0.3
)

// riverShare is the river flux of month m, GtC: the annual flux times the
// month's share of the year.
func riverShare(m grid.Month, perYear float64) float64 {
	return perYear * m.YearShare()
}

// productSums is one product summed over every region: land per m² of
// land, ocean per m² of ocean.
type productSums struct {
	name        string
	land, ocean []float64 // GtC per region, in Regions() order
}

// sumInversions sums each product over every region, in name order. A
// product gives its fluxes per m² of cell; a cell's land part is its flux
// over the land fraction, so that SumLand's land weights give back the
// cell's flux. Land flux the product puts in a cell with no land on our
// grid (and ocean flux in one with no ocean) has no region to go to and is
// left out, as it is from every regional sum.
func sumInversions(in Inputs) []productSums {
	out := make([]productSums, 0, len(in.Inversions))
	lf := in.LandFraction
	for _, inv := range in.Inversions {
		ps := productSums{name: inv.Name}
		if inv.Land != nil {
			v := make([]float32, len(inv.Land.Values))
			for i, x := range inv.Land.Values {
				v[i] = float32(math.NaN())
				if lf[i] > 0 {
					v[i] = x / lf[i]
				}
			}
			ps.land = scale(in.Regions.SumLand(v), 1e-15)
		}
		if inv.Ocean != nil {
			v := make([]float32, len(inv.Ocean.Values))
			for i, x := range inv.Ocean.Values {
				v[i] = float32(math.NaN())
				if lf[i] < 1 {
					v[i] = x / (1 - lf[i])
				}
			}
			ps.ocean = scale(in.Regions.SumOcean(v), 1e-15)
		}
		out = append(out, ps)
	}
	slices.SortFunc(out, func(a, b productSums) int { return cmp.Compare(a.name, b.name) })
	return out
}

func scale(v []float64, f float64) []float64 {
	for i := range v {
		v[i] *= f
	}
	return v
}

// meanSD is the mean and sample standard deviation of vs (SD 0 for one
// value: a single product has no spread to show).
func meanSD(vs []float64) (mean, sd float64) {
	if len(vs) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range vs {
		mean += v
	}
	mean /= float64(len(vs))
	if len(vs) < 2 {
		return mean, 0
	}
	var ss float64
	for _, v := range vs {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(vs)-1))
}

// topDownGlobal is the month's TopDown from the products' global sums.
func topDownGlobal(m grid.Month, regs []Region, sums []productSums, missing []string) *lake.TopDown {
	if len(sums) == 0 {
		return nil
	}
	gi := slices.IndexFunc(regs, func(r Region) bool { return r.ID == globalID })
	if gi < 0 {
		return nil
	}
	river := riverShare(m, RiverFluxGtCPerYear)
	riverSigma := riverShare(m, RiverFluxSigmaGtCPerYear)
	td := &lake.TopDown{Missing: slices.Clone(missing), RiverAdjustmentGtC: river,
		NetLandByProduct: map[string]float64{}, OceanByProduct: map[string]float64{}}
	var lands, oceans []float64
	for _, ps := range sums {
		td.Products = append(td.Products, ps.name)
		if ps.land != nil {
			td.NetLandByProduct[ps.name] = ps.land[gi] - river
			lands = append(lands, ps.land[gi]-river)
		}
		if ps.ocean != nil {
			td.OceanByProduct[ps.name] = ps.ocean[gi] + river
			oceans = append(oceans, ps.ocean[gi]+river)
		}
	}
	prov := len(missing) > 0
	if mean, sd := meanSD(lands); len(lands) > 0 {
		td.NetLand = lake.Term{GtC: mean, SigmaGtC: math.Hypot(sd, riverSigma), Provisional: prov}
	}
	if mean, sd := meanSD(oceans); len(oceans) > 0 {
		td.Ocean = lake.Term{GtC: mean, SigmaGtC: math.Hypot(sd, riverSigma), Provisional: prov}
	}
	return td
}

// globalID is the globe's region id (internal/regions.GlobalID).
const globalID = "global"

// topDownRows are the regional rows of the products: the ensemble mean
// with the products' spread as σ, and each product's value.
func topDownRows(m grid.Month, in Inputs, regs []Region, sums []productSums, prov bool) []lake.RegionRow {
	var rows []lake.RegionRow
	add := func(r Region, comp string, gtc, sigma float64) {
		rows = append(rows, lake.RegionRow{Month: m.String(), RegionID: r.ID, Name: r.Name, Kind: r.Kind, Component: comp,
			GtC: gtc, SigmaGtC: sigma, AnomalyGtC: math.NaN(), Provisional: prov})
	}
	domain := func(r Region, i int, comp string, get func(productSums) []float64) {
		var vs []float64
		for _, ps := range sums {
			if s := get(ps); s != nil {
				vs = append(vs, s[i])
			}
		}
		if len(vs) == 0 {
			return
		}
		mean, sd := meanSD(vs)
		add(r, comp, mean, sd)
		for _, ps := range sums {
			if s := get(ps); s != nil {
				add(r, lake.ProductComponent(comp, ps.name), s[i], 0)
			}
		}
	}
	for i, r := range regs {
		if in.Regions.HasLand(r.ID) {
			domain(r, i, lake.CompLandTopDown, func(ps productSums) []float64 { return ps.land })
		}
		if in.Regions.HasOcean(r.ID) {
			domain(r, i, lake.CompOceanTopDown, func(ps productSums) []float64 { return ps.ocean })
		}
	}
	return rows
}

// sumTopDown adds up the months' TopDown of a 12-month window, when every
// month has one from the same products: the products' annual totals, their
// mean and spread, and the river flux's σ summed as correlated.
func sumTopDown(tds []*lake.TopDown) *lake.TopDown {
	if len(tds) == 0 || tds[0] == nil {
		return nil
	}
	out := &lake.TopDown{Products: slices.Clone(tds[0].Products), NetLandByProduct: map[string]float64{}, OceanByProduct: map[string]float64{}}
	var riverSigma float64
	for _, td := range tds {
		if td == nil || !slices.Equal(td.Products, out.Products) {
			return nil
		}
		for p, v := range td.NetLandByProduct {
			out.NetLandByProduct[p] += v
		}
		for p, v := range td.OceanByProduct {
			out.OceanByProduct[p] += v
		}
		out.RiverAdjustmentGtC += td.RiverAdjustmentGtC
		// The monthly σ is the river's and the spread's in quadrature;
		// only the river's part is known to add up linearly.
		riverSigma += td.RiverAdjustmentGtC * RiverFluxSigmaGtCPerYear / RiverFluxGtCPerYear
		out.NetLand.Provisional = out.NetLand.Provisional || td.NetLand.Provisional
		out.Ocean.Provisional = out.Ocean.Provisional || td.Ocean.Provisional
	}
	for _, t := range []struct {
		by   map[string]float64
		term *lake.Term
	}{{out.NetLandByProduct, &out.NetLand}, {out.OceanByProduct, &out.Ocean}} {
		if len(t.by) == 0 {
			continue
		}
		vs := make([]float64, 0, len(t.by))
		for _, p := range slices.Sorted(maps.Keys(t.by)) {
			vs = append(vs, t.by[p])
		}
		mean, sd := meanSD(vs)
		t.term.GtC, t.term.SigmaGtC = mean, math.Hypot(sd, riverSigma)
	}
	return out
}
