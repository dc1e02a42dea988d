package twin

import (
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/fhs/go-netcdf/netcdf"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// A yearVar is one variable of a per-year file: where its values come
// from in a MonthFields and how they are converted to the file's units.
type yearVar struct {
	name, longName, units, standardName string
	field                               func(*MonthFields) []float32
	convert                             func(v float32, m grid.Month) float32
}

func same(v float32, _ grid.Month) float32 { return v }

// era5Vars are the ERA5 single-level monthly means in the spelling of the
// CDS legacy netCDF files (units as GRIB writes them). Accumulations are
// the mean daily amount: tp in m, ssrd in J m⁻² (ECMWF, ERA5 data
// documentation, monthly means).
var era5Vars = []yearVar{
	{"t2m", "2 metre temperature", "K", "", func(f *MonthFields) []float32 { return f.T2mC }, func(v float32, _ grid.Month) float32 { return v + 273.15 }},
	{"tp", "Total precipitation", "m", "", func(f *MonthFields) []float32 { return f.PrecipMmPerDay }, func(v float32, _ grid.Month) float32 { return v / 1000 }},
	{"ssrd", "Surface solar radiation downwards", "J m**-2", "surface_downwelling_shortwave_flux_in_air", func(f *MonthFields) []float32 { return f.SsrdWPerM2 }, func(v float32, _ grid.Month) float32 { return v * 86400 }},
	{"swvl1", "Volumetric soil water layer 1", "m**3 m**-3", "", func(f *MonthFields) []float32 { return f.Swvl1 }, same},
	{"si10", "10 metre wind speed", "m s**-1", "", func(f *MonthFields) []float32 { return f.Si10MPerS }, same},
	{"sst", "Sea surface temperature", "K", "", func(f *MonthFields) []float32 { return f.SstC }, func(v float32, _ grid.Month) float32 { return v + 273.15 }},
	{"siconc", "Sea ice area fraction", "(0 - 1)", "sea_ice_area_fraction", func(f *MonthFields) []float32 { return f.Siconc }, same},
	{"msl", "Mean sea level pressure", "Pa", "air_pressure_at_mean_sea_level", func(f *MonthFields) []float32 { return f.MslHPa }, func(v float32, _ grid.Month) float32 { return v * 100 }},
}

// yearFile is one per-year gridded file buffered over its twelve months.
type yearFile struct {
	path   string
	layout gridLayout
	vars   []yearVar
	data   [][]float32 // per variable, 12 months × cells in file order
	write  func(f *yearFile, g grid.Grid, year int, seed uint64) error
}

func (y *yearFile) add(g grid.Grid, mf *MonthFields) {
	n := g.Cells()
	k := int(mf.Month.Month) - 1
	if y.data == nil {
		y.data = make([][]float32, len(y.vars))
		for j := range y.data {
			y.data[j] = make([]float32, 12*n)
		}
	}
	for j, v := range y.vars {
		conv := v.convert
		y.layout.reorder(g, v.field(mf), y.data[j][k*n:(k+1)*n], func(x float32) float32 {
			if x != x {
				return x
			}
			return conv(x, mf.Month)
		})
	}
}

// yearFiles returns the per-year files of year under dir.
func yearFiles(dir string, year int) []*yearFile {
	yyyy := fmt.Sprintf("%04d", year)
	return []*yearFile{
		{path: filepath.Join(dir, "era5", "era5_monthly_"+yyyy+".nc"), layout: gridLayout{from0: true}, vars: era5Vars, write: writeERA5},
		{path: filepath.Join(dir, "ocean", "ocean_reanalysis_"+yyyy+".nc"), layout: gridLayout{southFirst: true}, vars: oceanReanalysisVars, write: writeOceanReanalysis},
		{path: filepath.Join(dir, "ocean", "chlorophyll_"+yyyy+".nc"), layout: gridLayout{}, vars: chlVars, write: writeChlorophyll},
		{path: filepath.Join(dir, "fire", "GFED_monthly_"+yyyy+".nc"), layout: gridLayout{}, vars: fireVars, write: writeFire},
	}
}

// coords defines latitude and longitude dimensions and variables.
func (y *yearFile) coords(f *ncFile, g grid.Grid, latName, lonName string) (lat, lon netcdf.Dim, latV, lonV netcdf.Var) {
	lat, lon = f.dim(latName, g.NLat), f.dim(lonName, g.NLon)
	latV = f.variable(latName, netcdf.FLOAT, []netcdf.Dim{lat}, ncAttr{"units", "degrees_north"}, ncAttr{"long_name", "latitude"}, ncAttr{"standard_name", "latitude"})
	lonV = f.variable(lonName, netcdf.FLOAT, []netcdf.Dim{lon}, ncAttr{"units", "degrees_east"}, ncAttr{"long_name", "longitude"}, ncAttr{"standard_name", "longitude"})
	return lat, lon, latV, lonV
}

func (y *yearFile) writeCoords(f *ncFile, g grid.Grid, latV, lonV netcdf.Var) {
	f.write(latV, y.layout.latitudes(g), nil, nil)
	f.write(lonV, y.layout.longitudes(g), nil, nil)
}

// writeERA5 writes the CDS legacy layout: time, latitude (90 → -90),
// longitude (0 → 360); int16 packed per variable from the year's range;
// time in integer hours since 1900 at the first of each month.
func writeERA5(y *yearFile, g grid.Grid, year int, seed uint64) error {
	f, err := createNC(y.path)
	if err != nil {
		return err
	}
	clock := newClock("hours", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), "gregorian")
	lonD := f.dim("longitude", g.NLon)
	latD := f.dim("latitude", g.NLat)
	tD := f.dim("time", 12)
	lonV := f.variable("longitude", netcdf.FLOAT, []netcdf.Dim{lonD}, ncAttr{"units", "degrees_east"}, ncAttr{"long_name", "longitude"})
	latV := f.variable("latitude", netcdf.FLOAT, []netcdf.Dim{latD}, ncAttr{"units", "degrees_north"}, ncAttr{"long_name", "latitude"})
	tV := f.variable("time", netcdf.INT, []netcdf.Dim{tD}, ncAttr{"units", "hours since 1900-01-01 00:00:00.0"}, ncAttr{"long_name", "time"}, ncAttr{"calendar", "gregorian"})
	dims := []netcdf.Dim{tD, latD, lonD}
	vars := make([]netcdf.Var, len(y.vars))
	raws := make([][]int16, len(y.vars))
	for j, v := range y.vars {
		raw, scale, offset := packInt16(y.data[j])
		raws[j] = raw
		attrs := []ncAttr{{"scale_factor", scale}, {"add_offset", offset}, {"_FillValue", fillInt16}, {"missing_value", fillInt16}, {"units", v.units}, {"long_name", v.longName}}
		if v.standardName != "" {
			attrs = append(attrs, ncAttr{"standard_name", v.standardName})
		}
		vars[j] = f.variable(v.name, netcdf.SHORT, dims, attrs...)
	}
	f.global(ncAttr{"Conventions", "CF-1.6"}, ncAttr{"history", twinHistory(seed, "ERA5-style monthly averaged reanalysis on single levels")})
	f.endDef()
	f.write(lonV, y.layout.longitudes(g), nil, nil)
	f.write(latV, y.layout.latitudes(g), nil, nil)
	hours := make([]int32, 12)
	for k := range hours {
		hours[k] = int32(clock.at(time.Date(year, time.Month(k+1), 1, 0, 0, 0, 0, time.UTC)))
	}
	f.write(tV, hours, nil, nil)
	for j := range vars {
		f.write(vars[j], raws[j], nil, nil)
	}
	return f.close()
}

// oceanReanalysisVars follow the CMEMS global reanalysis (GLORYS): mixed
// layer thickness and salinity, int16 with fixed packing.
var oceanReanalysisVars = []yearVar{
	{"mlotst", "Density ocean mixed layer thickness", "m", "ocean_mixed_layer_thickness_defined_by_sigma_theta", func(f *MonthFields) []float32 { return f.MldM }, same},
	{"so", "Salinity", "1e-3", "sea_water_salinity", func(f *MonthFields) []float32 { return f.SalinityPSU }, same},
}

// oceanPacking is the fixed int16 packing of the reanalysis variables:
// scale, offset.
var oceanPacking = map[string][2]float64{"mlotst": {0.1, 0}, "so": {0.001, 20}}

// writeOceanReanalysis writes a CMEMS-like file: south-to-north latitude,
// -180..180 longitude, a one-level depth axis on salinity, time in hours
// since 1950 at mid-month.
func writeOceanReanalysis(y *yearFile, g grid.Grid, year int, seed uint64) error {
	f, err := createNC(y.path)
	if err != nil {
		return err
	}
	clock := newClock("hours", time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC), "standard")
	tD := f.dim("time", 12)
	dD := f.dim("depth", 1)
	latD, lonD, latV, lonV := y.coords(f, g, "latitude", "longitude")
	tV := f.variable("time", netcdf.DOUBLE, []netcdf.Dim{tD}, ncAttr{"units", clock.units}, ncAttr{"calendar", clock.calendar}, ncAttr{"standard_name", "time"}, ncAttr{"axis", "T"})
	dV := f.variable("depth", netcdf.FLOAT, []netcdf.Dim{dD}, ncAttr{"units", "m"}, ncAttr{"positive", "down"}, ncAttr{"standard_name", "depth"})
	vars := make([]netcdf.Var, len(y.vars))
	for j, v := range y.vars {
		dims := []netcdf.Dim{tD, latD, lonD}
		if v.name == "so" {
			dims = []netcdf.Dim{tD, dD, latD, lonD}
		}
		p := oceanPacking[v.name]
		vars[j] = f.variable(v.name, netcdf.SHORT, dims, ncAttr{"scale_factor", float32(p[0])}, ncAttr{"add_offset", float32(p[1])},
			ncAttr{"_FillValue", fillInt16}, ncAttr{"units", v.units}, ncAttr{"long_name", v.longName}, ncAttr{"standard_name", v.standardName})
	}
	f.global(ncAttr{"Conventions", "CF-1.6"}, ncAttr{"title", "Twin-world ocean physics reanalysis, monthly mean"}, ncAttr{"history", twinHistory(seed, "CMEMS-style ocean reanalysis")})
	f.endDef()
	y.writeCoords(f, g, latV, lonV)
	f.write(dV, []float32{0.494025}, nil, nil)
	f.write(tV, monthMids(clock, year), nil, nil)
	for j, v := range y.vars {
		p := oceanPacking[v.name]
		f.write(vars[j], packFixed(y.data[j], p[0], p[1]), nil, nil)
	}
	return f.close()
}

func monthMids(c cfClock, year int) []float64 {
	out := make([]float64, 12)
	for k := range out {
		out[k] = c.mid(grid.Month{Year: year, Month: time.Month(k + 1)})
	}
	return out
}

// packFixed packs with a given scale and offset, clamping to the int16
// range and writing the fill value for NaN.
func packFixed(values []float32, scale, offset float64) []int16 {
	raw := make([]int16, len(values))
	for i, v := range values {
		if v != v {
			raw[i] = fillInt16
			continue
		}
		raw[i] = int16(math.Max(-32766, math.Min(32766, math.Round((float64(v)-offset)/scale))))
	}
	return raw
}

// chlVars is the ocean-colour chlorophyll (ESA OC-CCI style).
var chlVars = []yearVar{
	{"chlor_a", "Chlorophyll-a concentration in seawater", "mg m-3", "mass_concentration_of_chlorophyll_a_in_sea_water", func(f *MonthFields) []float32 { return f.ChlMgPerM3 }, same},
}

// chlFill is OC-CCI's _FillValue (the netCDF default float fill).
const chlFill float32 = 9.96921e36

// writeChlorophyll writes float32 chlorophyll north to south, -180..180,
// time in days since 1970 at the first of the month.
func writeChlorophyll(y *yearFile, g grid.Grid, year int, seed uint64) error {
	return writeFloatYear(y, g, year, seed, newClock("days", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), "standard"), "lat", "lon", chlFill,
		"Twin-world ocean colour, monthly composite")
}

// fireVars are GFED-style fire carbon emissions.
var fireVars = []yearVar{
	{"C", "Carbon emissions from fires", "g C m-2 month-1", "", func(f *MonthFields) []float32 { return f.Fire }, same},
}

// writeFire writes the GFED-style file: C per month (0 where nothing
// burns, including the ocean, as GFED), plus the cell area.
func writeFire(y *yearFile, g grid.Grid, year int, seed uint64) error {
	for i, v := range y.data[0] {
		if v != v {
			y.data[0][i] = 0
		}
	}
	return writeFloatYear(y, g, year, seed, newClock("days", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), "standard"), "lat", "lon", 0,
		"Twin-world fire emissions (GFED4.1s-style monthly carbon)")
}

// writeFloatYear writes float32 variables with a time axis at the first
// of each month; fill 0 means no _FillValue attribute.
func writeFloatYear(y *yearFile, g grid.Grid, year int, seed uint64, clock cfClock, latName, lonName string, fill float32, title string) error {
	f, err := createNC(y.path)
	if err != nil {
		return err
	}
	tD := f.dim("time", 12)
	latD, lonD, latV, lonV := y.coords(f, g, latName, lonName)
	tV := f.variable("time", netcdf.DOUBLE, []netcdf.Dim{tD}, ncAttr{"units", clock.units}, ncAttr{"calendar", clock.calendar}, ncAttr{"standard_name", "time"})
	vars := make([]netcdf.Var, len(y.vars))
	for j, v := range y.vars {
		attrs := []ncAttr{{"units", v.units}, {"long_name", v.longName}}
		if v.standardName != "" {
			attrs = append(attrs, ncAttr{"standard_name", v.standardName})
		}
		if fill != 0 {
			attrs = append([]ncAttr{{"_FillValue", fill}}, attrs...)
		}
		vars[j] = f.variable(v.name, netcdf.FLOAT, []netcdf.Dim{tD, latD, lonD}, attrs...)
	}
	var areaV netcdf.Var
	if y.vars[0].name == "C" {
		areaV = f.variable("grid_cell_area", netcdf.FLOAT, []netcdf.Dim{latD, lonD}, ncAttr{"units", "m2"}, ncAttr{"long_name", "grid cell area"})
	}
	f.global(ncAttr{"Conventions", "CF-1.6"}, ncAttr{"title", title}, ncAttr{"history", twinHistory(seed, title)})
	f.endDef()
	y.writeCoords(f, g, latV, lonV)
	starts := make([]float64, 12)
	for k := range starts {
		starts[k] = clock.at(time.Date(year, time.Month(k+1), 1, 0, 0, 0, 0, time.UTC))
	}
	f.write(tV, starts, nil, nil)
	for j := range vars {
		data := y.data[j]
		if fill != 0 {
			for i, v := range data {
				if v != v {
					data[i] = fill
				}
			}
		}
		f.write(vars[j], data, nil, nil)
	}
	if y.vars[0].name == "C" {
		f.write(areaV, cellAreas(g, y.layout), nil, nil)
	}
	return f.close()
}

func cellAreas(g grid.Grid, l gridLayout) []float32 {
	src := make([]float32, g.Cells())
	for r := range g.NLat {
		a := float32(g.RowAreaM2(r))
		for c := range g.NLon {
			src[r*g.NLon+c] = a
		}
	}
	dst := make([]float32, len(src))
	l.reorder(g, src, dst, func(v float32) float32 { return v })
	return dst
}

// twinHistory is the history attribute of every file: what wrote it and
// with which seed, without a wall-clock time (files are reproducible).
func twinHistory(seed uint64, what string) string {
	return fmt.Sprintf("%s written by carbonbudget synth (twin world, seed %d); synthetic data, not observations", what, seed)
}
