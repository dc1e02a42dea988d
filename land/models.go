package land

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Model is one trained ensemble member: the emulator of one DGVM.
type Model struct {
	Name     string // file name under <models>/land: "dgvm-<MODEL>"
	DGVM     string // the emulated model, as in nbp/<MODEL>
	Emulator *emulator.Model
	Trend    Trend // added to the emulator's prediction
	// AnomalyTarget says the trees learned the DGVM's NBP minus its own
	// climatology of the calendar month (Climatology.Mean of nbp/<MODEL>),
	// which is added back to their prediction (see offsets).
	AnomalyTarget bool
	// Mask lists the cells where the DGVM had output in training (nil:
	// every land cell); the member predicts there only, so its total covers
	// the same land as the model's own.
	Mask  []bool
	Skill emulator.MemberSkill
}

// Models is the trained land ensemble. Close it when done.
type Models struct {
	Grid        grid.Grid
	HeldOutYear int
	// ClimFirstYear and ClimLastYear are the years of the Climatology the
	// anomaly features were computed against; Run needs one of the same
	// years.
	ClimFirstYear, ClimLastYear int
	Members                     []*Model
	// Climatology is the one the members were trained against: set by
	// Train, and by Load when <models>/land/climatology.bin exists. Run
	// uses it unless Inputs.Climatology is given.
	Climatology *Climatology
}

// ensembleExtra and memberExtra are the land's records in members.json
// (emulator.Manifest).
type ensembleExtra struct {
	ClimFirstYear int `json:"climatology_first_year"`
	ClimLastYear  int `json:"climatology_last_year"`
}

type memberExtra struct {
	AnomalyTarget bool     `json:"anomaly_target"`
	Trend         Trend    `json:"trend"`
	Mask          [][2]int `json:"mask_cell_ranges,omitempty"` // [first, end) runs of masked-in cells
}

// kindDGVM is the kind of every land member in the manifest.
const kindDGVM = "dgvm"

// Dir is where the land members live under a models directory.
func Dir(modelsDir string) string { return filepath.Join(modelsDir, "land") }

// memberName is the file name of DGVM model's emulator.
func memberName(model string) string { return "dgvm-" + model }

// Load reads the land members Save wrote under modelsDir, each with its
// trend, target kind and coverage mask, and the climatology they were
// trained against, and checks that each was trained on the manifest's
// grid with Features.
func Load(modelsDir string) (*Models, error) {
	man, ems, err := emulator.LoadMembers(Dir(modelsDir), Features())
	if err != nil {
		return nil, fmt.Errorf("load land models: %w", err)
	}
	ms := &Models{Grid: man.Grid.Grid(), HeldOutYear: man.HeldOutYear}
	for i, mm := range man.Members {
		ms.Members = append(ms.Members, &Model{Name: mm.Name, DGVM: mm.Model, Emulator: ems[i], Skill: mm.Skill})
	}
	if err := ms.readExtra(man); err != nil {
		ms.Close()
		return nil, fmt.Errorf("load land models from %s: %w", filepath.Join(Dir(modelsDir), emulator.ManifestFile), err)
	}
	if err := ms.check(); err != nil {
		ms.Close()
		return nil, fmt.Errorf("load land models from %s: %w", filepath.Join(Dir(modelsDir), emulator.ManifestFile), err)
	}
	if err := ms.loadClimatology(filepath.Join(Dir(modelsDir), ClimatologyFile)); err != nil {
		ms.Close()
		return nil, err
	}
	return ms, nil
}

// Save writes every member (<models>/land/<name>.json and <name>.card.json)
// and then the manifest members.json, which names them
// (emulator.SaveMembers).
func (ms *Models) Save(modelsDir string) error {
	members := make([]emulator.Saving, len(ms.Members))
	for i, m := range ms.Members {
		members[i] = emulator.Saving{Entry: emulator.ManifestMember{Name: m.Name, Kind: kindDGVM, Model: m.DGVM, Skill: m.Skill},
			ExtraRecord: memberExtra{m.AnomalyTarget, m.Trend, maskRanges(m.Mask)}, Emulator: m.Emulator}
	}
	extra := ensembleExtra{ms.ClimFirstYear, ms.ClimLastYear}
	if err := emulator.SaveMembers(Dir(modelsDir), ms.Grid, ms.HeldOutYear, extra, members); err != nil {
		return fmt.Errorf("save land models: %w", err)
	}
	return nil
}

// readExtra sets the climatology years and each member's trend, target
// and mask from the manifest's land records.
func (ms *Models) readExtra(man *emulator.Manifest) error {
	var x ensembleExtra
	if err := json.Unmarshal(man.Extra, &x); err != nil || x.ClimLastYear < x.ClimFirstYear || x.ClimFirstYear <= 0 {
		return fmt.Errorf("no climatology years (%v)", err)
	}
	ms.ClimFirstYear, ms.ClimLastYear = x.ClimFirstYear, x.ClimLastYear
	for i, mm := range man.Members {
		var mx memberExtra
		if err := json.Unmarshal(mm.Extra, &mx); err != nil {
			return fmt.Errorf("member %s: %w", mm.Name, err)
		}
		mask, err := maskFromRanges(mx.Mask, ms.Grid.Cells())
		if err != nil {
			return fmt.Errorf("member %s: %w", mm.Name, err)
		}
		m := ms.Members[i]
		m.Trend, m.AnomalyTarget, m.Mask = mx.Trend, mx.AnomalyTarget, mask
	}
	return nil
}

// loadClimatology reads the saved climatology, when there is one, and
// checks that it is the members'.
func (ms *Models) loadClimatology(path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(filepath.Dir(path), "climatology.gob")); err == nil {
			// An earlier carbonbudget's format: retrain rather than decode
			// 500 MB of gob at every run.
			return fmt.Errorf("load land models: climatology.gob: %w", emulator.ErrOldManifest)
		}
		return nil
	}
	cl, err := LoadClimatology(path)
	if err != nil {
		return fmt.Errorf("load land models: %w", err)
	}
	if first, last := cl.Years(); first != ms.ClimFirstYear || last != ms.ClimLastYear || cl.Grid() != ms.Grid {
		return fmt.Errorf("load land models: %s is of %d-%d on %v, the members were trained against %d-%d on %v",
			path, first, last, cl.Grid(), ms.ClimFirstYear, ms.ClimLastYear, ms.Grid)
	}
	ms.Climatology = cl
	return nil
}

// check verifies that every member predicts on the models' grid from
// Features, in order, so one feature matrix serves them all, and that
// each emulates its own DGVM.
func (ms *Models) check() error {
	seen := map[string]bool{}
	for _, m := range ms.Members {
		if err := emulator.CheckMember(m.Emulator, m.Name, ms.Grid, Features()); err != nil {
			return err
		}
		if m.DGVM == "" || seen[m.DGVM] {
			return fmt.Errorf("member %s: DGVM name %q empty or repeated", m.Name, m.DGVM)
		}
		seen[m.DGVM] = true
	}
	return nil
}

// Close frees every member.
func (ms *Models) Close() error {
	return emulator.CloseMembers(ms.Members, func(m *Model) *emulator.Model { return m.Emulator })
}

// maskRanges encodes a cell mask as [first, end) runs; nil stays nil.
func maskRanges(mask []bool) [][2]int {
	if mask == nil {
		return nil
	}
	out := [][2]int{}
	for i := 0; i < len(mask); {
		if !mask[i] {
			i++
			continue
		}
		j := i
		for j < len(mask) && mask[j] {
			j++
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

// maskFromRanges decodes maskRanges on a grid of n cells.
func maskFromRanges(runs [][2]int, n int) ([]bool, error) {
	if runs == nil {
		return nil, nil
	}
	mask := make([]bool, n)
	last := 0
	for _, r := range runs {
		if r[0] < last || r[1] <= r[0] || r[1] > n {
			return nil, fmt.Errorf("mask run %v: want increasing, non-empty runs inside 0..%d", r, n)
		}
		for i := r[0]; i < r[1]; i++ {
			mask[i] = true
		}
		last = r[1]
	}
	return mask, nil
}

// offsets returns what the member adds to its trees' prediction in month
// m, per cell: the trend term at xCO2 x, plus, for an anomaly target, the
// DGVM's climatology of m's calendar month (0 where it has none: such
// cells were learned whole).
func (mm *Model) offsets(tb *trendBasis, m grid.Month, x float64) ([]float32, error) {
	off, err := tb.offsets(mm.Trend, m, x)
	if err != nil || !mm.AnomalyTarget {
		return off, err
	}
	c, err := tb.clim.Mean(NBPField(mm.DGVM), int(m.Month))
	if err != nil {
		return nil, fmt.Errorf("member %s: %w", mm.Name, err)
	}
	for i, v := range c {
		if v == v {
			off[i] += v
		}
	}
	return off, nil
}
