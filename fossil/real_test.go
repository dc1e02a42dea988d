package fossil

import (
	"context"
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/realdata"

	"github.com/carbonbudget/carbonbudget/ingest/carbonmonitor"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// TestRealCarbonMonitorMonth runs the stage on the real Carbon Monitor
// export of 17 Sep 2024 and checks the monthly totals against sums done
// by hand with awk on the file:
//
//	awk -F, '$1=="China" && $3=="Power" && $2 ~ /\/01\/2023$/ {s+=$4} END {print s}'   -> 460.5799 MtCO2 (31 days)
//	awk -F, '$1=="WORLD" && $2 ~ /\/07\/2024$/ {s+=$4} END {print s}'                   -> 2998.77311 MtCO2 (186 rows)
func TestRealCarbonMonitorMonth(t *testing.T) {
	path := realdata.Path(t, "carbon_monitor", "carbon_monitor_global.csv")
	data, err := carbonmonitor.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs := data.Records
	g := grid.MustNew(1)
	set, err := regions.Load(g)
	if err != nil {
		t.Fatal(err)
	}
	jan, err := Run(context.Background(), grid.Month{Year: 2023, Month: 1}, Inputs{Records: recs, Grid: g, Countries: set}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range jan.National {
		if row.Country == "China" && row.Sector == "Power" {
			want := 460.5799 / GtCO2PerGtC / 1000
			if math.Abs(row.GtC-want) > 1e-9 || row.Days != 31 {
				t.Errorf("China Power 2023-01 = %.9f GtC over %d days, want %.9f over 31", row.GtC, row.Days, want)
			}
		}
	}
	jul, err := Run(context.Background(), grid.Month{Year: 2024, Month: 7}, Inputs{Records: recs, Grid: g, Countries: set}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The partition rows reproduce WORLD to 1e-6 relative (2998.772759 vs 2998.77311 MtCO2 by awk: rounding in the file).
	if want := 2998.77311 / GtCO2PerGtC / 1000; math.Abs(jul.GtC-want)/want > 1e-6 {
		t.Errorf("global 2024-07 = %.9f GtC, WORLD rows sum to %.9f", jul.GtC, want)
	}
	// On the real masks Brazil's cells hold about Brazil's emissions: cells
	// shared with neighbours also carry their ROW emissions, which a
	// cover-weighted sum attributes partly to Brazil (3 % at 1°). Exact
	// conservation is tested on disjoint masks in fossil_test.go.
	bra, _ := set.Weights("BRA")
	var inBrazil, brazil float64
	for i, v := range jul.Grid.Values {
		if v == v {
			inBrazil += float64(v) * float64(bra[i]) * g.RowAreaM2(i/g.NLon) / 1e15
		}
	}
	for _, row := range jul.National {
		if row.Country == "Brazil" && row.Sector != InternationalAviation {
			brazil += row.GtC
		}
	}
	if math.Abs(inBrazil-brazil)/brazil > 0.05 {
		t.Errorf("Brazil: %.6f GtC on its cells, %.6f national", inBrazil, brazil)
	}
	if _, err := Run(context.Background(), grid.Month{Year: 2023, Month: 9}, Inputs{Records: recs, Grid: g, Countries: set}, Options{}); err == nil {
		t.Error("September 2023 is absent from the export: want an error")
	}
}
