package pipeline

import (
	"context"
	"path/filepath"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/land"
)

// Land adapts the land stage to the pipeline. The budget's S_LAND is the
// stage's net land flux: the DGVM emulators' NBP minus the observed fire
// anomaly (the extreme fires the models miss), as the low-latency budget
// counts the land sink; E_LUC comes from the bookkeeping series.
type Land struct {
	Members     *land.Models
	Cubes       land.Cubes
	Climatology *land.Climatology
	ELUC        *land.ELUCSeries
	ModelsDir   string
}

// Run implements LandStage.
func (l *Land) Run(ctx context.Context, m grid.Month, c *cube.Cube) (LandOut, error) {
	res, err := land.Run(ctx, m, land.Inputs{Cubes: l.Cubes, Models: l.Members, Climatology: l.Climatology, ELUC: l.ELUC, Missing: c.Missing}, land.Options{})
	if err != nil {
		return LandOut{}, err
	}
	mean := res.Net
	if mean == nil {
		mean = res.NBPMean
	}
	// Members' net fluxes: each member's NBP less the same fire anomaly.
	members := map[string]float64{}
	for _, mm := range res.Members {
		members[mm.Name] = mm.GtC - res.FireAnomalyGtC
	}
	return LandOut{
		Flux: budget.Flux{Term: budget.Term{GtC: res.NetGtC, SigmaGtC: res.SigmaGtC, Provisional: res.Provisional},
			Mean: mean, Sigma: res.NBPSD, Members: members},
		Fire: res.Fire,
		ELUC: budget.Term{GtC: res.ELUCGtC, SigmaGtC: res.ELUCSigmaGtC, Provisional: res.ELUCProjected},
	}, nil
}

// Models implements LandStage.
func (l *Land) Models() []ModelRef {
	var refs []ModelRef
	for _, mm := range l.Members.Members {
		refs = append(refs, modelRef("land", mm.Name, l.ModelsDir, filepath.Join(land.Dir(l.ModelsDir), mm.Name)))
	}
	return refs
}
