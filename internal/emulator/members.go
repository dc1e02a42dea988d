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

// NewManifest returns the manifest of an ensemble on g held out at
// heldOut, with the stage's extra record (nil: none).
func NewManifest(g grid.Grid, heldOut int, extra any) (*Manifest, error) {
	man := &Manifest{Grid: gridSpec(g), HeldOutYear: heldOut}
	var err error
	man.Extra, err = marshalExtra(extra)
	return man, err
}

// Add appends a member with the stage's extra record (nil: none).
func (man *Manifest) Add(mm ManifestMember, extra any) error {
	var err error
	if mm.Extra, err = marshalExtra(extra); err != nil {
		return fmt.Errorf("member %s: %w", mm.Name, err)
	}
	man.Members = append(man.Members, mm)
	return nil
}

func marshalExtra(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}

// SaveMembers writes each member's emulator (models[i] is man.Members[i])
// under dir and then the manifest members.json, which names them; a
// crash before the manifest is renamed into place leaves the previous
// manifest and the files it names.
func SaveMembers(dir string, man *Manifest, models []*Model) error {
	if len(models) != len(man.Members) {
		return fmt.Errorf("save members to %s: %d models for %d members", dir, len(models), len(man.Members))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save members: %w", err)
	}
	for i, m := range models {
		if err := m.Save(dir, man.Members[i].Name); err != nil {
			return fmt.Errorf("save member %s: %w", man.Members[i].Name, err)
		}
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
