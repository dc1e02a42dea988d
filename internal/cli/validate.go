package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/trend"
	"github.com/carbonbudget/carbonbudget/internal/validation"
)

func runValidate(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "validate", "validate --truth DIR [--unmatched] [--config FILE] [--out DIR]", true)
	truthDir := fs.String("truth", "", "the twin world's truth directory (DIR/truth of 'carbonbudget synth')")
	unmatched := fs.Bool("unmatched", false, "also list every finding that matches no planted extreme, with the truth's own anomaly there")
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
	if err := validate(ctx, env, cfg.OutputDir, *truthDir, cfg.Grid()); err != nil {
		return err
	}
	return validateFindings(ctx, env, cfg.OutputDir, *truthDir, cfg, *unmatched)
}

// validateFindings prints how the published findings saw the twin's
// planted extremes: recall, precision and whether the top driver named is
// the extreme's kind. Outputs without findings.parquet are skipped.
func validateFindings(ctx context.Context, env *Env, out, truthDir string, cfg *config.Config, listUnmatched bool) error {
	if _, err := os.Stat(filepath.Join(out, "findings.parquet")); err != nil {
		return nil
	}
	k := cfg.Baseline.FindingSigmas
	if k == 0 {
		k = 2
	}
	sk, err := validation.Findings(ctx, out, truthDir, cfg.Grid(), validation.Scoring{
		Base: trend.Baseline{FromYear: cfg.Baseline.FromYear, ToYear: cfg.Baseline.ToYear}, FirstYear: cfg.StartMonth().Year, K: k})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(env.Stdout)
	fmt.Fprintln(tw, "PLANTED EXTREME\tKIND\tCAUSE\tTRUTH σ\tSCORED\tFOUND AS\tZ\tTOP DRIVER\tMATCH KIND\tMATCH CAUSE\t")
	for _, e := range sk.Extremes {
		found, z, top, match, cmatch := "-", "-", "-", "-", "-"
		if f := e.Found; f != nil {
			found, z, top, match = f.Period+" "+f.RegionID+" "+f.Component, fmt.Sprintf("%+.1f", f.Z), f.TopDriver, strconv.FormatBool(e.DriverMatch)
			if e.Cause != "" {
				cmatch = strconv.FormatBool(e.CauseMatch)
			}
		}
		cause := e.Cause
		if cause == "" {
			cause = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%t\t%s\t%s\t%s\t%s\t%s\t\n", e.Name, e.Kind, cause, e.TruthZ, e.Scored, found, z, top, match, cmatch)
	}
	tw.Flush()
	fmt.Fprintf(env.Stdout, "findings: recall %.2f, precision %.2f (%d of %d findings match a planted extreme), top driver matches the kind for %.2f of the land extremes found\n",
		sk.Recall, sk.Precision, sk.Matched, sk.Findings, sk.DriverMatch)
	fmt.Fprintf(env.Stdout, "top driver matches the twin's own main cause (counterfactual worlds, truth/world.json \"cause\") for %.2f of the land extremes found\n", sk.CauseMatch)
	fmt.Fprintf(env.Stdout, "recall with every strong ENSO phase counted whatever its truth anomaly: %.2f\n", sk.RecallAllENSO)
	fmt.Fprintf(env.Stdout, "findings against the truth's own anomalies: precision %.2f (%d more are real: the truth departs by ≥ %g σ the same way, unlisted in world.json; %d are the estimate's error)\n",
		sk.PrecisionTruth, sk.Real, k, len(sk.Unmatched)-sk.Real)
	if listUnmatched {
		printUnmatched(env, sk.Unmatched)
	}
	return nil
}

// printUnmatched lists the findings that match no planted extreme with
// the truth's anomaly in the same region, component and period.
func printUnmatched(env *Env, us []validation.UnmatchedFinding) {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(env.Stdout)
	fmt.Fprintln(tw, "UNMATCHED FINDING\tREGION KIND\tANOMALY (GtC)\tσ (GtC)\tZ\tTRUTH ANOMALY (GtC)\tTRUTH Z\tREAL\tTOP DRIVER\t")
	for _, u := range us {
		fmt.Fprintf(tw, "%s %s %s\t%s\t%+.4f\t%.4f\t%+.1f\t%+.4f\t%+.1f\t%t\t%s\t\n", u.Period, u.RegionID, u.Component, u.RegionKind,
			u.AnomalyGtC, u.SigmaGtC, u.Z, u.TruthAnomalyGtC, u.TruthZ, u.Real, u.TopDriver)
	}
	tw.Flush()
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
	// Bottom-up and top-down side by side, so a reader sees where each
	// approach is closer to the truth.
	type pair struct{ bu, td *validation.RegionSkill }
	var order []string
	pairs := map[string]*pair{}
	for i := range regs {
		r := &regs[i]
		k := r.RegionID + "|" + r.Sink
		p := pairs[k]
		if p == nil {
			p = &pair{}
			pairs[k] = p
			order = append(order, k)
		}
		if r.Approach == "top-down" {
			p.td = r
		} else {
			p.bu = r
		}
	}
	fmt.Fprintln(tw, "REGION|SINK\tMONTHS\tBOTTOM-UP BIAS\tBOTTOM-UP RMSE\tTOP-DOWN BIAS\tTOP-DOWN RMSE\tCLOSER\t")
	cell := func(s *validation.RegionSkill) (string, string) {
		if s == nil {
			return "-", "-"
		}
		return fmt.Sprintf("%+.4f", s.BiasGtC), fmt.Sprintf("%.4f", s.RMSEGtC)
	}
	for _, k := range order {
		p := pairs[k]
		months := 0
		if p.bu != nil {
			months = p.bu.Months
		} else if p.td != nil {
			months = p.td.Months
		}
		bb, br := cell(p.bu)
		tb, tr := cell(p.td)
		closer := "-"
		if p.bu != nil && p.td != nil {
			closer = "bottom-up"
			if p.td.RMSEGtC < p.bu.RMSEGtC {
				closer = "top-down"
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t\n", k, months, bb, br, tb, tr, closer)
	}
	fmt.Fprintln(tw, "(GtC/month; bottom-up land is S_LAND against the truth's S_LAND, top-down land the inversions' net land flux against the truth's S_LAND − E_LUC)\t\t\t\t\t\t\t")
	return tw.Flush()
}
