package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/carbonbudget/carbonbudget/ingest/builder"

	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/scheduler"
	"github.com/carbonbudget/carbonbudget/scheduler/ledger"
	"github.com/carbonbudget/carbonbudget/scheduler/plan"
)

// updater returns the scheduler's Updater for a, computing months through
// the pipeline into the publish staging directory, under the lock a holds.
func updater(env *Env, a *app, command string) *scheduler.Updater {
	u := &scheduler.Updater{OutDir: a.cfg.OutputDir, Command: command, ConfigHash: a.cfg.Hash(), CodeVersion: Version,
		Locked: true, InputHash: inputHash(a.builder), Log: env.Log,
		Compute: func(ctx context.Context, j scheduler.MonthJob) (scheduler.MonthResult, error) {
			res, err := a.runner.Compute(ctx, j.Month, j.StagingDir, j.Progress)
			if err != nil {
				return scheduler.MonthResult{}, err
			}
			return scheduler.MonthResult{InputHash: res.CubeKey, MissingLate: res.Provisional}, nil
		}}
	if isTerminal(env.Stderr) {
		u.Progress = env.Stderr
	}
	return u
}

// inputHash is the planner's view of the builder's catalogue: a month
// whose required files are not all there yet (the months after the last
// reanalysis file, say) is unavailable, not an error that stops the
// update.
func inputHash(b *builder.Builder) plan.InputHash {
	return func(m grid.Month) (string, []string, error) {
		hash, missing, err := b.InputHash(m)
		if errors.Is(err, builder.ErrFileNotFound) {
			err = fmt.Errorf("%w: %w", plan.ErrUnavailable, err)
		}
		return hash, missing, err
	}
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// finish rebuilds the tables after a run that published months, or when
// they are stale (a crash between a month's publish and the rebuild leaves
// them older than that month: the next command heals them), and reports
// the run's outcome.
func finish(env *Env, a *app, sum *scheduler.Summary, runErr error) error {
	stale, err := lake.TablesStale(a.cfg.OutputDir)
	if err != nil {
		return fmt.Errorf("check tables: %w (run error: %v)", err, runErr)
	}
	computed := sum != nil && len(sum.Outcomes) > 0
	if stale || computed {
		if stale && !computed {
			env.Log.Warn("tables older than a published month (an interrupted run): rebuilding them", "out", a.cfg.OutputDir)
		}
		if err := a.runner.WriteTables(); err != nil {
			return fmt.Errorf("rebuild tables: %w (run error: %v)", err, runErr)
		}
	}
	if sum != nil {
		fmt.Fprintf(env.Stdout, "run %d: %d month(s) planned, %d computed, outputs in %s\n", sum.RunID, len(sum.Planned), len(sum.Outcomes), a.cfg.OutputDir)
	}
	return runErr
}

func runRun(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "run", "run --month YYYY-MM | --from YYYY-MM --to YYYY-MM [--wait] [--netcdf] [--config FILE] [--out DIR]", true)
	months := monthFlags(fs.String)
	wait := fs.Bool("wait", false, "wait for another run holding the output directory instead of exiting")
	nc := fs.Bool("netcdf", false, "also export each month's grid as CF netCDF (months/YYYY-MM/grid.nc)")
	list, cfg, err := parseMonths(fs, c, env, args, months)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, env, cfg, appOptions{command: "run", trainMissing: true, wait: *wait})
	if err != nil {
		return err
	}
	defer a.close()
	a.runner.NetCDF = *nc
	sum, err := updater(env, a, "run").RunMonths(ctx, list)
	return finish(env, a, sum, err)
}

func runUpdate(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "update", "update [--wait] [--offline] [--config FILE] [--out DIR]", true)
	wait := fs.Bool("wait", false, "wait for another run holding the output directory instead of exiting")
	offline := fs.Bool("offline", false, "do not fetch the inputs first; use the files that are there")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	return update(ctx, env, cfg, *wait, *offline)
}

// update is the monthly job: it fetches the sources' recent months
// (unless offline), then computes every month from the configured start
// to now minus the latency that is missing, failed, provisional with its
// source now present, or whose inputs changed. A fetch that failed is
// reported after the months that could be computed were published.
func update(ctx context.Context, env *Env, cfg *config.Config, wait, offline bool) error {
	a, err := openApp(ctx, env, cfg, appOptions{command: "update", trainMissing: true, wait: wait, fetch: !offline})
	if err != nil {
		return err
	}
	defer a.close()
	sum, err := updater(env, a, "update").Update(ctx, cfg.StartMonth(), nowFunc(), cfg.LatencyMonths)
	return errors.Join(finish(env, a, sum, err), a.fetchErr)
}

func runBudget(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "budget", "budget --month YYYY-MM | --from YYYY-MM --to YYYY-MM [--config FILE] [--out DIR]", true)
	months := monthFlags(fs.String)
	list, cfg, err := parseMonths(fs, c, env, args, months)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, env, cfg, appOptions{command: "budget"})
	if err != nil {
		return err
	}
	defer a.close()
	u := updater(env, a, "budget")
	u.Compute = func(ctx context.Context, j scheduler.MonthJob) (scheduler.MonthResult, error) {
		res, err := a.runner.ComputeBudget(ctx, j.Month, j.StagingDir, j.Progress)
		if err != nil {
			return scheduler.MonthResult{}, err
		}
		b := res.Budget
		fmt.Fprintf(env.Stdout, "%s  E_FOS %.3f  E_LUC %.3f  G_ATM %.3f  S_OCEAN %.3f  S_LAND %.3f  S_CEMENT %.3f  B_IM %+.3f GtC\n",
			j.Month, b.EFos.GtC, b.ELUC.GtC, b.GAtm.GtC, b.SOcean.GtC, b.SLand.GtC, b.SCement.GtC, b.BIm.GtC)
		return scheduler.MonthResult{InputHash: res.CubeKey, MissingLate: res.Provisional}, nil
	}
	sum, err := u.RunMonths(ctx, list)
	return finish(env, a, sum, err)
}

// parseMonths parses a command's args, resolves its month flags, loads the
// configuration and refuses months outside the operational range.
func parseMonths(fs *flag.FlagSet, c *Common, env *Env, args []string, months func() ([]grid.Month, error)) ([]grid.Month, *config.Config, error) {
	if err := parse(fs, c, env, args, false); err != nil {
		return nil, nil, err
	}
	list, err := months()
	if err != nil {
		return nil, nil, err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	if err := inOperationalRange(cfg, list); err != nil {
		return nil, nil, err
	}
	return list, cfg, nil
}

// ledgerPath is the run ledger of an output directory.
func ledgerPath(cfg *config.Config) string { return filepath.Join(cfg.OutputDir, ledger.FileName) }

// inOperationalRange refuses months that cannot have inputs: before the
// configured start or after the current month (a run of 0001-01 to
// 9999-12 would otherwise plan 120,000 months and fill the ledger with
// failures).
func inOperationalRange(cfg *config.Config, list []grid.Month) error {
	first, last := cfg.StartMonth(), grid.MonthOf(nowFunc())
	for _, m := range []grid.Month{list[0], list[len(list)-1]} {
		if m.Before(first) || last.Before(m) {
			return fmt.Errorf("%w: month %s is outside %s (start) to %s (this month): no inputs can exist for it", ErrUsage, m, first, last)
		}
	}
	return nil
}
