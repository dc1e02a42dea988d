package ocean

import (
	"context"
	"fmt"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Running the ocean stage on one month: the caller hands it the month's
// cube and the trained members (here GOBM emulators and the ship-data
// reconstruction, trained on a synthetic world); S_OCEAN is in
// GtC for the month, positive into the ocean, with the members' spread as
// σ, and the per-cell uptake in g C m-2 month-1 per m² of ocean.
func ExampleRun() {
	w, ms, err := trainedSynth()
	if err != nil {
		panic(err)
	}
	m := heldOutMonths()[5]
	res, err := Run(context.Background(), m, Inputs{Cube: w.mustCube(m), Models: ms}, Options{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %d members, S_OCEAN %.2f ± %.2f GtC, provisional %v, uptake in %s\n",
		m, len(res.Members), res.GtC, res.SigmaGtC, res.Provisional, res.UptakeMean.Units)
	// Output: 2012-06: 3 members, S_OCEAN 0.19 ± 0.04 GtC, provisional false, uptake in g C m-2 month-1
}

func (w *synthWorld) mustCube(m grid.Month) *cube.Cube {
	c, err := w.Cube(m)
	if err != nil {
		panic(err)
	}
	return c
}
