package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/carbonbudget/carbonbudget/ingest/builder"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/pipeline"
	"github.com/carbonbudget/carbonbudget/internal/regions"
	"github.com/carbonbudget/carbonbudget/land"
	"github.com/carbonbudget/carbonbudget/ocean"
	"github.com/carbonbudget/carbonbudget/scheduler/lock"
)

// app is the pipeline wired for one configuration: regions, the cube
// builder and the trained members.
type app struct {
	cfg     *config.Config
	builder *builder.Builder
	runner  *pipeline.Runner
	close   func()
}

// cubeGetter serves cubes to the stages through the builder, which
// ingests a month the first time it is asked for (lagged features read the
// months before the one being run).
func cubeGetter(ctx context.Context, b *builder.Builder) func(grid.Month) (*cube.Cube, error) {
	return func(m grid.Month) (*cube.Cube, error) { return b.Cube(ctx, m) }
}

// openApp takes the output directory's lock (waiting for it with wait)
// and wires the pipeline; the app holds the lock until close. The lock
// comes first, so a second run is turned away before it loads or trains
// anything, and training runs under it. With trainMissing, members that
// have not been trained yet are trained first (the operational job does
// that the first time), and retrained when a new year of model output
// arrived; otherwise missing models are an error that says what to run.
func openApp(ctx context.Context, env *Env, cfg *config.Config, trainMissing, wait bool) (a *app, err error) {
	lk, err := lock.Acquire(ctx, cfg.OutputDir, wait)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			lk.Release()
		}
	}()
	set, err := regions.Load(cfg.Grid())
	if err != nil {
		return nil, err
	}
	b := builder.New(cfg, set.LandFraction(), env.Log)
	om, lm, err := loadModels(cfg)
	if err != nil && trainMissing && errors.Is(err, fs.ErrNotExist) {
		env.Log.Info("no trained emulators yet: training them first", "models", cfg.ModelsDir)
		rows, terr := train(ctx, env, cfg, "all", 0)
		if terr != nil {
			return nil, terr
		}
		printSkill(env, rows)
		om, lm, err = loadModels(cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("%w (run 'carbonbudget train' first)", err)
	}
	if trainMissing {
		if why := newModelYear(cubeGetter(ctx, b), om, lm); why != "" {
			env.Log.Info("a new year of model output arrived: retraining the emulators", "why", why)
			om.Close()
			lm.Close()
			rows, err := train(ctx, env, cfg, "all", 0)
			if err != nil {
				return nil, err
			}
			printSkill(env, rows)
			if om, lm, err = loadModels(cfg); err != nil {
				return nil, err
			}
		}
	}
	clim, err := land.LoadClimatology(filepath.Join(land.Dir(cfg.ModelsDir), land.ClimatologyFile))
	if err != nil {
		return nil, err
	}
	r := &pipeline.Runner{Cfg: cfg, Log: env.Log, CodeVersion: Version, Regions: set, Cubes: b,
		Ocean: &pipeline.Ocean{Members: om, ModelsDir: cfg.ModelsDir},
		Land:  &pipeline.Land{Members: lm, Climatology: clim, ModelsDir: cfg.ModelsDir}}
	return &app{cfg: cfg, builder: b, runner: r, close: func() { om.Close(); lm.Close(); lk.Release() }}, nil
}

// newModelYear says why the members are stale, or "" when they are not: a
// GOBM or DGVM whose output now covers December of the year after the
// last one its emulator saw. Model runs arrive once a year (TRENDY and the
// GOBMs of each Global Carbon Budget), and each new year is the most
// valuable training data the emulators can get. A year whose inputs are
// not complete yet (its December cube cannot be built) is not new.
func newModelYear(cubes func(grid.Month) (*cube.Cube, error), om *ocean.Models, lm *land.Models) string {
	type member struct {
		field   string
		heldOut int
	}
	var ms []member
	for _, m := range om.Members {
		if m.Kind == ocean.KindGOBM {
			ms = append(ms, member{ocean.GOBMField(m.GOBM), m.Emulator.Card().HeldOutYear})
		}
	}
	for _, m := range lm.Members {
		ms = append(ms, member{land.NBPField(m.DGVM), m.Emulator.Card().HeldOutYear})
	}
	for _, m := range ms {
		dec := grid.Month{Year: m.heldOut + 1, Month: 12}
		c, err := cubes(dec)
		if err != nil {
			continue
		}
		if _, err := c.Field(m.field); err == nil {
			return fmt.Sprintf("%s has output for %d; its emulator was trained through %d", m.field, dec.Year, m.heldOut)
		}
	}
	return ""
}

func loadModels(cfg *config.Config) (*ocean.Models, *land.Models, error) {
	om, err := ocean.Load(cfg.ModelsDir)
	if err != nil {
		return nil, nil, err
	}
	lm, err := land.Load(cfg.ModelsDir)
	if err != nil {
		om.Close()
		return nil, nil, err
	}
	return om, lm, nil
}
