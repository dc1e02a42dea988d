package twin

import (
	"path/filepath"
	"time"

	"github.com/fhs/go-netcdf/netcdf"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// modelFill is the CMIP/TRENDY missing value.
const modelFill float32 = 1e20

// modelSpec is how one model writes its output: the file layout, the time
// axis, and whether it carries time bounds. Real TRENDY and GCB ocean
// submissions differ in all of these.
type modelSpec struct {
	name    string
	layout  gridLayout
	latName string
	lonName string
	clock   cfClock
	bounds  bool
	dgvm    bool // TRENDY nbp, else GOBM fgco2
	index   int  // in DGVMNames or GOBMNames
}

func modelSpecs() []modelSpec {
	t := func(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }
	return []modelSpec{
		{name: DGVMNames[0], layout: gridLayout{southFirst: true}, latName: "lat", lonName: "lon", clock: newClock("days", t(1700), "standard"), dgvm: true, index: 0},
		{name: DGVMNames[1], layout: gridLayout{southFirst: true}, latName: "latitude", lonName: "longitude", clock: newClock("days", t(1700), "noleap"), dgvm: true, index: 1},
		{name: DGVMNames[2], layout: gridLayout{}, latName: "lat", lonName: "lon", clock: newClock("hours", t(1901), "gregorian"), bounds: true, dgvm: true, index: 2},
		{name: GOBMNames[0], layout: gridLayout{southFirst: true}, latName: "lat", lonName: "lon", clock: newClock("days", t(1958), "noleap"), index: 0},
		{name: GOBMNames[1], layout: gridLayout{southFirst: true, from0: true}, latName: "lat", lonName: "lon", clock: newClock("days", t(1850), "proleptic_gregorian"), index: 1},
		{name: GOBMNames[2], layout: gridLayout{}, latName: "latitude", lonName: "longitude", clock: newClock("seconds", t(1850), "standard"), bounds: true, index: 2},
	}
}

// modelFile is one model's output over all years up to the model lag,
// written a month at a time.
type modelFile struct {
	spec   modelSpec
	f      *ncFile
	v      netcdf.Var
	first  grid.Month
	months int
	buf    []float32
}

// openModelFiles creates the TRENDY-style and GOBM-style files for the
// months from the first year to opt.ModelLastYear(); nil when that range
// is empty.
func openModelFiles(dir string, g grid.Grid, opt Options) ([]*modelFile, error) {
	first := grid.Month{Year: opt.FromYear, Month: time.January}
	n := 12 * (opt.ModelLastYear() - opt.FromYear + 1)
	if n <= 0 {
		return nil, nil
	}
	var out []*modelFile
	for _, s := range modelSpecs() {
		path := filepath.Join(dir, "gobm", s.name+"_fgco2.nc")
		if s.dgvm {
			path = filepath.Join(dir, "trendy", s.name+"_S2_nbp.nc")
		}
		f, err := createNC(path)
		if err != nil {
			closeModelFiles(out)
			return nil, err
		}
		mf := &modelFile{spec: s, f: f, first: first, months: n, buf: make([]float32, g.Cells())}
		mf.define(g, opt.Seed)
		out = append(out, mf)
	}
	return out, nil
}

func (mf *modelFile) define(g grid.Grid, seed uint64) {
	s, f := mf.spec, mf.f
	tD := f.dim("time", mf.months)
	latD, lonD := f.dim(s.latName, g.NLat), f.dim(s.lonName, g.NLon)
	timeAttrs := []ncAttr{{"units", s.clock.units}, {"calendar", s.clock.calendar}, {"standard_name", "time"}, {"axis", "T"}}
	var bD netcdf.Dim
	if s.bounds {
		bD = f.dim("bnds", 2)
		timeAttrs = append(timeAttrs, ncAttr{"bounds", "time_bnds"})
	}
	tV := f.variable("time", netcdf.DOUBLE, []netcdf.Dim{tD}, timeAttrs...)
	var bV netcdf.Var
	if s.bounds {
		bV = f.variable("time_bnds", netcdf.DOUBLE, []netcdf.Dim{tD, bD})
	}
	latV := f.variable(s.latName, netcdf.FLOAT, []netcdf.Dim{latD}, ncAttr{"units", "degrees_north"}, ncAttr{"standard_name", "latitude"}, ncAttr{"axis", "Y"})
	lonV := f.variable(s.lonName, netcdf.FLOAT, []netcdf.Dim{lonD}, ncAttr{"units", "degrees_east"}, ncAttr{"standard_name", "longitude"}, ncAttr{"axis", "X"})
	mf.v = f.variable(mf.varName(), netcdf.FLOAT, []netcdf.Dim{tD, latD, lonD}, mf.varAttrs()...)
	f.global(mf.globalAttrs(seed)...)
	f.endDef()
	f.write(latV, s.layout.latitudes(g), nil, nil)
	f.write(lonV, s.layout.longitudes(g), nil, nil)
	times := make([]float64, mf.months)
	bnds := make([]float64, 2*mf.months)
	for k := range times {
		m := mf.first.Add(k)
		times[k] = s.clock.mid(m)
		bnds[2*k], bnds[2*k+1] = s.clock.at(m.Start()), s.clock.at(m.End())
	}
	f.write(tV, times, nil, nil)
	if s.bounds {
		f.write(bV, bnds, nil, nil)
	}
}

func (mf *modelFile) varName() string {
	if mf.spec.dgvm {
		return "nbp"
	}
	return "fgco2"
}

func (mf *modelFile) varAttrs() []ncAttr {
	if mf.spec.dgvm {
		return []ncAttr{{"_FillValue", modelFill}, {"missing_value", modelFill}, {"units", "kg m-2 s-1"},
			{"long_name", "Net Biome Production"},
			{"standard_name", "surface_net_downward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_all_land_processes"},
			{"comment", "Carbon mass flux per m2 of land; positive into the land"}}
	}
	return []ncAttr{{"_FillValue", modelFill}, {"missing_value", modelFill}, {"units", "mol m-2 s-1"},
		{"long_name", "Surface Downward Flux of Total CO2"},
		{"standard_name", "surface_downward_mass_flux_of_carbon_dioxide_expressed_as_carbon"},
		{"positive", "down"},
		{"comment", "Per m2 of ocean; positive into the ocean (CMIP convention), negative for outgassing"}}
}

func (mf *modelFile) globalAttrs(seed uint64) []ncAttr {
	if mf.spec.dgvm {
		return []ncAttr{{"Conventions", "CF-1.7"}, {"source", mf.spec.name + " (twin-world DGVM)"},
			{"experiment", "S2: time-varying CO2 and climate, land use fixed (TRENDY protocol)"},
			{"history", twinHistory(seed, "TRENDY-style S2 output of "+mf.spec.name)}}
	}
	return []ncAttr{{"Conventions", "CF-1.7"}, {"source", mf.spec.name + " (twin-world ocean biogeochemistry model)"},
		{"experiment", "simulation A: historical atmospheric CO2 and climate forcing (GCB protocol)"},
		{"history", twinHistory(seed, "GCB-style GOBM output of "+mf.spec.name)}}
}

// add writes month m of the model if the model has run it.
func (mf *modelFile) add(g grid.Grid, f *MonthFields) {
	k := f.Month.Sub(mf.first)
	if k < 0 || k >= mf.months {
		return
	}
	secs := f.Month.Seconds()
	src := f.FgCO2Model[mf.spec.index]
	// g C m⁻² month⁻¹ → mol m⁻² s⁻¹ (fgco2) or kg C m⁻² s⁻¹ (nbp).
	perUnit := gramsCPerMol * secs
	if mf.spec.dgvm {
		src = f.NBPModel[mf.spec.index]
		perUnit = 1000 * secs
	}
	mf.spec.layout.reorder(g, src, mf.buf, func(v float32) float32 {
		if v != v {
			return modelFill
		}
		return float32(float64(v) / perUnit)
	})
	mf.f.write(mf.v, mf.buf, []uint64{uint64(k), 0, 0}, []uint64{1, uint64(g.NLat), uint64(g.NLon)})
}

func closeModelFiles(files []*modelFile) error {
	var first error
	for _, mf := range files {
		if err := mf.f.close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
