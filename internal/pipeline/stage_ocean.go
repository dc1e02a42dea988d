package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"

	"github.com/carbonbudget/carbonbudget/internal/lake"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/ocean"
)

// Ocean adapts the ocean stage to the pipeline: it runs ocean.Run on a
// month with the trained members and converts the result to budget terms.
type Ocean struct {
	Members   *ocean.Models
	ModelsDir string
	// NoAttribution: ocean.Options.NoAttribution.
	NoAttribution bool
}

// Run implements OceanStage.
func (o *Ocean) Run(ctx context.Context, m grid.Month, c *cube.Cube) (OceanOut, error) {
	res, err := ocean.Run(ctx, m, ocean.Inputs{Cube: c, Models: o.Members}, ocean.Options{NoAttribution: o.NoAttribution})
	if err != nil {
		return OceanOut{}, err
	}
	members := map[string]float64{}
	fields := map[string]*grid.Field{}
	for _, mm := range res.Members {
		members[mm.Name] = mm.GtC
		if mm.Uptake != nil {
			fields[mm.Name] = mm.Uptake
		}
	}
	return OceanOut{
		Flux: budget.Flux{Term: lake.Term{GtC: res.GtC, SigmaGtC: res.SigmaGtC, Provisional: res.Provisional},
			Mean: res.UptakeMean, Sigma: res.UptakeSD, Members: members, MemberFields: fields,
			Drivers: res.Drivers, DriversSigma: res.DriversSD},
		PCO2Sea: res.PCO2Sea,
	}, nil
}

// Models implements OceanStage: every member's model file and card.
func (o *Ocean) Models() []ModelRef {
	var refs []ModelRef
	for _, mm := range o.Members.Members {
		refs = append(refs, modelRef("ocean", mm.Name, o.ModelsDir, filepath.Join(ocean.Dir(o.ModelsDir), mm.Name)))
	}
	return refs
}

// modelRef describes a saved emulator (<base>.json with <base>.card.json).
// Its path is relative to modelsDir, so the manifest does not change when
// the models move; the checksum identifies the file.
func modelRef(component, name, modelsDir, base string) ModelRef {
	ref := ModelRef{Component: component, Name: name, Path: base + ".json"}
	if rel, err := filepath.Rel(modelsDir, ref.Path); err == nil {
		ref.Path = rel
	}
	if b, err := os.ReadFile(base + ".json"); err == nil {
		h := sha256.Sum256(b)
		ref.SHA256 = hex.EncodeToString(h[:])
	}
	if b, err := os.ReadFile(base + ".card.json"); err == nil {
		ref.Card = b
	}
	return ref
}
