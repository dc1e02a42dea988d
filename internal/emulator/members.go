package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/durable"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// ManifestFile is the name of an ensemble's manifest in its directory.
const ManifestFile = "members.json"

// A Manifest lists a stage's trained ensemble members: what SaveMembers
// writes as <dir>/members.json beside each member's <name>.json and
// <name>.card.json.
type Manifest struct {
	Grid        GridSpec `json:"grid"`
	HeldOutYear int      `json:"held_out_year"`
	// Extra is the stage's own record of the ensemble (the ocean's
	// transfer coefficient, the land's climatology years).
	Extra   json.RawMessage  `json:"extra,omitempty"`
	Members []ManifestMember `json:"members"`
}

// ManifestMember is one member of a Manifest.
type ManifestMember struct {
	Name  string      `json:"name"` // file name under the directory
	Kind  string      `json:"kind"`
	Model string      `json:"model,omitempty"` // the emulated model, as in fgco2/<MODEL>
	Skill MemberSkill `json:"skill"`
	// Extra is the stage's own record of the member (the land's trend
	// and mask).
	Extra json.RawMessage `json:"extra,omitempty"`
}

// Saving is one member to save: its manifest entry (Extra filled from
// ExtraRecord, nil for none) and its emulator.
type Saving struct {
	Entry       ManifestMember
	ExtraRecord any
	Emulator    *Model
}

// SaveMembers writes each member's emulator under dir and then the
// manifest members.json (grid g, held-out year heldOut, the stage's extra
// record of the ensemble), which names them; a crash before the manifest
// is renamed into place leaves the previous manifest and the files it
// names.
func SaveMembers(dir string, g grid.Grid, heldOut int, extra any, members []Saving) error {
	man := &Manifest{Grid: gridSpec(g), HeldOutYear: heldOut}
	var err error
	if man.Extra, err = marshalExtra(extra); err != nil {
		return fmt.Errorf("save members to %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save members: %w", err)
	}
	for _, m := range members {
		mm := m.Entry
		if mm.Extra, err = marshalExtra(m.ExtraRecord); err != nil {
			return fmt.Errorf("save member %s: %w", mm.Name, err)
		}
		if err := m.Emulator.Save(dir, mm.Name); err != nil {
			return fmt.Errorf("save member %s: %w", mm.Name, err)
		}
		man.Members = append(man.Members, mm)
	}
	data, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return fmt.Errorf("save members to %s: %w", dir, err)
	}
	return durable.WriteFile(filepath.Join(dir, ManifestFile), func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}

func marshalExtra(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}

// ErrOldManifest is a members.json written by a carbonbudget before the
// ensemble record moved into its "extra" object: the members must be
// retrained (the operational commands do that by themselves).
var ErrOldManifest = errors.New("members trained by an earlier carbonbudget (no \"extra\" record): retrain them")

// LoadMembers reads <dir>/members.json and every member it names, and
// checks that each was trained on the manifest's grid with spec (so one
// feature matrix serves them all). models[i] is the emulator of
// man.Members[i]. Nothing stays open on error.
func LoadMembers(dir string, spec FeatureSpec) (man *Manifest, models []*Model, err error) {
	path := filepath.Join(dir, ManifestFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("load members: %w", err)
	}
	man = &Manifest{}
	if err := json.Unmarshal(data, man); err != nil {
		return nil, nil, fmt.Errorf("load members %s: %w", path, err)
	}
	if len(man.Members) == 0 {
		return nil, nil, fmt.Errorf("load members %s: no members", path)
	}
	if len(man.Extra) == 0 {
		return nil, nil, fmt.Errorf("load members %s: %w", path, ErrOldManifest)
	}
	for _, mm := range man.Members {
		em, err := Load(dir, mm.Name)
		if err == nil {
			models = append(models, em)
			err = CheckMember(em, mm.Name, man.Grid.Grid(), spec)
		}
		if err != nil {
			CloseAll(models)
			return nil, nil, fmt.Errorf("load members %s: %w", path, err)
		}
	}
	return man, models, nil
}

// CheckMember verifies that member name's emulator predicts on g from
// spec's features, in order.
func CheckMember(em *Model, name string, g grid.Grid, spec FeatureSpec) error {
	card := em.Card()
	if cg := card.Grid.Grid(); cg != g {
		return fmt.Errorf("member %s on grid %v, models on %v", name, cg, g)
	}
	want := strings.Join(spec.Names(), ",")
	if got := strings.Join(card.Spec.Names(), ","); got != want {
		return fmt.Errorf("member %s: features %s, want %s", name, got, want)
	}
	return nil
}

// CloseAll frees every emulator that is not nil.
func CloseAll(models []*Model) error {
	var errs []error
	for _, m := range models {
		if m != nil {
			errs = append(errs, m.Close())
		}
	}
	return errors.Join(errs...)
}

// CloseMembers frees the emulator of every member of a stage's ensemble.
func CloseMembers[M any](members []M, emulatorOf func(M) *Model) error {
	ems := make([]*Model, len(members))
	for i, m := range members {
		ems[i] = emulatorOf(m)
	}
	return CloseAll(ems)
}

// GridSpecOf is g as a card or manifest records it.
func GridSpecOf(g grid.Grid) GridSpec { return gridSpec(g) }

// PredictCells predicts month mo on cells from b's feature matrix, in the
// order of cells. b's spec must be the model's.
func (m *Model) PredictCells(b *Builder, mo grid.Month, cells []int) ([]float32, error) {
	x, nrow, _, err := b.Rows(mo, cells)
	if err != nil {
		return nil, err
	}
	return m.PredictRows(x, nrow, b.Spec().Names())
}
