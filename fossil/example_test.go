package fossil_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/carbonbudget/carbonbudget/fossil"
	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// One month of daily records (MtCO2 per day) for every sector of every
// row of Carbon Monitor's partition of the world becomes E_FOS in GtC,
// with the GCB's ±5 % and a gridded field in g C m-2 month-1;
// international aviation is kept as a global bunker line.
func ExampleRun() {
	g := grid.MustNew(1)
	set, err := regions.Load(g)
	if err != nil {
		panic(err)
	}
	m := grid.Month{Year: 2024, Month: 6}
	var recs []ingest.FossilRecord
	for _, country := range []string{"Brazil", "China", "EU27 & UK", "India", "Japan", "Russia", "United States", "ROW"} {
		for _, sector := range fossil.Sectors {
			for d := range m.Days() {
				day := m.Start().Add(time.Duration(d) * 24 * time.Hour)
				recs = append(recs, ingest.FossilRecord{Country: country, Date: day, Sector: sector, MtCO2PerDay: 0.2})
			}
		}
	}
	res, err := fossil.Run(context.Background(), m, fossil.Inputs{Records: recs, Grid: g, Countries: set}, fossil.Options{})
	if err != nil {
		panic(err)
	}
	gridded := g.Sum(res.Grid.Values, set.LandFraction()) / 1e15
	fmt.Printf("E_FOS %.5f ± %.5f GtC, of which aviation %.5f GtC; gridded %.5f GtC\n", res.GtC, res.SigmaGtC, res.BunkersGtC, gridded)

	// Without one row's sectors the month is refused, not a smaller E_FOS.
	_, err = fossil.Run(context.Background(), m, fossil.Inputs{Records: recs[m.Days()*len(fossil.Sectors):], Grid: g, Countries: set}, fossil.Options{})
	fmt.Println(errors.Is(err, fossil.ErrIncomplete))
	// Output:
	// E_FOS 0.07860 ± 0.00160 GtC, of which aviation 0.01310 GtC; gridded 0.06550 GtC
	// true
}
