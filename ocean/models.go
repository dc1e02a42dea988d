package ocean

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Kinds of ensemble member.
const (
	KindGOBM           = "gobm"           // emulator of one GOBM's fgco2
	KindReconstruction = "reconstruction" // ship-data pCO2 reconstruction (a data product)
)

// ReconName is the file name of the reconstruction member.
const ReconName = "pco2-recon"

// Model is one trained ensemble member.
type Model struct {
	Name     string // file name under <models>/ocean: "gobm-<MODEL>" or ReconName
	Kind     string // KindGOBM or KindReconstruction
	GOBM     string // the emulated model, for KindGOBM
	Emulator *emulator.Model
	// Skill is the held-out year's skill, with global sums weighted by
	// the ocean fraction (the card's weigh whole cells).
	Skill emulator.MemberSkill
}

// Models is the trained ocean ensemble with the transfer-velocity
// coefficient fixed at training time. Close it when done.
type Models struct {
	Grid        grid.Grid
	HeldOutYear int
	Members     []*Model
	// TransferCoeff is a in k_w = a·<U10²>·(Sc/660)^-0.5 [cm/hr] for the
	// reconstruction's flux: seawater.WanninkhofCoefficient, or that
	// rescaled so the training period's global mean k_w is
	// KwTargetCmPerHour (see TrainSpec.KwTargetCmPerHour).
	TransferCoeff     float64
	KwTargetCmPerHour float64 // 0: not rescaled
	// KwMeanCmPerHour is the training period's area-weighted ice-free
	// global mean k_w with seawater.WanninkhofCoefficient.
	KwMeanCmPerHour float64
}

// ensembleExtra is the ocean's record in members.json (emulator.Manifest).
type ensembleExtra struct {
	TransferCoeff     float64 `json:"transfer_coeff_cm_per_hour_per_m2_s-2"`
	KwTargetCmPerHour float64 `json:"kw_target_cm_per_hour"`
	KwMeanCmPerHour   float64 `json:"kw_mean_unscaled_cm_per_hour"`
}

// Dir is where the ocean members live under a models directory.
func Dir(modelsDir string) string { return filepath.Join(modelsDir, "ocean") }

// Save writes every member (<models>/ocean/<name>.json and
// <name>.card.json) and then the manifest members.json, which names them
// (emulator.SaveMembers).
func (ms *Models) Save(modelsDir string) error {
	members := make([]emulator.Saving, len(ms.Members))
	for i, m := range ms.Members {
		members[i] = emulator.Saving{Entry: emulator.ManifestMember{Name: m.Name, Kind: m.Kind, Model: m.GOBM, Skill: m.Skill}, Emulator: m.Emulator}
	}
	extra := ensembleExtra{ms.TransferCoeff, ms.KwTargetCmPerHour, ms.KwMeanCmPerHour}
	if err := emulator.SaveMembers(Dir(modelsDir), ms.Grid, ms.HeldOutYear, extra, members); err != nil {
		return fmt.Errorf("save ocean models: %w", err)
	}
	return nil
}

// Load reads the ocean members Save wrote under modelsDir, with the
// transfer coefficient fixed at training, and checks that each member was
// trained on the manifest's grid with Features and that at most one is a
// reconstruction.
func Load(modelsDir string) (*Models, error) {
	man, ems, err := emulator.LoadMembers(Dir(modelsDir), Features())
	if err != nil {
		return nil, fmt.Errorf("load ocean models: %w", err)
	}
	var x ensembleExtra
	if err := json.Unmarshal(man.Extra, &x); err != nil || !(x.TransferCoeff > 0) {
		emulator.CloseAll(ems)
		return nil, fmt.Errorf("load ocean models from %s: no transfer coefficient (%v)", filepath.Join(Dir(modelsDir), emulator.ManifestFile), err)
	}
	ms := &Models{Grid: man.Grid.Grid(), HeldOutYear: man.HeldOutYear, TransferCoeff: x.TransferCoeff,
		KwTargetCmPerHour: x.KwTargetCmPerHour, KwMeanCmPerHour: x.KwMeanCmPerHour}
	for i, mm := range man.Members {
		ms.Members = append(ms.Members, &Model{Name: mm.Name, Kind: mm.Kind, GOBM: mm.Model, Emulator: ems[i], Skill: mm.Skill})
	}
	if err := ms.check(); err != nil {
		ms.Close()
		return nil, fmt.Errorf("load ocean models from %s: %w", filepath.Join(Dir(modelsDir), emulator.ManifestFile), err)
	}
	return ms, nil
}

// check verifies that every member predicts on the models' grid from
// Features, in order, so one feature matrix serves them all, and that the
// kinds make an ocean ensemble.
func (ms *Models) check() error {
	recon := 0
	for _, m := range ms.Members {
		if err := emulator.CheckMember(m.Emulator, m.Name, ms.Grid, Features()); err != nil {
			return err
		}
		switch m.Kind {
		case KindGOBM:
			if m.GOBM == "" {
				return fmt.Errorf("member %s: GOBM member without a model name", m.Name)
			}
		case KindReconstruction:
			recon++
		default:
			return fmt.Errorf("member %s: unknown kind %q", m.Name, m.Kind)
		}
	}
	if recon > 1 {
		return fmt.Errorf("%d reconstruction members, want at most 1", recon)
	}
	return nil
}

// Close frees every member.
func (ms *Models) Close() error {
	return emulator.CloseMembers(ms.Members, func(m *Model) *emulator.Model { return m.Emulator })
}

// gobmMemberName is the file name of GOBM model's emulator.
func gobmMemberName(model string) string { return "gobm-" + model }
