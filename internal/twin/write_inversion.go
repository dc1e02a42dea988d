package twin

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/fhs/go-netcdf/netcdf"

	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// InversionTruthFile is where the twin records its inversions' placed
// errors and the true and product band totals (internal/twin/README.md).
const InversionTruthFile = "truth/inversions.json"

// invBands are the latitude bands of the band totals (GCB/RECCAP: 30°).
var invBands = []struct {
	name   string
	lo, hi float64
}{{"north", 30, 90}, {"tropics", -30, 30}, {"south", -90, -30}}

// bandSums are one year's totals in GtC over Months months, per band and
// global, into the surface.
type bandSums struct {
	Months int                `json:"months"`
	Land   map[string]float64 `json:"land_gtc"`
	Ocean  map[string]float64 `json:"ocean_gtc"`
}

func (b *bandSums) add(geo *geography, land, ocean []float64) {
	if b.Land == nil {
		b.Land, b.Ocean = map[string]float64{}, map[string]float64{}
	}
	b.Months++
	g := geo.g
	for i := range land {
		r := i / g.NLon
		a, lat := geo.areaM2[r]*1e-15, geo.latDeg[r]
		for _, band := range invBands {
			if lat >= band.lo && lat < band.hi || band.lo == -90 && lat == -90 {
				b.Land[band.name] += a * land[i]
				b.Ocean[band.name] += a * ocean[i]
			}
		}
		b.Land["global"] += a * land[i]
		b.Ocean["global"] += a * ocean[i]
	}
}

// invWriter writes the products month by month and their truth at the end.
type invWriter struct {
	dir    string
	first  grid.Month
	states []*invState
	truth  map[int]*bandSums
}

func newInvWriter(w *World, dir string) (*invWriter, error) {
	iw := &invWriter{dir: dir, first: grid.Month{Year: inversionFirstYear(w.opt), Month: time.January}, truth: map[int]*bandSums{}}
	for _, s := range inversionSpecs() {
		st, err := newInvState(w, s)
		if err != nil {
			return nil, fmt.Errorf("twin: inversion %s: %w", s.name, err)
		}
		iw.states = append(iw.states, st)
	}
	return iw, nil
}

// add writes month f of every product that has it and sums the truth.
func (iw *invWriter) add(w *World, f *MonthFields) error {
	m, geo := f.Month, w.geo
	if m.Before(iw.first) {
		return nil
	}
	n := geo.g.Cells()
	land, ocean := make([]float64, n), make([]float64, n)
	var landAreaM2 float64
	for i := range n {
		landAreaM2 += geo.areaM2[i/geo.g.NLon] * float64(geo.land[i])
	}
	for i := range n {
		lf := float64(geo.land[i])
		if lf > 0 {
			land[i] = lf * (finite(f.NBP[i]) - finite(f.ELUC[i]) + f.Budget.River*1e15/landAreaM2)
		}
		if lf < 1 {
			ocean[i] = (1 - lf) * finite(f.FgCO2[i])
		}
	}
	iw.sums(iw.truth, m.Year).add(geo, land, ocean)
	for _, st := range iw.states {
		if !st.writes(m) {
			continue
		}
		p := st.month(w, f)
		net := p.bio
		if p.fire != nil {
			net = make([]float64, n)
			for i := range net {
				net[i] = p.bio[i] + p.fire[i]
			}
		}
		iw.sums(st.sums, m.Year).add(geo, net, p.ocean)
		if err := st.write(iw.dir, m, p, w.opt.Seed); err != nil {
			return err
		}
	}
	return nil
}

func (iw *invWriter) sums(by map[int]*bandSums, year int) *bandSums {
	if by[year] == nil {
		by[year] = &bandSums{}
	}
	return by[year]
}

// inversionPath is product name's file of month m under dir, as the
// twin's configuration names it.
func inversionPath(dir, name string, m grid.Month) string {
	ym := fmt.Sprintf("%04d%02d", m.Year, int(m.Month))
	if name == "CAMS" {
		return filepath.Join(dir, "inversions", "CAMS", "cams73_latest_co2_flux_surface_mm_"+ym+".nc")
	}
	return filepath.Join(dir, "inversions", name, name+".v2025-1.flux1x1."+ym+".nc")
}

// invFile is how a layout writes a month: its axes, units and variables.
type invFile struct {
	layout   gridLayout
	clock    cfClock
	units    string
	perUnit  func(m grid.Month) float64 // g C m⁻² month⁻¹ per unit of the file
	areaName string
	vars     []invVar
}

type invVar struct {
	name, longName string
	values         func(*invFields) []float64
}

func invFileOf(layout string) invFile {
	t2000 := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if layout == "carbontracker" {
		// mol CO₂ m⁻² s⁻¹ over the month's true length.
		return invFile{layout: gridLayout{southFirst: true}, clock: newClock("days", t2000, "standard"),
			units: "mol m-2 s-1", perUnit: func(m grid.Month) float64 { return gramsCPerMol * m.Seconds() }, areaName: "cell_area",
			vars: []invVar{
				{"bio_flux_opt", "terrestrial biosphere CO2 flux, optimized", func(p *invFields) []float64 { return p.bio }},
				{"ocn_flux_opt", "open ocean CO2 flux, optimized", func(p *invFields) []float64 { return p.ocean }},
				{"fossil_flux_imp", "fossil fuel CO2 emissions, imposed", func(p *invFields) []float64 { return p.fossil }},
				{"fire_flux_imp", "fire CO2 emissions, imposed", func(p *invFields) []float64 { return p.fire }}}}
	}
	return invFile{layout: gridLayout{}, clock: newClock("hours", t2000, "gregorian"),
		units: "kgC m-2 month-1", perUnit: func(grid.Month) float64 { return 1000 }, areaName: "area",
		vars: []invVar{
			{"flux_apos_bio", "Posterior natural land surface flux (including biomass burning)", func(p *invFields) []float64 { return p.bio }},
			{"flux_apos_ocean", "Posterior ocean surface flux", func(p *invFields) []float64 { return p.ocean }},
			{"flux_foss", "Fossil fuel emissions (prescribed)", func(p *invFields) []float64 { return p.fossil }}}}
}

// write writes month m of the product in its layout on its native grid:
// positive to the atmosphere, as the real files are.
func (st *invState) write(dir string, m grid.Month, p *invFields, seed uint64) error {
	s, native, lay := st.spec, st.spec.native, invFileOf(st.spec.layout)
	f, err := createNC(inversionPath(dir, s.name, m))
	if err != nil {
		return err
	}
	tD := f.dim("time", 1)
	latD, lonD := f.dim("latitude", native.NLat), f.dim("longitude", native.NLon)
	tV := f.variable("time", netcdf.DOUBLE, []netcdf.Dim{tD}, ncAttr{"units", lay.clock.units}, ncAttr{"calendar", lay.clock.calendar}, ncAttr{"standard_name", "time"})
	latV := f.variable("latitude", netcdf.FLOAT, []netcdf.Dim{latD}, ncAttr{"units", "degrees_north"}, ncAttr{"standard_name", "latitude"})
	lonV := f.variable("longitude", netcdf.FLOAT, []netcdf.Dim{lonD}, ncAttr{"units", "degrees_east"}, ncAttr{"standard_name", "longitude"})
	ncVars := make([]netcdf.Var, len(lay.vars))
	for k, v := range lay.vars {
		ncVars[k] = f.variable(v.name, netcdf.FLOAT, []netcdf.Dim{tD, latD, lonD},
			ncAttr{"units", lay.units}, ncAttr{"long_name", v.longName}, ncAttr{"comment", "positive: flux to the atmosphere"})
	}
	areaV := f.variable(lay.areaName, netcdf.FLOAT, []netcdf.Dim{latD, lonD}, ncAttr{"units", "m2"})
	f.global(ncAttr{"Conventions", "CF-1.6"}, ncAttr{"source", s.name + " (twin-world atmospheric inversion)"},
		ncAttr{"history", twinHistory(seed, s.name+"-style monthly surface CO2 fluxes")})
	f.endDef()
	f.write(tV, []float64{lay.clock.mid(m)}, nil, nil)
	f.write(latV, lay.layout.latitudes(native), nil, nil)
	f.write(lonV, lay.layout.longitudes(native), nil, nil)
	buf := make([]float32, native.Cells())
	perUnit := lay.perUnit(m)
	for k, v := range lay.vars {
		// Regrid into the product's grid, then to file units and sign.
		lay.layout.reorder(native, st.regrid.Apply(float32s(v.values(p)), nil), buf, func(x float32) float32 { return float32(-float64(x) / perUnit) })
		f.write(ncVars[k], buf, []uint64{0, 0, 0}, []uint64{1, uint64(native.NLat), uint64(native.NLon)})
	}
	areas := make([]float32, native.Cells())
	for i := range areas {
		areas[i] = float32(native.RowAreaM2(i / native.NLon))
	}
	lay.layout.reorder(native, areas, buf, func(x float32) float32 { return x })
	f.write(areaV, buf, nil, nil)
	return f.close()
}

func float32s(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// writeTruth writes InversionTruthFile.
func (iw *invWriter) writeTruth() error {
	type product struct {
		Name              string            `json:"name"`
		Layout            string            `json:"layout"`
		Grid              string            `json:"grid"`
		FirstMonth        string            `json:"first_month"`
		LastMonth         string            `json:"last_month"`
		LatencyMonths     int               `json:"latency_months"`
		SmoothDeg         float64           `json:"effective_resolution_deg"`
		CoastShare        float64           `json:"coast_share"`
		FossilPriorFactor float64           `json:"fossil_prior_factor"`
		FirePrior         string            `json:"fire_prior"`
		RegionalError     regionalError     `json:"regional_error"`
		Years             map[int]*bandSums `json:"years"`
	}
	type bandDef struct {
		Name   string  `json:"name"`
		LatMin float64 `json:"lat_min"`
		LatMax float64 `json:"lat_max"`
	}
	var bands []bandDef
	for _, b := range invBands {
		bands = append(bands, bandDef{b.name, b.lo, b.hi})
	}
	var products []product
	for _, st := range iw.states {
		s := st.spec
		products = append(products, product{Name: s.name, Layout: s.layout, Grid: s.native.String(),
			FirstMonth: st.first.String(), LastMonth: st.last.String(), LatencyMonths: s.latencyMonths,
			SmoothDeg: s.smoothDeg, CoastShare: s.coastShare, FossilPriorFactor: s.fossilPriorFactor,
			FirePrior: "the truth's fire climatology (no extreme fire years)", RegionalError: s.regional, Years: st.sums})
	}
	doc := map[string]any{
		"comment": "GtC over the months of each year, positive into the surface. land: net land flux as the atmosphere sees it " +
			"(S_LAND - E_LUC + the land uptake of river-borne carbon; for a product bio + fire); ocean: the contemporary sea-air flux.",
		"bands": bands, "truth": iw.truth, "products": products,
	}
	return durable.WriteFile(filepath.Join(iw.dir, InversionTruthFile), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	})
}
