package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/validation"

	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/twin"
)

// runDemo is the README's main command: it makes the twin world when it
// is absent, trains the emulators when they are missing, computes the most
// recent years, prints the annual budget beside the twin's truth and says
// where everything is.
func runDemo(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "demo", "demo [--years-run 2] [--config FILE] [--out DIR]", true)
	yearsRun := fs.Int("years-run", 2, "compute this many most recent years (training always uses every earlier year)")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	start := time.Now()
	opt := twin.DefaultOptions()
	opt.ResDeg = cfg.ResolutionDeg
	if _, err := os.Stat(filepath.Join(cfg.InputDir, "carbonbudget.yaml")); err != nil {
		fmt.Fprintf(env.Stdout, "writing the twin world (seed %d, %d-%d, %g°) to %s ...\n", opt.Seed, opt.FromYear, opt.ToYear, opt.ResDeg, cfg.InputDir)
		bar := newProgress(env, len(opt.Months()))
		err := twin.WriteProgress(ctx, cfg.InputDir, opt, env.Log, bar)
		bar.Finish()
		if err != nil {
			return err
		}
	}
	if *yearsRun < 1 || *yearsRun > opt.ToYear-cfg.StartMonth().Year {
		return fmt.Errorf("%w: --years-run %d: want 1..%d", ErrUsage, *yearsRun, opt.ToYear-cfg.StartMonth().Year)
	}
	a, err := openApp(ctx, env, cfg, appOptions{command: "demo", trainMissing: true})
	if err != nil {
		return err
	}
	defer a.close()
	first := grid.Month{Year: opt.ToYear - *yearsRun + 1, Month: 1}
	months := grid.Range(first, grid.Month{Year: opt.ToYear, Month: 12})
	fmt.Fprintf(env.Stdout, "computing %s to %s ...\n", months[0], months[len(months)-1])
	sum, err := updater(env, a, "demo").RunMonths(ctx, months)
	if err := finish(env, a, sum, err); err != nil {
		return err
	}
	if err := printDemoTable(env, cfg); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "\ndone in %s.\n  outputs:  %s (budget_annual.csv, regions.csv, grid/, months/YYYY-MM/report.md)\n  inputs:   %s (the twin world; its truth is under truth/)\n  validate: carbonbudget validate --truth %s\n  serve:    carbonbudget serve --out %s\n",
		time.Since(start).Round(time.Second), cfg.OutputDir, cfg.InputDir, filepath.Join(cfg.InputDir, "truth"), cfg.OutputDir)
	return nil
}

// printDemoTable prints each complete calendar year: every term ±1σ with
// the twin's truth beside it.
func printDemoTable(env *Env, cfg *config.Config) error {
	rows, err := output.ReadParquet[lake.Row](filepath.Join(cfg.OutputDir, "budget_annual.parquet"))
	if err != nil {
		return err
	}
	truth, err := validation.TruthAnnual(filepath.Join(cfg.InputDir, "truth"))
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(env.Stdout, "\nAnnual budget (GtC/yr): pipeline ±1σ [twin truth]")
	fmt.Fprintln(tw, "YEAR\tE_FOS\tE_LUC\tG_ATM\tS_OCEAN\tS_LAND\tS_CEMENT\tB_IM\t")
	for _, r := range rows {
		if r.Window != "calendar-year" {
			continue
		}
		var y int
		fmt.Sscan(r.Period, &y)
		t := truth[y]
		cell := func(v, s float64, name string) string {
			return fmt.Sprintf("%.2f±%.2f [%.2f]", v, s, t[name])
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%.2f [%.2f]\t%+.2f [%+.2f]\t\n", r.Period,
			cell(r.EFos, r.EFosSigma, "E_FOS"), cell(r.ELUC, r.ELUCSigma, "E_LUC"), cell(r.GAtm, r.GAtmSigma, "G_ATM"),
			cell(r.SOcean, r.SOceanSigma, "S_OCEAN"), cell(r.SLand, r.SLandSigma, "S_LAND"), r.SCement, t["S_CEMENT"], r.BIm, t["B_IM"])
	}
	return tw.Flush()
}
