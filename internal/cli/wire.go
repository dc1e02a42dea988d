package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/carbonbudget/carbonbudget/ingest/builder"

	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/pipeline"
	"github.com/carbonbudget/carbonbudget/internal/regions"
	"github.com/carbonbudget/carbonbudget/scheduler/ledger"
	"github.com/carbonbudget/carbonbudget/scheduler/lock"
)

// app is the pipeline wired for one configuration: regions, the cube
// builder and the trained members.
type app struct {
	cfg     *config.Config
	builder *builder.Builder
	runner  *pipeline.Runner
	close   func()
	// fetchErr holds what fetching the inputs could not do (opts.fetch):
	// the run goes on with the inputs there are, and reports it at the end.
	fetchErr error
}

// appOptions say how openApp prepares a command.
type appOptions struct {
	command string // recorded in the ledger
	// trainMissing trains members not trained yet, and retrains stale ones.
	trainMissing bool
	// wait waits for the output directory's lock instead of failing.
	wait bool
	// fetch fetches the configured sources' recent months first (update
	// and schedule, unless --offline).
	fetch bool
}

// openApp takes the output directory's lock (waiting for it with
// opts.wait), fetches the inputs when opts.fetch, and wires the pipeline; the app holds the lock until close. The lock
// comes first, so a second run is turned away before it loads or trains
// anything, and training runs under it. With trainMissing, members that
// have not been trained yet are trained first (the operational job does
// that the first time), and retrained when a new year of model output
// arrived; otherwise missing models are an error that says what to run.
func openApp(ctx context.Context, env *Env, cfg *config.Config, opts appOptions) (a *app, err error) {
	lk, err := lock.Acquire(ctx, cfg.OutputDir, opts.wait)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			recordFailedStart(env, cfg, opts.command, err)
			lk.Release()
		}
	}()
	var fetchErr error
	if opts.fetch {
		// Before training and planning, so both see what has arrived.
		fetchErr = fetchRecent(ctx, env, cfg)
	}
	a, err = wire(ctx, env, cfg, opts.trainMissing)
	if err != nil {
		return nil, err
	}
	closeModels := a.close
	a.close = func() { closeModels(); lk.Release() }
	a.fetchErr = fetchErr
	return a, nil
}

// wire builds the pipeline for cfg without taking the lock: openApp's
// second half, and all of what a compute task (which never takes the lock)
// needs. Its close frees the models.
func wire(ctx context.Context, env *Env, cfg *config.Config, trainMissing bool) (*app, error) {
	set, err := regions.Load(cfg.Grid())
	if err != nil {
		return nil, err
	}
	b := builder.New(cfg, set.LandFraction(), env.Log)
	ms, err := members(ctx, env, cfg, b, trainMissing)
	if err != nil {
		return nil, err
	}
	r := &pipeline.Runner{Cfg: cfg, Log: env.Log, CodeVersion: Version, Regions: set, Cubes: b,
		Ocean: &pipeline.Ocean{Members: ms.Ocean, ModelsDir: cfg.ModelsDir, NoAttribution: cfg.NoAttribution},
		Land:  &pipeline.Land{Members: ms.Land, Climatology: ms.Land.Climatology, ModelsDir: cfg.ModelsDir, NoAttribution: cfg.NoAttribution}}
	return &app{cfg: cfg, builder: b, runner: r, close: func() { ms.Close() }}, nil
}

// members loads the trained members. With trainMissing, members not
// trained yet are trained first (the operational job does that the first
// time), and retrained when a new year of model output arrived; otherwise
// missing models are an error that says what to run.
func members(ctx context.Context, env *Env, cfg *config.Config, b *builder.Builder, trainMissing bool) (*pipeline.Members, error) {
	ms, err := pipeline.LoadMembers(cfg.ModelsDir)
	if err != nil && trainMissing && pipeline.NeedsTraining(err) {
		env.Log.Info("no current trained emulators: training them first", "models", cfg.ModelsDir, "why", err)
		rows, err := train(ctx, env, cfg, "all", 0, "")
		if err != nil {
			return nil, err
		}
		printSkill(env, rows)
		return pipeline.LoadMembers(cfg.ModelsDir)
	}
	if err != nil {
		return nil, fmt.Errorf("%w (run 'carbonbudget train' first)", err)
	}
	if !trainMissing {
		return ms, nil
	}
	why, err := pipeline.Stale(ctx, b, ms)
	if err != nil || why == "" {
		if err != nil {
			ms.Close()
		}
		return ms, err
	}
	env.Log.Info("a new year of model output arrived: retraining the emulators", "why", why)
	ms.Close()
	rows, err := train(ctx, env, cfg, "all", 0, "")
	if err != nil {
		return nil, err
	}
	printSkill(env, rows)
	return pipeline.LoadMembers(cfg.ModelsDir)
}

// recordFailedStart records in the ledger a run that failed before it
// could start computing (a broken input met while training, models that
// do not load), so that status shows it beside the runs that started.
// Called under the output directory's lock.
func recordFailedStart(env *Env, cfg *config.Config, command string, runErr error) {
	l, err := ledger.Open(filepath.Join(cfg.OutputDir, ledger.FileName))
	if err != nil {
		env.Log.Warn("cannot record the failed run in the ledger", "err", err)
		return
	}
	defer l.Close()
	bg := context.Background()
	id, err := l.BeginRun(bg, ledger.RunInfo{Command: command, ConfigHash: cfg.Hash(), CodeVersion: Version, Exclusive: true})
	if err == nil {
		err = l.FinishRun(bg, id, ledger.RunFailed, runErr)
	}
	if err != nil {
		env.Log.Warn("cannot record the failed run in the ledger", "err", err)
	}
}
