// Command gridops runs carbonbudget's grid operations on a CF netCDF file
// the way CDO's operators do, whole process, so bench/cdo.sh can time the
// two side by side on the same file:
//
//	gridops fldmean IN VAR            # area-weighted mean of every month (cdo fldmean)
//	gridops remap IN VAR RES OUT      # conservative regrid to RES degrees (cdo remapcon), written as netCDF
//
// It reads with ingest/netcdf, computes with internal/grid and writes with
// internal/cfnetcdf, the code the pipeline runs.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/carbonbudget/carbonbudget/ingest/netcdf"
	"github.com/carbonbudget/carbonbudget/internal/cfnetcdf"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gridops:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 3 {
		return fmt.Errorf("usage: gridops fldmean IN VAR | gridops remap IN VAR RES OUTDIR")
	}
	f, err := netcdf.Open(args[1])
	if err != nil {
		return err
	}
	defer f.Close()
	name := args[2]
	months, err := f.Months(name)
	if err != nil {
		return err
	}
	switch args[0] {
	case "fldmean":
		for _, m := range months {
			fld, err := f.Read(name, m)
			if err != nil {
				return err
			}
			mean, _ := fld.Grid.Mean(fld.Values, nil)
			fmt.Printf("%s %.6g\n", m, mean)
		}
		return nil
	case "remap":
		if len(args) != 5 {
			return fmt.Errorf("usage: gridops remap IN VAR RES OUTDIR")
		}
		res, err := strconv.ParseFloat(args[3], 64)
		if err != nil {
			return err
		}
		dst, err := grid.New(res)
		if err != nil {
			return err
		}
		var rg *grid.Regridder
		for _, m := range months {
			fld, err := f.Read(name, m)
			if err != nil {
				return err
			}
			if rg == nil {
				if rg, err = grid.NewRegridder(fld.Grid, dst); err != nil {
					return err
				}
			}
			out := rg.Apply(fld.Values, nil)
			gm := output.GridMonth{Grid: dst, Month: m, Columns: []output.Column{{Name: name, Units: fld.Units, Values: out}}}
			if err := cfnetcdf.Write(filepath.Join(args[4], m.String()+".nc"), gm, "gridops remap"); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown operation %q", args[0])
}
