// Package cfnetcdf exports a published grid month as a CF-1.8 netCDF-4
// file, for users of xarray, CDO and Panoply. It is kept apart from the
// lake (GeoParquet) because it needs the netCDF C library, which the rest
// of the output path does not.
package cfnetcdf

import (
	"fmt"
	"math"
	"strings"

	"github.com/fhs/go-netcdf/netcdf"

	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/nclock"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// ncFill is the netCDF default fill for floats (NC_FILL_FLOAT); missing
// cells are written as it and declared in _FillValue, as CF expects.
const ncFill = float32(9.9692099683868690e+36)

// Write exports a gridded month as a CF-1.8 netCDF-4 file for users of
// xarray, CDO and Panoply: dimensions time (1), lat and lon; coordinate
// variables with units, standard names and bounds; every column as a
// float variable with units, long_name and _FillValue. Units say "g m-2
// month-1" because UDUNITS reads a bare "C" as coulomb; the long names say
// the mass is carbon. The file is written durably (internal/durable).
func Write(path string, gm output.GridMonth, title string) error {
	return durable.WriteWith(path, func(tmp string) error {
		nclock.Lock()
		defer nclock.Unlock()
		return writeNetCDF(tmp, gm, title)
	})
}

func writeNetCDF(path string, gm output.GridMonth, title string) (err error) {
	ds, err := netcdf.CreateFile(path, netcdf.CLOBBER|netcdf.NETCDF4)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := ds.Close(); err == nil {
			err = cerr
		}
	}()
	g := gm.Grid
	dt, _ := ds.AddDim("time", 1)
	dlat, _ := ds.AddDim("lat", uint64(g.NLat))
	dlon, _ := ds.AddDim("lon", uint64(g.NLon))
	dnv, _ := ds.AddDim("nv", 2)
	text := func(a netcdf.Attr, s string) error { return a.WriteBytes([]byte(s)) }
	for k, v := range map[string]string{"Conventions": "CF-1.8", "title": title, "source": "carbonbudget",
		"institution": "carbonbudget", "history": "written by carbonbudget", "month": gm.Month.String()} {
		if err := text(ds.Attr(k), v); err != nil {
			return err
		}
	}
	type coord struct {
		name, std, units, axis string
		dim                    netcdf.Dim
	}
	coords := []coord{{"time", "time", "days since 1970-01-01 00:00:00", "T", dt}, {"lat", "latitude", "degrees_north", "Y", dlat}, {"lon", "longitude", "degrees_east", "X", dlon}}
	vars := map[string]netcdf.Var{}
	for _, c := range coords {
		v, err := ds.AddVar(c.name, netcdf.DOUBLE, []netcdf.Dim{c.dim})
		if err != nil {
			return err
		}
		vb, err := ds.AddVar(c.name+"_bnds", netcdf.DOUBLE, []netcdf.Dim{c.dim, dnv})
		if err != nil {
			return err
		}
		for k, s := range map[string]string{"standard_name": c.std, "units": c.units, "axis": c.axis, "bounds": c.name + "_bnds"} {
			if err := text(v.Attr(k), s); err != nil {
				return err
			}
		}
		if c.name == "time" {
			text(v.Attr("calendar"), "standard")
		}
		vars[c.name], vars[c.name+"_bnds"] = v, vb
	}
	for _, col := range gm.Columns {
		v, err := ds.AddVar(ncName(col.Name), netcdf.FLOAT, []netcdf.Dim{dt, dlat, dlon})
		if err != nil {
			return err
		}
		if err := v.Attr("_FillValue").WriteFloat32s([]float32{ncFill}); err != nil {
			return err
		}
		long := col.Description
		if long == "" {
			long = col.Name
		}
		text(v.Attr("long_name"), long)
		text(v.Attr("units"), cfUnits(col.Units))
		text(v.Attr("cell_methods"), "time: mean area: mean")
		v.SetCompression(true, true, 4)
		vars[col.Name] = v
	}
	if err := ds.EndDef(); err != nil {
		return err
	}
	return writeNetCDFData(vars, gm)
}

func writeNetCDFData(vars map[string]netcdf.Var, gm output.GridMonth) error {
	g := gm.Grid
	start := float64(gm.Month.Start().Unix()) / 86400
	end := float64(gm.Month.End().Unix()) / 86400
	lat, latB := make([]float64, g.NLat), make([]float64, 2*g.NLat)
	for r := range lat {
		lat[r] = g.LatCentre(r)
		latB[2*r], latB[2*r+1] = g.LatEdges(r)
	}
	lon, lonB := make([]float64, g.NLon), make([]float64, 2*g.NLon)
	for c := range lon {
		lon[c] = g.LonCentre(c)
		lonB[2*c], lonB[2*c+1] = g.LonEdges(c)
	}
	for name, data := range map[string][]float64{"time": {(start + end) / 2}, "time_bnds": {start, end}, "lat": lat, "lat_bnds": latB, "lon": lon, "lon_bnds": lonB} {
		if err := vars[name].WriteFloat64s(data); err != nil {
			return fmt.Errorf("variable %s: %w", name, err)
		}
	}
	buf := make([]float32, g.Cells())
	for _, col := range gm.Columns {
		for i, x := range col.Values {
			if math.IsNaN(float64(x)) {
				x = ncFill
			}
			buf[i] = x
		}
		if err := vars[col.Name].WriteFloat32s(buf); err != nil {
			return fmt.Errorf("variable %s: %w", col.Name, err)
		}
	}
	return nil
}

// ncName makes a column name a valid netCDF variable name.
func ncName(s string) string { return strings.NewReplacer("/", "_", " ", "_").Replace(s) }

// cfUnits spells our units for UDUNITS: "g C m-2 month-1" becomes
// "g m-2 month-1" (the carbon is in the long name).
func cfUnits(u string) string { return strings.Replace(u, "g C ", "g ", 1) }
