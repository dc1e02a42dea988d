package fossil_test

import (
	"context"
	"fmt"
	"time"

	"github.com/carbonbudget/carbonbudget/fossil"
	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// One month of daily national records (MtCO2 per day) becomes E_FOS in
// GtC, with the GCB's ±5 % and a gridded field in g C m-2 month-1;
// international aviation is kept as a global bunker line.
func ExampleRun() {
	g := grid.MustNew(1)
	set, err := regions.Load(g)
	if err != nil {
		panic(err)
	}
	m := grid.Month{Year: 2024, Month: 6}
	var recs []ingest.FossilRecord
	for d := range m.Days() {
		day := m.Start().Add(time.Duration(d) * 24 * time.Hour)
		recs = append(recs,
			ingest.FossilRecord{Country: "China", Date: day, Sector: "Power", MtCO2PerDay: 0.1},
			ingest.FossilRecord{Country: "India", Date: day, Sector: "Ground Transport", MtCO2PerDay: 0.3},
			ingest.FossilRecord{Country: "China", Date: day, Sector: fossil.InternationalAviation, MtCO2PerDay: 0.05})
	}
	res, err := fossil.Run(context.Background(), m, fossil.Inputs{Records: recs, Grid: g, Countries: set}, fossil.Options{})
	if err != nil {
		panic(err)
	}
	gridded := g.Sum(res.Grid.Values, set.LandFraction()) / 1e15
	fmt.Printf("E_FOS %.5f ± %.5f GtC, of which aviation %.5f GtC; gridded %.5f GtC\n", res.GtC, res.SigmaGtC, res.BunkersGtC, gridded)
	// Output: E_FOS 0.00368 ± 0.00013 GtC, of which aviation 0.00041 GtC; gridded 0.00328 GtC
}
