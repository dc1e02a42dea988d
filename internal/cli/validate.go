package cli

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/validation"
)

func runValidate(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "validate", "validate --truth DIR [--config FILE] [--out DIR]", true)
	truthDir := fs.String("truth", "", "the twin world's truth directory (DIR/truth of 'carbonbudget synth')")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	if *truthDir == "" {
		return fmt.Errorf("%w: validate needs --truth DIR", ErrUsage)
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	return validate(ctx, env, cfg.OutputDir, *truthDir, cfg.Grid())
}

// validate prints the skill of the published budget against the truth:
// per term the monthly bias and RMSE and the error of the worst complete
// year, then per RECCAP2 region the monthly bias and RMSE of the land and
// ocean sinks.
func validate(ctx context.Context, env *Env, out, truthDir string, g grid.Grid) error {
	terms, err := validation.Terms(out, truthDir)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TERM\tMONTHS\tBIAS (GtC/month)\tRMSE (GtC/month)\tWORST YEAR\tYEAR ERR (GtC/yr)\t")
	for _, s := range terms {
		year := "-"
		if s.WorstYear != 0 {
			year = strconv.Itoa(s.WorstYear)
		}
		fmt.Fprintf(tw, "%s\t%d\t%+.4f\t%.4f\t%s\t%+.3f\t\n", s.Term, s.Months, s.BiasGtC, s.RMSEGtC, year, s.WorstYearErrGtC)
	}
	tw.Flush()
	regs, err := validation.Regions(ctx, out, truthDir, g)
	if err != nil {
		return err
	}
	tw = tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(env.Stdout)
	fmt.Fprintln(tw, "REGION|SINK\tMONTHS\tBIAS (GtC/month)\tRMSE (GtC/month)\t")
	for _, r := range regs {
		fmt.Fprintf(tw, "%s|%s\t%d\t%+.4f\t%.4f\t\n", r.RegionID, r.Sink, r.Months, r.BiasGtC, r.RMSEGtC)
	}
	return tw.Flush()
}
