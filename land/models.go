package land

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
	Skill MemberSkill
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
	// Train, and by Load when <models>/land/climatology.gob exists. Run
	// uses it unless Inputs.Climatology is given.
	Climatology *Climatology
}

// manifest is <models>/land/members.json.
type manifest struct {
	Grid          emulator.GridSpec `json:"grid"`
	HeldOutYear   int               `json:"held_out_year"`
	ClimFirstYear int               `json:"climatology_first_year"`
	ClimLastYear  int               `json:"climatology_last_year"`
	Members       []manifestMember  `json:"members"`
}

type manifestMember struct {
	Name          string      `json:"name"`
	DGVM          string      `json:"dgvm"`
	AnomalyTarget bool        `json:"anomaly_target"`
	Trend         Trend       `json:"trend"`
	Mask          [][2]int    `json:"mask_cell_ranges,omitempty"` // [first, end) runs of masked-in cells
	Skill         MemberSkill `json:"skill"`
}

// Dir is where the land members live under a models directory.
func Dir(modelsDir string) string { return filepath.Join(modelsDir, "land") }

const manifestFile = "members.json"

// memberName is the file name of DGVM model's emulator.
func memberName(model string) string { return "dgvm-" + model }

// Save writes every member (<models>/land/<name>.json and <name>.card.json)
// and then the manifest members.json, which names them; a crash before the
// manifest is renamed into place leaves the previous manifest and the files
// it names.
func (ms *Models) Save(modelsDir string) error {
	dir := Dir(modelsDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save land models: %w", err)
	}
	man := manifest{Grid: gridSpecOf(ms.Grid), HeldOutYear: ms.HeldOutYear,
		ClimFirstYear: ms.ClimFirstYear, ClimLastYear: ms.ClimLastYear}
	for _, m := range ms.Members {
		if err := m.Emulator.Save(dir, m.Name); err != nil {
			return fmt.Errorf("save land model %s: %w", m.Name, err)
		}
		man.Members = append(man.Members, manifestMember{m.Name, m.DGVM, m.AnomalyTarget, m.Trend, maskRanges(m.Mask), m.Skill})
	}
	data, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return fmt.Errorf("save land models: %w", err)
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
	path := filepath.Join(Dir(modelsDir), manifestFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load land models: %w", err)
	}
	var man manifest
	if err := json.Unmarshal(data, &man); err != nil {
		return nil, fmt.Errorf("load land models %s: %w", path, err)
	}
	if len(man.Members) == 0 || man.ClimLastYear < man.ClimFirstYear || man.ClimFirstYear <= 0 {
		return nil, fmt.Errorf("load land models %s: no members or no climatology years", path)
	}
	ms := &Models{Grid: man.Grid.Grid(), HeldOutYear: man.HeldOutYear,
		ClimFirstYear: man.ClimFirstYear, ClimLastYear: man.ClimLastYear}
	for _, mm := range man.Members {
		em, err := emulator.Load(Dir(modelsDir), mm.Name)
		if err != nil {
			ms.Close()
			return nil, fmt.Errorf("load land models %s: %w", path, err)
		}
		mask, err := maskFromRanges(mm.Mask, ms.Grid.Cells())
		ms.Members = append(ms.Members, &Model{Name: mm.Name, DGVM: mm.DGVM, Emulator: em, Trend: mm.Trend,
			AnomalyTarget: mm.AnomalyTarget, Mask: mask, Skill: mm.Skill})
		if err != nil {
			ms.Close()
			return nil, fmt.Errorf("load land models %s: member %s: %w", path, mm.Name, err)
		}
	}
	if err := ms.check(); err != nil {
		ms.Close()
		return nil, fmt.Errorf("load land models %s: %w", path, err)
	}
	if err := ms.loadClimatology(filepath.Join(Dir(modelsDir), ClimatologyFile)); err != nil {
		ms.Close()
		return nil, err
	}
	return ms, nil
}

// loadClimatology reads the saved climatology, when there is one, and
// checks that it is the members'.
func (ms *Models) loadClimatology(path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
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
// Features, in order, so one feature matrix serves them all.
func (ms *Models) check() error {
	want := strings.Join(Features().Names(), ",")
	seen := map[string]bool{}
	for _, m := range ms.Members {
		card := m.Emulator.Card()
		if g := card.Grid.Grid(); g != ms.Grid {
			return fmt.Errorf("member %s on grid %v, models on %v", m.Name, g, ms.Grid)
		}
		if got := strings.Join(card.Spec.Names(), ","); got != want {
			return fmt.Errorf("member %s: features %s, want %s", m.Name, got, want)
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
	var errs []error
	for _, m := range ms.Members {
		if m.Emulator != nil {
			errs = append(errs, m.Emulator.Close())
		}
	}
	return errors.Join(errs...)
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
