package ocean

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
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
	Skill MemberSkill
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

// manifest is <models>/ocean/members.json.
type manifest struct {
	Grid              emulator.GridSpec `json:"grid"`
	HeldOutYear       int               `json:"held_out_year"`
	TransferCoeff     float64           `json:"transfer_coeff_cm_per_hour_per_m2_s-2"`
	KwTargetCmPerHour float64           `json:"kw_target_cm_per_hour"`
	KwMeanCmPerHour   float64           `json:"kw_mean_unscaled_cm_per_hour"`
	Members           []manifestMember  `json:"members"`
}

type manifestMember struct {
	Name  string      `json:"name"`
	Kind  string      `json:"kind"`
	GOBM  string      `json:"gobm,omitempty"`
	Skill MemberSkill `json:"skill"`
}

// Dir is where the ocean members live under a models directory.
func Dir(modelsDir string) string { return filepath.Join(modelsDir, "ocean") }

const manifestFile = "members.json"

// Save writes every member (<models>/ocean/<name>.json and
// <name>.card.json) and then the manifest members.json, which names them;
// a crash before the manifest is renamed into place leaves the previous
// manifest and the files it names.
func (ms *Models) Save(modelsDir string) error {
	dir := Dir(modelsDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save ocean models: %w", err)
	}
	man := manifest{Grid: gridSpecOf(ms.Grid), HeldOutYear: ms.HeldOutYear, TransferCoeff: ms.TransferCoeff,
		KwTargetCmPerHour: ms.KwTargetCmPerHour, KwMeanCmPerHour: ms.KwMeanCmPerHour}
	for _, m := range ms.Members {
		if err := m.Emulator.Save(dir, m.Name); err != nil {
			return fmt.Errorf("save ocean model %s: %w", m.Name, err)
		}
		man.Members = append(man.Members, manifestMember{m.Name, m.Kind, m.GOBM, m.Skill})
	}
	data, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return fmt.Errorf("save ocean models: %w", err)
	}
	return output.AtomicWriteFile(filepath.Join(dir, manifestFile), func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}

func gridSpecOf(g grid.Grid) emulator.GridSpec {
	return emulator.GridSpec{WestDeg: g.West, NorthDeg: g.North, DLonDeg: g.DLon, DLatDeg: g.DLat, NLon: g.NLon, NLat: g.NLat}
}

// Load reads the members Save wrote under modelsDir and checks that each
// was trained on the manifest's grid with Features.
func Load(modelsDir string) (*Models, error) {
	dir := Dir(modelsDir)
	path := filepath.Join(dir, manifestFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load ocean models: %w", err)
	}
	var man manifest
	if err := json.Unmarshal(data, &man); err != nil {
		return nil, fmt.Errorf("load ocean models %s: %w", path, err)
	}
	if len(man.Members) == 0 || !(man.TransferCoeff > 0) {
		return nil, fmt.Errorf("load ocean models %s: no members or no transfer coefficient", path)
	}
	ms := &Models{Grid: man.Grid.Grid(), HeldOutYear: man.HeldOutYear, TransferCoeff: man.TransferCoeff,
		KwTargetCmPerHour: man.KwTargetCmPerHour, KwMeanCmPerHour: man.KwMeanCmPerHour}
	for _, mm := range man.Members {
		em, err := emulator.Load(dir, mm.Name)
		if err != nil {
			ms.Close()
			return nil, fmt.Errorf("load ocean models %s: %w", path, err)
		}
		ms.Members = append(ms.Members, &Model{Name: mm.Name, Kind: mm.Kind, GOBM: mm.GOBM, Emulator: em, Skill: mm.Skill})
	}
	if err := ms.check(); err != nil {
		ms.Close()
		return nil, fmt.Errorf("load ocean models %s: %w", path, err)
	}
	return ms, nil
}

// check verifies that every member predicts on the models' grid from
// Features, in order, so one feature matrix serves them all.
func (ms *Models) check() error {
	want := strings.Join(Features().Names(), ",")
	recon := 0
	for _, m := range ms.Members {
		card := m.Emulator.Card()
		if g := card.Grid.Grid(); g != ms.Grid {
			return fmt.Errorf("member %s on grid %v, models on %v", m.Name, g, ms.Grid)
		}
		if got := strings.Join(card.Spec.Names(), ","); got != want {
			return fmt.Errorf("member %s: features %s, want %s", m.Name, got, want)
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
	var errs []error
	for _, m := range ms.Members {
		if m.Emulator != nil {
			errs = append(errs, m.Emulator.Close())
		}
	}
	return errors.Join(errs...)
}

// gobmMemberName is the file name of GOBM model's emulator.
func gobmMemberName(model string) string { return "gobm-" + model }
