package release

import (
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest/carbonmonitor"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/realdata"
)

// TestFossilWorldOnRealCarbonMonitor runs the fossil_world check on the
// real Carbon Monitor export's monthly rows: it passes (the export's parts
// meet WORLD to its six digits), and fails when one country's month is
// off by 0.1 % of the world's sector total.
func TestFossilWorldOnRealCarbonMonitor(t *testing.T) {
	path := realdata.Path(t, "carbon_monitor", "carbon_monitor_global.csv")
	d, err := carbonmonitor.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	iso := map[string]string{"Brazil": "BRA", "China": "CHN", "France": "FRA", "Germany": "DEU", "India": "IND", "Italy": "ITA",
		"Japan": "JPN", "Russia": "RUS", "Spain": "ESP", "United Kingdom": "GBR", "United States": "USA"}
	type key struct {
		m               grid.Month
		country, sector string
	}
	sums := map[key]float64{}
	for _, r := range d.Records {
		sums[key{grid.Month{Year: r.Date.Year(), Month: r.Date.Month()}, r.Country, r.Sector}] += r.MtCO2PerDay
	}
	byMonth := map[grid.Month]*lake.MonthRecord{}
	for k, v := range sums {
		rec := byMonth[k.m]
		if rec == nil {
			rec = &lake.MonthRecord{Budget: lake.Budget{Period: k.m.String()}}
			byMonth[k.m] = rec
		}
		rec.FossilNational = append(rec.FossilNational, lake.NationalRow{Month: k.m.String(), Country: k.country, ISO3: iso[k.country], Sector: k.sector, GtC: v})
	}
	var recs []lake.MonthRecord
	for _, r := range byMonth {
		recs = append(recs, *r)
	}
	if c := checkFossilWorld(recs); !c.Passed || len(recs) < 12 {
		t.Fatalf("real Carbon Monitor rows: %+v (%d months)", c, len(recs))
	}
	for i, row := range recs[0].FossilNational {
		if row.Country == "China" && row.Sector == "Power" {
			var world float64
			for _, w := range recs[0].FossilNational {
				if w.Country == "WORLD" && w.Sector == "Power" {
					world = w.GtC
				}
			}
			recs[0].FossilNational[i].GtC += 1e-3 * world
		}
	}
	if c := checkFossilWorld(recs); c.Passed || !strings.Contains(c.Detail, "Power") {
		t.Errorf("China's power off by 0.1 %% of the world's passes: %+v", c)
	}
}
