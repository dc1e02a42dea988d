package cli

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/carbonbudget/carbonbudget/ingest/builder"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/land"
	"github.com/carbonbudget/carbonbudget/ocean"
	"github.com/carbonbudget/carbonbudget/scheduler/lock"
)

// trainer trains one component's members on the cubes of the training
// years and returns a skill row per member.
type trainer func(ctx context.Context, env *Env, cfg *config.Config, cubes func(grid.Month) (*cube.Cube, error), firstYear, heldOut int) ([]skillRow, error)

// trainers are the components `train` knows, in training order.
var trainers = []struct {
	name string
	fn   trainer
}{
	{"ocean", trainOcean},
	{"land", trainLand},
}

// skillRow is one line of the skill table: held-out year scores.
type skillRow struct {
	Component, Member, Target string
	HeldOut                   int
	R2, RMSE, Bias            float64
	GlobalErrGtC              float64 // annual global-sum error, GtC/yr
}

func runTrain(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "train", "train [--component ocean|land|all] [--held-out YEAR] [--models DIR] [--wait] [--config FILE] [--out DIR]", true)
	component := fs.String("component", "all", "which members to train: ocean, land or all")
	heldOut := fs.Int("held-out", 0, "held-out year N (0: the last year with inputs)")
	models := fs.String("models", "", "directory for the trained models (overrides models_dir)")
	wait := fs.Bool("wait", false, "wait for a run holding the output directory instead of exiting")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	if *models != "" {
		cfg.ModelsDir = *models
	}
	// Under the output directory's lock, as run and update train: a run
	// in progress keeps the models it loaded, and its manifests must name
	// the files it used.
	lk, err := lock.Acquire(ctx, cfg.OutputDir, *wait)
	if err != nil {
		return err
	}
	defer lk.Release()
	rows, err := train(ctx, env, cfg, *component, *heldOut)
	if err != nil {
		return err
	}
	printSkill(env, rows)
	return nil
}

// train ingests the training months and trains the requested components.
func train(ctx context.Context, env *Env, cfg *config.Config, component string, heldOut int) ([]skillRow, error) {
	b, _, err := newBuilder(cfg, env)
	if err != nil {
		return nil, err
	}
	first := cfg.TrainFromYear()
	if heldOut == 0 {
		if heldOut, err = lastInputYear(ctx, b, first); err != nil {
			return nil, err
		}
	}
	if heldOut <= first {
		return nil, fmt.Errorf("%w: held-out year %d must follow the first training year %d", ErrUsage, heldOut, first)
	}
	env.Log.Info("ingesting training months", "from", first, "to", heldOut)
	months := grid.Range(grid.Month{Year: first, Month: 1}, grid.Month{Year: heldOut, Month: 12})
	bar := newProgress(env, len(months)+len(trainers)) // a step per month, then per component
	defer bar.Finish()
	for _, m := range months {
		bar.Begin(m.String(), "ingest")
		if _, err := b.Cube(ctx, m); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		bar.Step()
	}
	var rows []skillRow
	found := false
	for _, t := range trainers {
		if component != "all" && component != t.name {
			bar.Step()
			continue
		}
		found = true
		bar.Begin("", "train "+t.name)
		r, err := t.fn(ctx, env, cfg, cubeGetter(ctx, b), first, heldOut)
		if err != nil {
			return nil, fmt.Errorf("train %s: %w", t.name, err)
		}
		rows = append(rows, r...)
		bar.Step()
	}
	if !found {
		return nil, fmt.Errorf("%w: unknown component %q (ocean, land or all)", ErrUsage, component)
	}
	return rows, nil
}

// lastInputYear is the last year whose December cube can be built.
func lastInputYear(ctx context.Context, b *builder.Builder, first int) (int, error) {
	last := 0
	for y := first; y < first+200; y++ {
		if _, err := b.Cube(ctx, grid.Month{Year: y, Month: 12}); err != nil {
			break
		}
		last = y
	}
	if last == 0 {
		return 0, fmt.Errorf("train: no complete year of inputs from %d on", first)
	}
	return last, nil
}

func trainOcean(ctx context.Context, env *Env, cfg *config.Config, cubes func(grid.Month) (*cube.Cube, error), first, heldOut int) ([]skillRow, error) {
	spec := ocean.TrainSpec{FirstYear: first, HeldOutYear: heldOut, GOBMs: firstN(cfg.Sources["gobm"].Models, cfg.Members), ModelsDir: cfg.ModelsDir, Logger: env.Log}
	ms, err := ocean.Train(ctx, cubeFunc(cubes), spec)
	if err != nil {
		return nil, err
	}
	defer ms.Close()
	var rows []skillRow
	for _, mm := range ms.Members {
		sk := mm.Skill
		globalErr := math.NaN() // the reconstruction's target (ΔpCO2 on ship cells) has no global sum
		if mm.Kind == ocean.KindGOBM {
			globalErr = sk.AnnualPredictedGtC - sk.AnnualTrueGtC
		}
		rows = append(rows, skillRow{Component: "ocean", Member: mm.Name, Target: mm.Emulator.Card().Target, HeldOut: sk.HeldOutYear,
			R2: sk.R2, RMSE: sk.RMSE, Bias: sk.Bias, GlobalErrGtC: globalErr})
	}
	return rows, nil
}

func trainLand(ctx context.Context, env *Env, cfg *config.Config, cubes func(grid.Month) (*cube.Cube, error), first, heldOut int) ([]skillRow, error) {
	spec := land.TrainSpec{FirstYear: first, HeldOutYear: heldOut, DGVMs: firstN(cfg.Sources["trendy"].Models, cfg.Members), ModelsDir: cfg.ModelsDir, Logger: env.Log}
	ms, err := land.Train(ctx, cubeFunc(cubes), spec)
	if err != nil {
		return nil, err
	}
	defer ms.Close()
	var rows []skillRow
	for _, mm := range ms.Members {
		sk := mm.Skill
		rows = append(rows, skillRow{Component: "land", Member: mm.Name, Target: mm.Emulator.Card().Target, HeldOut: sk.HeldOutYear,
			R2: sk.R2, RMSE: sk.RMSE, Bias: sk.Bias, GlobalErrGtC: sk.AnnualPredictedGtC - sk.AnnualTrueGtC})
	}
	return rows, nil
}

// cubeFunc adapts a cube getter to the archive ocean.Train and land.Train
// read.
type cubeFunc func(grid.Month) (*cube.Cube, error)

func (f cubeFunc) Cube(m grid.Month) (*cube.Cube, error) { return f(m) }

func printSkill(env *Env, rows []skillRow) {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "COMPONENT\tMEMBER\tTARGET\tHELD-OUT\tR²\tRMSE\tBIAS\tGLOBAL ERR (GtC/yr)\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.3f\t%.4g\t%+.3g\t%s\t\n", r.Component, r.Member, r.Target, r.HeldOut, r.R2, r.RMSE, r.Bias, fmtGtC(r.GlobalErrGtC))
	}
	tw.Flush()
}

func fmtGtC(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// firstN keeps the first n models (the members setting); n = 0 keeps all.
func firstN(models []string, n int) []string {
	if n > 0 && n < len(models) {
		return models[:n]
	}
	return models
}
