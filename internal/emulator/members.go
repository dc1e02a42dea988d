package emulator

import (
	"bytes"
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

// MergeMembers joins the ensembles saved under srcs (each a directory
// SaveMembers wrote, holding some of the members: the tasks of a training
// spread over a cluster) into dst, members in the order of srcs. The
// ensembles must agree on grid, held-out year and the stage's extra
// record, and any other file they hold (the land's climatology) must be
// the same bytes in each: tasks that computed the shared parts
// differently would otherwise be joined silently. Files are copied byte
// for byte, members.json last, so dst ends as SaveMembers would have left
// it had one process trained every member.
func MergeMembers(dst string, srcs []string) error {
	if len(srcs) == 0 {
		return fmt.Errorf("merge members into %s: no ensembles", dst)
	}
	var merged *Manifest
	origin := map[string]string{} // file name → the directory it comes from
	var order []string
	for _, src := range srcs {
		data, err := os.ReadFile(filepath.Join(src, ManifestFile))
		if err != nil {
			return fmt.Errorf("merge members: %w", err)
		}
		var man Manifest
		if err := json.Unmarshal(data, &man); err != nil {
			return fmt.Errorf("merge members: %s: %w", filepath.Join(src, ManifestFile), err)
		}
		if merged == nil {
			merged = &Manifest{Grid: man.Grid, HeldOutYear: man.HeldOutYear, Extra: man.Extra}
		} else if man.Grid != merged.Grid || man.HeldOutYear != merged.HeldOutYear || !sameJSON(man.Extra, merged.Extra) {
			return fmt.Errorf("merge members: %s (grid %v, held out %d, %s) disagrees with %s (grid %v, held out %d, %s)",
				src, man.Grid, man.HeldOutYear, man.Extra, srcs[0], merged.Grid, merged.HeldOutYear, merged.Extra)
		}
		members := map[string]bool{}
		for _, mm := range man.Members {
			for _, f := range []string{mm.Name + ".json", mm.Name + ".card.json"} {
				if prev, dup := origin[f]; dup {
					return fmt.Errorf("merge members: %s is in both %s and %s", mm.Name, prev, src)
				}
				origin[f] = src
				order = append(order, f)
			}
			members[mm.Name+".json"], members[mm.Name+".card.json"] = true, true
			merged.Members = append(merged.Members, mm)
		}
		entries, err := os.ReadDir(src)
		if err != nil {
			return fmt.Errorf("merge members: %w", err)
		}
		for _, e := range entries {
			name := e.Name()
			if name == ManifestFile || members[name] || !e.Type().IsRegular() {
				continue
			}
			prev, seen := origin[name]
			if !seen {
				origin[name] = src
				order = append(order, name)
				continue
			}
			same, err := sameFile(filepath.Join(prev, name), filepath.Join(src, name))
			if err != nil {
				return fmt.Errorf("merge members: %w", err)
			}
			if !same {
				return fmt.Errorf("merge members: %s differs between %s and %s", name, prev, src)
			}
		}
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("merge members: %w", err)
	}
	for _, name := range order {
		if err := copyFile(filepath.Join(origin[name], name), filepath.Join(dst, name)); err != nil {
			return fmt.Errorf("merge members: %w", err)
		}
	}
	data, err := json.MarshalIndent(merged, "", "  ")
	if err != nil {
		return fmt.Errorf("merge members into %s: %w", dst, err)
	}
	return durable.WriteFile(filepath.Join(dst, ManifestFile), func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}

// sameJSON reports whether a and b are the same JSON text but for spacing.
func sameJSON(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return false
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

func sameFile(a, b string) (bool, error) {
	da, err := os.ReadFile(a)
	if err != nil {
		return false, err
	}
	db, err := os.ReadFile(b)
	if err != nil {
		return false, err
	}
	return bytes.Equal(da, db), nil
}

// copyFile copies src to dst durably.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return durable.WriteFile(dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}
