package cube

import (
	"context"
	"fmt"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/carbonmonitor"
	"github.com/carbonbudget/carbonbudget/ingest/noaa"
	"github.com/carbonbudget/carbonbudget/ingest/socat"
	"github.com/carbonbudget/carbonbudget/internal/config"
)

func init() {
	readers["co2_monthly"] = readCO2
	readers["fossil"] = readFossil
	readers["socat"] = readSOCAT
}

// readCO2 takes the month's global mean CO2 and trend from NOAA's monthly
// record, and serves it as the constant field "xco2" for the emulators.
func readCO2(_ context.Context, b *Builder, c *Cube, _ config.Source, path, _ string) error {
	v, err := b.memoised("noaa:"+path+entrySum(c, path), func() (any, error) { return noaa.ReadMonthlyFile(path) })
	if err != nil {
		return &ingest.SourceError{Path: path, Variable: "average", Month: c.Month, Err: err}
	}
	row, ok := v.(*noaa.Monthly).At(c.Month)
	if !ok || row.AveragePPM != row.AveragePPM {
		return ingest.Errorf(path, "average", c.Month, "no monthly mean for the month (%w)", ingest.ErrMissing)
	}
	c.XCO2PPM, c.XCO2TrendPPM = row.AveragePPM, row.TrendPPM
	c.Fields["xco2"] = constantField(b.grid, "xco2", "1e-6", row.AveragePPM)
	return nil
}

// readFossil keeps the month's Carbon Monitor records.
func readFossil(_ context.Context, b *Builder, c *Cube, _ config.Source, path, _ string) error {
	v, err := b.memoised("cm:"+path+entrySum(c, path), func() (any, error) { return carbonmonitor.ReadFile(path) })
	if err != nil {
		return &ingest.SourceError{Path: path, Month: c.Month, Err: err}
	}
	c.Fossil = v.(*carbonmonitor.Data).Month(c.Month)
	if len(c.Fossil) == 0 {
		return ingest.Errorf(path, "value", c.Month, "no Carbon Monitor records for the month (%w)", ingest.ErrMissing)
	}
	return nil
}

// readSOCAT grids the month's ship fCO2: fco2_ship is the mean of the
// per-cruise means in each cell (SOCAT's cruise-weighted gridding), and
// fco2_ship_n the number of observations.
func readSOCAT(_ context.Context, b *Builder, c *Cube, _ config.Source, path, _ string) error {
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
func entrySum(c *Cube, path string) string {
	for _, e := range c.Catalogue {
		if e.Path == path {
			return e.SHA256
		}
	}
	return ""
}
