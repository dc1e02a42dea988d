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

// write writes month m of the product in its layout: positive to the
// atmosphere, as the real files are.
func (st *invState) write(dir string, m grid.Month, p *invFields, seed uint64) error {
	s := st.spec
	f, err := createNC(inversionPath(dir, s.name, m))
	if err != nil {
		return err
	}
	native := s.native
	toFile := func(v []float64, perUnit float64) []float32 {
		src := make([]float32, len(v))
		for i, x := range v {
			src[i] = float32(x)
		}
		out := st.regrid.Apply(src, nil)
		for i, x := range out {
			out[i] = float32(-float64(x) / perUnit)
		}
		return out
	}
	type variable struct {
		name, longName string
		values         []float64
	}
	var vars []variable
	var perUnit float64
	var layout gridLayout
	var clock cfClock
	var unitsText string
	t2000 := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if s.layout == "carbontracker" {
		// mol CO₂ m⁻² s⁻¹ over the month's true length.
		perUnit, unitsText = gramsCPerMol*m.Seconds(), "mol m-2 s-1"
		layout, clock = gridLayout{southFirst: true}, newClock("days", t2000, "standard")
		vars = []variable{{"bio_flux_opt", "terrestrial biosphere CO2 flux, optimized", p.bio},
			{"ocn_flux_opt", "open ocean CO2 flux, optimized", p.ocean},
			{"fossil_flux_imp", "fossil fuel CO2 emissions, imposed", p.fossil},
			{"fire_flux_imp", "fire CO2 emissions, imposed", p.fire}}
	} else {
		perUnit, unitsText = 1000, "kgC m-2 month-1"
		layout, clock = gridLayout{}, newClock("hours", t2000, "gregorian")
		vars = []variable{{"flux_apos_bio", "Posterior natural land surface flux (including biomass burning)", p.bio},
			{"flux_apos_ocean", "Posterior ocean surface flux", p.ocean},
			{"flux_foss", "Fossil fuel emissions (prescribed)", p.fossil}}
	}
	latName, lonName := "latitude", "longitude"
	tD := f.dim("time", 1)
	latD, lonD := f.dim(latName, native.NLat), f.dim(lonName, native.NLon)
	tV := f.variable("time", netcdf.DOUBLE, []netcdf.Dim{tD}, ncAttr{"units", clock.units}, ncAttr{"calendar", clock.calendar}, ncAttr{"standard_name", "time"})
	latV := f.variable(latName, netcdf.FLOAT, []netcdf.Dim{latD}, ncAttr{"units", "degrees_north"}, ncAttr{"standard_name", "latitude"})
	lonV := f.variable(lonName, netcdf.FLOAT, []netcdf.Dim{lonD}, ncAttr{"units", "degrees_east"}, ncAttr{"standard_name", "longitude"})
	ncVars := make([]netcdf.Var, len(vars))
	for k, v := range vars {
		ncVars[k] = f.variable(v.name, netcdf.FLOAT, []netcdf.Dim{tD, latD, lonD},
			ncAttr{"units", unitsText}, ncAttr{"long_name", v.longName}, ncAttr{"comment", "positive: flux to the atmosphere"})
	}
	areaName := "cell_area"
	if s.layout == "cams" {
		areaName = "area"
	}
	areaV := f.variable(areaName, netcdf.FLOAT, []netcdf.Dim{latD, lonD}, ncAttr{"units", "m2"})
	f.global(ncAttr{"Conventions", "CF-1.6"}, ncAttr{"source", s.name + " (twin-world atmospheric inversion)"},
		ncAttr{"history", twinHistory(seed, s.name+"-style monthly surface CO2 fluxes")})
	f.endDef()
	f.write(tV, []float64{clock.mid(m)}, nil, nil)
	f.write(latV, layout.latitudes(native), nil, nil)
	f.write(lonV, layout.longitudes(native), nil, nil)
	buf := make([]float32, native.Cells())
	for k, v := range vars {
		layout.reorder(native, toFile(v.values, perUnit), buf, func(x float32) float32 { return x })
		f.write(ncVars[k], buf, []uint64{0, 0, 0}, []uint64{1, uint64(native.NLat), uint64(native.NLon)})
	}
	areas := make([]float32, native.Cells())
	for i := range areas {
		areas[i] = float32(native.RowAreaM2(i / native.NLon))
	}
	layout.reorder(native, areas, buf, func(x float32) float32 { return x })
	f.write(areaV, buf, nil, nil)
	return f.close()
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
