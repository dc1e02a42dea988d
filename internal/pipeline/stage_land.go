package pipeline

import (
	"context"
	"path/filepath"

	"github.com/carbonbudget/carbonbudget/internal/lake"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/land"
)

// Land adapts the land stage to the pipeline. The budget's S_LAND is the
// stage's net land flux: the DGVM emulators' NBP minus the observed fire
// anomaly (the extreme fires the models miss), as the low-latency budget
// counts the land sink. E_LUC is not the stage's: the budget takes it from
// the cube (the GCB land-use sheet).
type Land struct {
	Members     *land.Models
	Climatology *land.Climatology
	ModelsDir   string
	// NoAttribution: land.Options.NoAttribution.
	NoAttribution bool
}

// Run implements LandStage.
func (l *Land) Run(ctx context.Context, m grid.Month, cubes []*cube.Cube) (LandOut, error) {
	res, err := land.Run(ctx, m, land.Inputs{Cubes: cubes, Models: l.Members, Climatology: l.Climatology}, land.Options{NoAttribution: l.NoAttribution})
	if err != nil {
		return LandOut{}, err
	}
	mean := res.Net
	if mean == nil {
		mean = res.NBPMean
	}
	// Members' net fluxes: each member's NBP less the same fire anomaly.
	members := map[string]float64{}
	fields := map[string]*grid.Field{}
	for _, mm := range res.Members {
		members[mm.Name] = mm.GtC - res.FireAnomalyGtC
		// Each member's net flux by the stage's own rule (land.NetFlux), as
		// the ensemble mean's, so both cover the same cells.
		f := mm.NBP
		if res.FireAnomaly != nil {
			f = grid.NewField(mm.NBP.Grid, mm.NBP.Name, mm.NBP.Units)
			for i, v := range mm.NBP.Values {
				f.Values[i] = land.NetFlux(v, res.FireAnomaly.Values[i])
			}
		}
		fields[mm.Name] = f
	}
	return LandOut{
		Flux: budget.Flux{Term: lake.Term{GtC: res.NetGtC, SigmaGtC: res.SigmaGtC, Provisional: res.Provisional},
			Mean: mean, Sigma: res.NBPSD, Members: members, MemberFields: fields,
			Drivers: res.Drivers, DriversSigma: res.DriversSD},
		Fire: res.Fire,
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
