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
	return WriteSeries(path, []output.GridMonth{gm}, title)
}

// WriteSeries is Write for several months in one file, along its time
// dimension: the months must be on one grid with the same columns.
func WriteSeries(path string, months []output.GridMonth, title string) error {
	if len(months) == 0 {
		return fmt.Errorf("write %s: no months", path)
	}
	first := months[0]
	for _, gm := range months[1:] {
		if gm.Grid != first.Grid || len(gm.Columns) != len(first.Columns) {
			return fmt.Errorf("write %s: month %s is on %v with %d columns, month %s on %v with %d",
				path, gm.Month, gm.Grid, len(gm.Columns), first.Month, first.Grid, len(first.Columns))
		}
		for i, c := range gm.Columns {
			if c.Name != first.Columns[i].Name {
				return fmt.Errorf("write %s: month %s's column %d is %q, month %s's %q", path, gm.Month, i, c.Name, first.Month, first.Columns[i].Name)
			}
		}
	}
	return durable.WriteWith(path, func(tmp string) error {
		nclock.Lock()
		defer nclock.Unlock()
		return writeNetCDF(tmp, months, title)
	})
}

func writeNetCDF(path string, months []output.GridMonth, title string) (err error) {
	ds, err := netcdf.CreateFile(path, netcdf.CLOBBER|netcdf.NETCDF4)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := ds.Close(); err == nil {
			err = cerr
		}
	}()
	gm := months[0]
	g := gm.Grid
	dt, _ := ds.AddDim("time", uint64(len(months)))
	dlat, _ := ds.AddDim("lat", uint64(g.NLat))
	dlon, _ := ds.AddDim("lon", uint64(g.NLon))
	dnv, _ := ds.AddDim("nv", 2)
	text := func(a netcdf.Attr, s string) error { return a.WriteBytes([]byte(s)) }
	for k, v := range map[string]string{"Conventions": "CF-1.8", "title": title, "source": "carbonbudget",
		"institution": "carbonbudget", "history": "written by carbonbudget", "month": monthsAttr(months)} {
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
		// Deflate level 1 after the shuffle filter: on float fields level 4
		// made files only 1.5% smaller, at twice the time to close them.
		v.SetCompression(true, true, 1)
		vars[col.Name] = v
	}
	if err := ds.EndDef(); err != nil {
		return err
	}
	return writeNetCDFData(vars, months)
}

// monthsAttr is the global "month" attribute: the month, or the first
// and last of a series.
func monthsAttr(months []output.GridMonth) string {
	if len(months) == 1 {
		return months[0].Month.String()
	}
	return months[0].Month.String() + "/" + months[len(months)-1].Month.String()
}

func writeNetCDFData(vars map[string]netcdf.Var, months []output.GridMonth) error {
	g := months[0].Grid
	times, timeB := make([]float64, len(months)), make([]float64, 2*len(months))
	for i, gm := range months {
		start := float64(gm.Month.Start().Unix()) / 86400
		end := float64(gm.Month.End().Unix()) / 86400
		times[i], timeB[2*i], timeB[2*i+1] = (start+end)/2, start, end
	}
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
	for name, data := range map[string][]float64{"time": times, "time_bnds": timeB, "lat": lat, "lat_bnds": latB, "lon": lon, "lon_bnds": lonB} {
		if err := vars[name].WriteFloat64s(data); err != nil {
			return fmt.Errorf("variable %s: %w", name, err)
		}
	}
	buf := make([]float32, g.Cells())
	for i, gm := range months {
		for _, col := range gm.Columns {
			for c, x := range col.Values {
				if math.IsNaN(float64(x)) {
					x = ncFill
				}
				buf[c] = x
			}
			start, count := []uint64{uint64(i), 0, 0}, []uint64{1, uint64(g.NLat), uint64(g.NLon)}
			if err := vars[col.Name].WriteFloat32Slice(buf, start, count); err != nil {
				return fmt.Errorf("variable %s, month %s: %w", col.Name, gm.Month, err)
			}
		}
	}
	return nil
}

// ncName makes a column name a valid netCDF variable name.
func ncName(s string) string { return strings.NewReplacer("/", "_", " ", "_").Replace(s) }

// cfUnits spells our units for UDUNITS: "g C m-2 month-1" becomes
// "g m-2 month-1" (the carbon is in the long name).
func cfUnits(u string) string { return strings.Replace(u, "g C ", "g ", 1) }
