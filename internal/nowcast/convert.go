package nowcast

import (
	"math"

	"github.com/carbonbudget/carbonbudget/ingest/enso"
	"github.com/carbonbudget/carbonbudget/ingest/noaa"
)

// RecordOf converts a NOAA monthly record; months NOAA marks missing are
// left out.
func RecordOf(m *noaa.Monthly) CO2Record {
	r := CO2Record{AveragePPM: Monthly{}, TrendPPM: Monthly{}}
	for _, row := range m.Rows {
		if !math.IsNaN(row.AveragePPM) {
			r.AveragePPM[row.Month] = row.AveragePPM
		}
		if !math.IsNaN(row.TrendPPM) {
			r.TrendPPM[row.Month] = row.TrendPPM
		}
	}
	return r
}

// ONIOf converts the ONI to a series by centre month.
func ONIOf(x *enso.Index) Monthly {
	s := make(Monthly, len(x.Rows))
	for _, r := range x.Rows {
		s[r.Month] = r.AnomC
	}
	return s
}

// GrowthOf converts a NOAA growth-rate table (ppm/yr).
func GrowthOf(a *noaa.Annual) Annual {
	s := make(Annual, len(a.Rows))
	for _, r := range a.Rows {
		if !math.IsNaN(r.GrowthPPMPerYear) {
			s[r.Year] = r.GrowthPPMPerYear
		}
	}
	return s
}
