package builder

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/carbonbudget/carbonbudget/ingest/cube"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/carbonmonitor"
	"github.com/carbonbudget/carbonbudget/ingest/gcb"
	"github.com/carbonbudget/carbonbudget/ingest/noaa"
	"github.com/carbonbudget/carbonbudget/ingest/socat"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// readCO2 takes the month's global mean CO2 and trend from NOAA's monthly
// record, and serves it as the constant field "xco2" for the emulators. It
// keeps the record's rows of the months around m for the growth rate.
func readCO2(_ context.Context, b *Builder, c *cube.Cube, _ config.Source, path, _ string) error {
	mm, err := memoised(b, b.memo.noaa, c, path, noaa.ReadMonthlyFile)
	if err != nil {
		return &ingest.SourceError{Path: path, Variable: "average", Month: c.Month, Err: err}
	}
	row, ok := mm.At(c.Month)
	if !ok || row.AveragePPM != row.AveragePPM {
		return ingest.Errorf(path, "average", c.Month, "no monthly mean for the month (%w)", ingest.ErrMissing)
	}
	c.XCO2PPM, c.XCO2TrendPPM = row.AveragePPM, row.TrendPPM
	c.Fields["xco2"] = constantField(b.grid, "xco2", "1e-6", row.AveragePPM)
	c.CO2 = cube.CO2Record{Vintage: mm.Vintage}
	for _, m := range []grid.Month{c.Month.Add(-1), c.Month, c.Month.Add(1)} {
		if r, ok := mm.At(m); ok && r.AveragePPM == r.AveragePPM && r.TrendPPM == r.TrendPPM {
			c.CO2.Months = append(c.CO2.Months, cube.CO2Month{Month: m, MeanPPM: r.AveragePPM, TrendPPM: r.TrendPPM})
		}
	}
	return nil
}

// readGrowth takes NOAA's published growth rate of the month's year from
// the annual growth table, when the table has the year: NOAA publishes a
// year's rate only after it ends (preliminary in January), so most months
// of the current year have none, and that is not an error.
func readGrowth(_ context.Context, b *Builder, c *cube.Cube, _ config.Source, path, _ string) error {
	a, err := memoised(b, b.memo.noaaAnnual, c, path, noaa.ReadAnnualFile)
	if err != nil {
		return err // a SourceError naming the file and line
	}
	if a.Kind != noaa.Growth {
		return ingest.Errorf(path, "ann inc", c.Month, "the co2_growth source is an annual-%s table, want growth rates (co2_gr_gl): %w", a.Kind, noaa.ErrWrongKind)
	}
	r, ok := a.Year(c.Month.Year)
	if !ok || math.IsNaN(r.GrowthPPMPerYear) {
		return nil
	}
	c.NOAAGrowth = &cube.GrowthYear{Year: r.Year, PPMPerYear: r.GrowthPPMPerYear, UncPPMPerYear: r.GrowthUncPPMPerYear,
		Source: path, Vintage: a.Vintage}
	return nil
}

// readELUC takes the month's share of E_LUC from the GCB land-use sheet.
func readELUC(_ context.Context, b *Builder, c *cube.Cube, _ config.Source, path, _ string) error {
	s, err := memoised(b, b.memo.eluc, c, path, gcb.ReadELUCFile)
	if err != nil {
		return err
	}
	v, err := s.Month(c.Month)
	if err != nil {
		return err
	}
	c.ELUC = &v
	return nil
}

// readCement takes the month's share of S_CEMENT from the GCB cement
// carbonation sheet.
func readCement(_ context.Context, b *Builder, c *cube.Cube, _ config.Source, path, _ string) error {
	s, err := memoised(b, b.memo.cement, c, path, gcb.ReadCementFile)
	if err != nil {
		return err
	}
	v, err := s.Month(c.Month)
	if err != nil {
		return err
	}
	c.SCement = &v
	return nil
}

// readFossil keeps the month's Carbon Monitor records.
func readFossil(_ context.Context, b *Builder, c *cube.Cube, src config.Source, path, _ string) error {
	f, err := memoised(b, b.memo.carbonMonitor, c, path, readFossilFile)
	if err != nil {
		return &ingest.SourceError{Path: path, Month: c.Month, Err: err}
	}
	factor := src.MaxMonthlyJump
	if factor == 0 {
		factor = carbonmonitor.DefaultMaxMonthlyJump
	}
	if err := carbonmonitor.CheckJump(path, c.Month, f.byMonth[c.Month], f.byMonth[c.Month.Add(-1)], factor); err != nil {
		return err
	}
	c.Fossil = slices.Clone(f.byMonth[c.Month])
	if len(c.Fossil) == 0 {
		return ingest.Errorf(path, "value", c.Month, "no Carbon Monitor records for the month (%w)", ingest.ErrMissing)
	}
	return nil
}

// readSOCAT grids the month's ship fCO2: fco2_ship is the mean of the
// per-cruise means in each cell (SOCAT's cruise-weighted gridding), and
// fco2_ship_n the number of observations.
func readSOCAT(_ context.Context, b *Builder, c *cube.Cube, _ config.Source, path, _ string) error {
	b.opened(path)
	res, err := socat.ReadFile(path, socat.Options{})
	if err != nil {
		return &ingest.SourceError{Path: path, Variable: "fCO2rec", Month: c.Month, Err: err}
	}
	gr := socat.Grid(res.Obs, b.grid, c.Month)
	if gr.Used == 0 {
		return ingest.Errorf(path, "fCO2rec", c.Month, "none of %d observations fall in the month", len(res.Obs))
	}
	c.Fields["fco2_ship"] = gr.FCO2CruiseMeanUatm
	c.Fields["fco2_ship"].Name = "fco2_ship"
	c.Fields["fco2_ship_n"] = gr.Count
	c.Fields["fco2_ship_n"].Name = "fco2_ship_n"
	b.log.Debug("ship data", "month", c.Month, "observations", gr.Used, "dropped", fmt.Sprint(res.Dropped))
	return nil
}

// entrySum is the checksum the catalogue recorded for path, so a memoised
// parse is dropped when the file changes.
func entrySum(c *cube.Cube, path string) string {
	for _, e := range c.Catalogue {
		if e.Path == path {
			return e.SHA256
		}
	}
	return ""
}

// fossilFile is a parsed Carbon Monitor file with its records by month:
// every month built reads its own month and the one before.
type fossilFile struct {
	byMonth map[grid.Month][]ingest.FossilRecord
}

func readFossilFile(path string) (*fossilFile, error) {
	d, err := carbonmonitor.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return &fossilFile{byMonth: d.ByMonth()}, nil
}
