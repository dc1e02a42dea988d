package land

import (
	"context"
	"fmt"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Running the land stage on one month: the caller hands it the cubes of
// the month and the three before it (the emulators read lagged drivers),
// the trained DGVM emulators and their climatology (here trained on a
// synthetic world). Totals are GtC in the month: S_LAND (NBP into land,
// the members' mean ± their spread), the observed fire and its anomaly
// (to the atmosphere), and the net flux NBP − fire anomaly; per-cell
// fields are in g C m-2 month-1 per m² of land.
func ExampleRun() {
	if err := trainSynth(); err != nil {
		panic(err)
	}
	m := grid.Month{Year: synthHeldOutYear, Month: 7}
	var cubes []*cube.Cube
	for i := -lagMonths; i <= 0; i++ {
		c, err := synth.w.Cube(m.Add(i))
		if err != nil {
			panic(err)
		}
		cubes = append(cubes, c)
	}
	res, err := Run(context.Background(), m, Inputs{Cubes: cubes, Models: synth.models, Climatology: synth.clim}, Options{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %d members, S_LAND %.2f ± %.2f GtC, fire %.2f GtC (anomaly %+.2f), net %.2f GtC, NBP in %s\n", m,
		len(res.Members), res.SLandGtC, res.SigmaGtC, res.FireGtC, res.FireAnomalyGtC, res.NetGtC, res.NBPMean.Units)
	// Output: 2012-07: 2 members, S_LAND 1.51 ± 0.11 GtC, fire 0.20 GtC (anomaly +0.00), net 1.51 GtC, NBP in g C m-2 month-1
}
