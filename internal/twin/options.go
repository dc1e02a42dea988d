package twin

import (
	"fmt"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Options chooses the twin world. The zero value is not valid; start from
// DefaultOptions.
type Options struct {
	// Seed picks the weather, the ship tracks and every other random part.
	// The same seed gives byte-identical files.
	Seed uint64
	// FromYear and ToYear are the first and last simulated calendar years.
	FromYear, ToYear int
	// ResDeg is the analysis grid spacing: 2, 1, 0.5 or 0.25.
	ResDeg float64
	// ShipLagMonths withholds the SOCAT files of the last months, as the
	// real synthesis lags; 0 writes every month.
	ShipLagMonths int
	// NoTruthGrid skips the per-month truth GeoParquet files (the global
	// budget tables are always written); for benchmarks of the inputs.
	NoTruthGrid bool
	// NOAARevision is the vintage of NOAA's monthly record (co2_mm_gl):
	// 0 is the record as first issued; n > 0 is the record NOAA reissues
	// n months later, with a later "File Creation" line and its last,
	// preliminary month revised (noaaRevisionPPM per revision), which is
	// how NOAA revises its recent months. Nothing else changes.
	NOAARevision int
}

// DefaultOptions is the world of the issue: 2000–2024 at 1°, seed 42.
func DefaultOptions() Options {
	return Options{Seed: 42, FromYear: 2000, ToYear: 2024, ResDeg: 1}
}

// Supported year range. The first year needs a real January CO2 value
// (noaaJanuaryPPM starts in 1980); ONI and the GCB series are extended by
// documented processes beyond their end, up to MaxYear.
const (
	MinYear = 1980
	MaxYear = 2100
)

// Validate checks the options.
func (o Options) Validate() error {
	if _, err := grid.New(o.ResDeg); err != nil {
		return fmt.Errorf("twin: %w", err)
	}
	if o.FromYear < MinYear || o.FromYear > lastCO2Year {
		return fmt.Errorf("twin: first year %d outside %d..%d (the start needs a real January CO2 value)", o.FromYear, MinYear, lastCO2Year)
	}
	if o.ToYear < o.FromYear || o.ToYear > MaxYear {
		return fmt.Errorf("twin: last year %d outside %d..%d", o.ToYear, o.FromYear, MaxYear)
	}
	if o.NOAARevision < 0 {
		return fmt.Errorf("twin: NOAA revision %d is negative", o.NOAARevision)
	}
	if o.ShipLagMonths < 0 {
		return fmt.Errorf("twin: ship lag %d months is negative", o.ShipLagMonths)
	}
	return nil
}

// Months lists every simulated month.
func (o Options) Months() []grid.Month {
	return grid.Range(grid.Month{Year: o.FromYear, Month: time.January}, grid.Month{Year: o.ToYear, Month: time.December})
}

// ModelLastYear is the last year the TRENDY- and GOBM-style model files
// cover: the year before the last, the one-year lag of the Global Carbon
// Budget's model runs that makes emulators necessary.
func (o Options) ModelLastYear() int { return o.ToYear - 1 }

// creationTime is the fixed "file creation" stamp written into text
// headers: 5 February after the last year at 03:55:17 UTC, the kind of date
// NOAA's files carry. It depends only on the options, so files are
// reproducible.
func (o Options) creationTime() time.Time {
	return time.Date(o.ToYear+1, time.February, 5, 3, 55, 17, 0, time.UTC)
}
