// Command gridops runs carbonbudget's grid operations on a CF netCDF file
// the way CDO's operators do, whole process, so bench/cdo.sh can time the
// two side by side on the same file:
//
//	gridops fldmean IN VAR            # area-weighted mean of every month (cdo fldmean)
//	gridops remap IN VAR RES OUT      # conservative regrid to RES degrees (cdo remapcon), written as one netCDF file OUT/VAR.nc
//
// It reads with ingest/netcdf, computes with internal/grid and writes with
// internal/cfnetcdf, the code the pipeline runs.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"

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
		means := make([]float64, len(months))
		err := eachMonth(f, name, months, func(i int, fld *grid.Field) error {
			means[i], _ = fld.Grid.Mean(fld.Values, nil)
			return nil
		})
		if err != nil {
			return err
		}
		for i, m := range months {
			fmt.Printf("%s %.6g\n", m, means[i])
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
		var once sync.Once
		var rg *grid.Regridder
		var rgErr error
		series := make([]output.GridMonth, len(months))
		err = eachMonth(f, name, months, func(i int, fld *grid.Field) error {
			// Made once, by the first month to arrive: a file's months
			// share one grid.
			once.Do(func() { rg, rgErr = grid.NewRegridder(fld.Grid, dst) })
			if rgErr != nil {
				return rgErr
			}
			series[i] = output.GridMonth{Grid: dst, Month: months[i],
				Columns: []output.Column{{Name: name, Units: fld.Units, Values: rg.Apply(fld.Values, nil)}}}
			return nil
		})
		if err != nil {
			return err
		}
		// One file for all months, as CDO writes.
		return cfnetcdf.WriteSeries(filepath.Join(args[4], name+".nc"), series, "gridops remap")
	}
	return fmt.Errorf("unknown operation %q", args[0])
}

// eachMonth reads every month of variable name and calls do with it, on
// two goroutines: libnetcdf's reads take turns under its lock, but each
// month's unpacking and do overlap the other's read, as in the pipeline's
// ingest.
func eachMonth(f *netcdf.File, name string, months []grid.Month, do func(i int, fld *grid.Field) error) error {
	const workers = 2
	var next atomic.Int32
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(months); i = int(next.Add(1)) - 1 {
				fld, err := f.Read(name, months[i])
				if err == nil {
					err = do(i, fld)
				}
				if err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
