// Package cube defines the month cube, the one way a month's inputs reach
// the stages: every driver of one month on the analysis grid in canonical
// units (see Canonical), plus the month's point and table data (ship
// observations gridded to cell means, NOAA's CO2 record around the month,
// Carbon Monitor records), the month's shares of the annual GCB terms E_LUC
// and S_CEMENT, NOAA's annual growth rate for the month's year, the late
// sources that are missing and the catalogue of input files used. Store keeps cubes in a work directory keyed by the
// SHA-256 of their inputs. The cube imports no reader: ingest/builder reads
// the files and assembles cubes, and the stages depend on this package only.
package cube

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Cube is one month of inputs on the analysis grid.
type Cube struct {
	Month  grid.Month
	Grid   grid.Grid
	Fields map[string]*grid.Field

	// XCO2PPM is NOAA's global monthly mean CO2 (the "average" column) and
	// XCO2TrendPPM its de-seasonalised trend, in µmol/mol.
	XCO2PPM      float64
	XCO2TrendPPM float64

	// CO2 holds NOAA's record around the month, for the atmospheric
	// growth rate.
	CO2 CO2Record

	// Fossil holds the month's Carbon Monitor daily records.
	Fossil []ingest.FossilRecord

	// ELUC (land-use change emission, to the atmosphere) and SCement (cement
	// carbonation sink, uptake positive) are the month's shares of the GCB
	// annual series; nil when the source is not configured.
	ELUC    *ingest.MonthValue
	SCement *ingest.MonthValue

	// NOAAGrowth is NOAA's published annual growth rate for the month's
	// year (the optional co2_growth source); nil when that source is not
	// configured, its file is absent, or the file has no value for the
	// year yet. Its absence does not make the month provisional.
	NOAAGrowth *GrowthYear

	// Missing lists late sources absent for this month (e.g. "socat"):
	// results computed without them are provisional.
	Missing []string

	Catalogue []Entry

	// Key is the SHA-256 of inputs and configuration the cube was built from.
	Key string

	// partial, when set, makes this a cube opened by Store.Open: Fields
	// holds only the fields Field has read so far, and Field reads the
	// others from the stored cube as they are asked for.
	partial *partialFields
}

// CO2Record is NOAA's global monthly CO2 record (co2_mm_gl) around a
// month: the rows of months m-1, m and m+1 that the record has, in month
// order, with the file's vintage (its "File Creation" line). A central
// difference needs m+1; while it is not yet published the growth of m is
// provisional. Rows with a missing mean or trend are left out.
type CO2Record struct {
	Vintage string     `json:"vintage"`
	Months  []CO2Month `json:"months"`
}

// CO2Month is one row of the record, µmol/mol (ppm).
type CO2Month struct {
	Month    grid.Month `json:"month"`
	MeanPPM  float64    `json:"mean_ppm"`  // the "average" column
	TrendPPM float64    `json:"trend_ppm"` // de-seasonalised
}

// GrowthYear is one year of NOAA's annual CO2 growth-rate table
// (co2_gr_gl or co2_gr_mlo): the increase from 1 January to 31 December.
type GrowthYear struct {
	Year       int
	PPMPerYear float64
	// UncPPMPerYear is the file's 1σ; NaN when the file has no
	// uncertainty column or marks the value missing.
	UncPPMPerYear float64
	// Source is the file the value was read from, and Vintage its "File
	// Creation" line: NOAA revises recent years, so a growth rate is only
	// traceable with its vintage.
	Source  string
	Vintage string
}

// growthYearJSON is GrowthYear as stored: JSON has no NaN, so a missing
// uncertainty is null.
type growthYearJSON struct {
	Year          int      `json:"year"`
	PPMPerYear    float64  `json:"ppm_per_year"`
	UncPPMPerYear *float64 `json:"unc_ppm_per_year"`
	Source        string   `json:"source"`
	Vintage       string   `json:"vintage,omitempty"`
}

// MarshalJSON writes a NaN uncertainty as null.
func (g GrowthYear) MarshalJSON() ([]byte, error) {
	j := growthYearJSON{Year: g.Year, PPMPerYear: g.PPMPerYear, Source: g.Source, Vintage: g.Vintage}
	if !math.IsNaN(g.UncPPMPerYear) {
		j.UncPPMPerYear = &g.UncPPMPerYear
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a null uncertainty as NaN.
func (g *GrowthYear) UnmarshalJSON(b []byte) error {
	var j growthYearJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*g = GrowthYear{Year: j.Year, PPMPerYear: j.PPMPerYear, UncPPMPerYear: math.NaN(), Source: j.Source, Vintage: j.Vintage}
	if j.UncPPMPerYear != nil {
		g.UncPPMPerYear = *j.UncPPMPerYear
	}
	return nil
}

// Entry describes one input file behind a cube, for the run's provenance.
type Entry struct {
	Source    string   `json:"source"`
	Model     string   `json:"model,omitempty"`
	Path      string   `json:"path"`
	Size      int64    `json:"size"`
	SHA256    string   `json:"sha256"`
	Variables []string `json:"variables,omitempty"`
	TimeRange string   `json:"time_range,omitempty"`
	// Status is "ok", or "missing" for a late source, a model or an
	// inversion product not yet published, or an optional source's absent
	// file.
	Status string `json:"status"`
}

// Field returns the named field, or an error naming it and the month.
func (c *Cube) Field(name string) (*grid.Field, error) {
	if c.partial != nil {
		return c.partial.field(c, name)
	}
	f, ok := c.Fields[name]
	if !ok {
		return nil, fmt.Errorf("cube %s: no field %q (have %s)", c.Month, name, strings.Join(c.FieldNames(), ", "))
	}
	return f, nil
}

// FieldNames lists the fields in sorted order (of a partial cube, all the
// stored cube has, read or not).
func (c *Cube) FieldNames() []string {
	if c.partial != nil {
		return c.partial.names()
	}
	names := make([]string, 0, len(c.Fields))
	for n := range c.Fields {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Provisional reports whether a late source was missing.
func (c *Cube) Provisional() bool { return len(c.Missing) > 0 }

// Models lists the model names that have a field with the given prefix
// ("nbp/" or "fgco2/") in this cube.
func (c *Cube) Models(prefix string) []string {
	var out []string
	for _, n := range c.FieldNames() {
		if strings.HasPrefix(n, prefix) {
			out = append(out, strings.TrimPrefix(n, prefix))
		}
	}
	return out
}
