package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"sync"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/land"
	"github.com/carbonbudget/carbonbudget/ocean"
)

// Members are the trained ensembles a run computes with. Close them when
// done.
type Members struct {
	Ocean *ocean.Models
	Land  *land.Models
}

// LoadMembers reads the members trained under modelsDir. An error that
// matches fs.ErrNotExist means they have not been trained yet, one that
// matches emulator.ErrOldManifest that an earlier version trained them
// (NeedsTraining reports both).
func LoadMembers(modelsDir string) (*Members, error) {
	om, err := ocean.Load(modelsDir)
	if err != nil {
		return nil, err
	}
	lm, err := land.Load(modelsDir)
	if err != nil {
		om.Close()
		return nil, err
	}
	return &Members{Ocean: om, Land: lm}, nil
}

// NeedsTraining reports whether LoadMembers failed only because there is
// nothing current to load: no members yet, or members saved by an earlier
// version in a layout this one does not read.
func NeedsTraining(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, emulator.ErrOldManifest)
}

// Close frees every member.
func (ms *Members) Close() error { return errors.Join(ms.Ocean.Close(), ms.Land.Close()) }

// TrainProgress is told about each training step: a month ingested, then
// a component trained.
type TrainProgress interface {
	Begin(month, step string)
	Step()
}

// TrainSpec says what to train.
type TrainSpec struct {
	// Component is "ocean", "land" or "all".
	Component string
	// FirstYear is the first training year; HeldOutYear the year held out
	// and scored (0: the last year whose inputs are complete).
	FirstYear, HeldOutYear int
	// GOBMs and DGVMs are the models to emulate (nil: every model).
	GOBMs, DGVMs []string
	// Member, when set, trains only that member (a name of MemberRefs)
	// of its component, which Component must include: one task of a
	// training spread over a cluster.
	Member    string
	ModelsDir string
	Log       *slog.Logger
	// Progress, when set, is called with the number of steps and returns
	// what to report them to.
	Progress func(total int) TrainProgress
}

// SkillRow is one member's held-out skill.
type SkillRow struct {
	Component, Member, Target string
	HeldOutYear               int
	R2, RMSE, Bias            float64
	// GlobalErrGtC is the error of the held-out year's global sum, GtC/yr;
	// NaN for the ocean reconstruction, whose target (ΔpCO2 on ship cells)
	// has no global sum.
	GlobalErrGtC float64
}

// Components are the trainable components, in training order.
var Components = []string{"ocean", "land"}

// MemberRef names one member Train trains.
type MemberRef struct{ Component, Name string }

// MemberRefs lists the members Train trains for gobms and dgvms, in
// training order.
func MemberRefs(gobms, dgvms []string) []MemberRef {
	var refs []MemberRef
	for _, n := range ocean.MemberNames(gobms, false) {
		refs = append(refs, MemberRef{"ocean", n})
	}
	for _, n := range land.MemberNames(dgvms) {
		refs = append(refs, MemberRef{"land", n})
	}
	return refs
}

// ErrUnknownComponent is a TrainSpec.Component that is not a component.
var ErrUnknownComponent = errors.New("unknown component (ocean, land or all)")

// NotYetAvailable reports whether err only says that an input has not
// arrived yet (a file not there, a month a source has not published),
// rather than that an input is broken.
func NotYetAvailable(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, ingest.ErrMissing)
}

// LastInputYear is the last year from first on whose December cube can be
// built: the held-out year of a training. A year whose inputs have not
// all arrived ends the search; a broken input is an error.
func LastInputYear(ctx context.Context, a Cubes, first int) (int, error) {
	last := 0
	var why error
	for y := first; y < first+200; y++ {
		_, err := openCube(ctx, a, grid.Month{Year: y, Month: 12})
		if err != nil && !NotYetAvailable(err) {
			return 0, fmt.Errorf("inputs of %d: %w", y, err)
		}
		if err != nil {
			why = err
			break
		}
		last = y
	}
	if last == 0 {
		return 0, fmt.Errorf("no complete year of inputs from %d on: %w", first, why)
	}
	return last, nil
}

// Train ingests the training months and trains the requested components'
// members into spec.ModelsDir, returning each member's held-out skill.
func Train(ctx context.Context, a Cubes, spec TrainSpec) ([]SkillRow, error) {
	comps := Components
	if spec.Component != "all" {
		comps = []string{spec.Component}
	}
	for _, c := range comps {
		if c != "ocean" && c != "land" {
			return nil, fmt.Errorf("train %q: %w", spec.Component, ErrUnknownComponent)
		}
	}
	if spec.Member != "" {
		comps = nil
		for _, r := range MemberRefs(spec.GOBMs, spec.DGVMs) {
			if r.Name == spec.Member && (spec.Component == "all" || spec.Component == r.Component) {
				comps = []string{r.Component}
			}
		}
		if comps == nil {
			return nil, fmt.Errorf("train: no member %q in %s (members: %v)", spec.Member, spec.Component, MemberRefs(spec.GOBMs, spec.DGVMs))
		}
	}
	if spec.Log == nil {
		spec.Log = slog.New(slog.DiscardHandler)
	}
	heldOut := spec.HeldOutYear
	if heldOut == 0 {
		var err error
		if heldOut, err = LastInputYear(ctx, a, spec.FirstYear); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}
	if heldOut <= spec.FirstYear {
		return nil, fmt.Errorf("train: held-out year %d must follow the first training year %d", heldOut, spec.FirstYear)
	}
	spec.Log.Info("ingesting training months", "from", spec.FirstYear, "to", heldOut)
	months := grid.Range(grid.Month{Year: spec.FirstYear, Month: 1}, grid.Month{Year: heldOut, Month: 12})
	var bar TrainProgress = noProgress{}
	if spec.Progress != nil {
		bar = spec.Progress(len(months) + len(comps))
	}
	if err := ingestMonths(ctx, a, months, bar); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	archive := archiveAt{ctx, a}
	var rows []SkillRow
	for _, c := range comps {
		bar.Begin("", "train "+c)
		var r []SkillRow
		var err error
		if c == "ocean" {
			r, err = trainOcean(ctx, archive, spec, heldOut)
		} else {
			r, err = trainLand(ctx, archive, spec, heldOut)
		}
		if err != nil {
			return nil, fmt.Errorf("train %s: %w", c, err)
		}
		rows = append(rows, r...)
		bar.Step()
	}
	return rows, nil
}

// ingestWorkers is how many months ingestMonths builds at once. Reading
// a month is a third netCDF (serialised by nclock), the rest GeoTIFF,
// text, regridding and the cube's durable write, which overlap: on 2
// cores two workers built the 1° demo's 300 months in 11.4 s instead of
// 16.7 s with one (a third less).
const ingestWorkers = 2

// ingestMonths builds (or finds stored) the cube of every month, a few at
// a time, telling bar of each as it is done. The error is the earliest
// month's, whichever worker met it first.
func ingestMonths(parent context.Context, a Cubes, months []grid.Month, bar TrainProgress) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	next := make(chan int)
	done := make(chan int)
	errs := make([]error, len(months))
	var wg sync.WaitGroup
	for range min(ingestWorkers, len(months)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if _, errs[i] = openCube(ctx, a, months[i]); errs[i] != nil {
					cancel()
				}
				done <- i
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range months {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(done) }()
	for i := range done {
		bar.Begin(months[i].String(), "ingest")
		bar.Step()
	}
	var first error
	for _, err := range errs {
		// A month cancelled because another failed says only "context
		// canceled"; the failure itself is the one to report.
		if err != nil && (first == nil || errors.Is(first, context.Canceled)) {
			first = err
		}
	}
	if first == nil {
		first = parent.Err() // cancelled before every month was sent
	}
	return first
}

func trainOcean(ctx context.Context, a archiveAt, spec TrainSpec, heldOut int) ([]SkillRow, error) {
	ms, err := ocean.Train(ctx, a, ocean.TrainSpec{FirstYear: spec.FirstYear, HeldOutYear: heldOut, GOBMs: spec.GOBMs,
		ModelsDir: spec.ModelsDir, Only: spec.Member, Logger: spec.Log})
	if err != nil {
		return nil, err
	}
	defer ms.Close()
	rows := make([]SkillRow, len(ms.Members))
	for i, mm := range ms.Members {
		globalErr := math.NaN() // the reconstruction's target (ΔpCO2 on ship cells) has no global sum
		if mm.Kind == ocean.KindGOBM {
			globalErr = mm.Skill.AnnualErrorGtC()
		}
		rows[i] = skillRow("ocean", mm.Name, mm.Emulator, mm.Skill, globalErr)
	}
	return rows, nil
}

func trainLand(ctx context.Context, a archiveAt, spec TrainSpec, heldOut int) ([]SkillRow, error) {
	ms, err := land.Train(ctx, a, land.TrainSpec{FirstYear: spec.FirstYear, HeldOutYear: heldOut, DGVMs: spec.DGVMs,
		ModelsDir: spec.ModelsDir, Only: spec.Member, Logger: spec.Log})
	if err != nil {
		return nil, err
	}
	defer ms.Close()
	rows := make([]SkillRow, len(ms.Members))
	for i, mm := range ms.Members {
		rows[i] = skillRow("land", mm.Name, mm.Emulator, mm.Skill, mm.Skill.AnnualErrorGtC())
	}
	return rows, nil
}

func skillRow(component, member string, em *emulator.Model, sk emulator.MemberSkill, globalErrGtC float64) SkillRow {
	return SkillRow{Component: component, Member: member, Target: em.Card().Target, HeldOutYear: sk.HeldOutYear,
		R2: sk.R2, RMSE: sk.RMSE, Bias: sk.Bias, GlobalErrGtC: globalErrGtC}
}

// Stale says why the members should be retrained, or "" when they should
// not: a GOBM or DGVM whose output now covers December of the year after
// the last one its emulator saw. Model runs arrive once a year (TRENDY and
// the GOBMs of each Global Carbon Budget), and each new year is the most
// valuable training data the emulators can get. A year whose inputs have
// not all arrived is not new; a broken input is an error.
func Stale(ctx context.Context, a Cubes, ms *Members) (string, error) {
	type member struct {
		field   string
		heldOut int
	}
	var list []member
	for _, m := range ms.Ocean.Members {
		if m.Kind == ocean.KindGOBM {
			list = append(list, member{ocean.GOBMField(m.GOBM), m.Emulator.Card().HeldOutYear})
		}
	}
	for _, m := range ms.Land.Members {
		list = append(list, member{land.NBPField(m.DGVM), m.Emulator.Card().HeldOutYear})
	}
	has := func(m grid.Month, field string) (bool, error) {
		if fc, ok := a.(fieldChecker); ok {
			return fc.HasField(ctx, m, field)
		}
		c, err := a.Cube(ctx, m)
		if err != nil {
			return false, err
		}
		_, ok := c.Fields[field]
		return ok, nil
	}
	for _, m := range list {
		dec := grid.Month{Year: m.heldOut + 1, Month: 12}
		ok, err := has(dec, m.field)
		if NotYetAvailable(err) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("check for new model output: %w", err)
		}
		if ok {
			return fmt.Sprintf("%s has output for %d; its emulator was trained through %d", m.field, dec.Year, m.heldOut), nil
		}
	}
	return "", nil
}

// fieldChecker is the optional side of Cubes that Stale prefers: whether a
// month's cube has a field, without loading the cube when it is stored
// (ingest/builder's Builder). Loading it took a second of a 0.25° update.
type fieldChecker interface {
	HasField(ctx context.Context, m grid.Month, name string) (bool, error)
}

// archiveAt is Cubes bound to a context, in the shape the stages'
// Train reads.
type archiveAt struct {
	ctx context.Context
	a   Cubes
}

func (a archiveAt) Cube(m grid.Month) (*cube.Cube, error) { return openCube(a.ctx, a.a, m) }

// opener is the optional side of Cubes that training prefers: a stored
// cube opened partially, its fields read as they are asked for
// (ingest/builder's Builder). Each member reads every past month, and
// 9 or 10 of a 1° cube's 24 fields.
type opener interface {
	Open(ctx context.Context, m grid.Month) (*cube.Cube, error)
}

// openCube is month m's cube from a, partial when a can open one: for
// reading fields through Field, never the Fields map.
func openCube(ctx context.Context, a Cubes, m grid.Month) (*cube.Cube, error) {
	if o, ok := a.(opener); ok {
		return o.Open(ctx, m)
	}
	return a.Cube(ctx, m)
}

type noProgress struct{}

func (noProgress) Begin(string, string) {}
func (noProgress) Step()                {}
