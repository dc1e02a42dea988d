package cli

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/pipeline"
	"github.com/carbonbudget/carbonbudget/scheduler/lock"
)

func runTrain(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "train", "train [--component ocean|land|all] [--held-out YEAR] [--models DIR] [--wait] [--member NAME --into DIR | --gather DIR] [--config FILE] [--out DIR]", true)
	component := fs.String("component", "all", "which members to train: ocean, land or all")
	heldOut := fs.Int("held-out", 0, "held-out year N (0: the last year with inputs)")
	models := fs.String("models", "", "directory for the trained models (overrides models_dir)")
	wait := fs.Bool("wait", false, "wait for a run holding the output directory instead of exiting")
	member := fs.String("member", "", "train only this member, into --into: one task of a training spread over a cluster")
	into := fs.String("into", "", "with --member: the directory to save it in (replaced whole); takes no lock")
	gather := fs.String("gather", "", "join the members trained with --member NAME --into DIR/NAME into the models directory")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	if (*member == "") != (*into == "") || (*member != "" && *gather != "") {
		return fmt.Errorf("%w: train --member NAME needs --into DIR, and neither goes with --gather", ErrUsage)
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	if *models != "" {
		cfg.ModelsDir = *models
	}
	if *member != "" {
		// A task on a cluster node: no lock, no ledger; the member and
		// the ensemble's shared record land whole at --into or not at
		// all, and a rerun writes the same bytes.
		return durable.WriteDir(*into, func(tmp string) error {
			cfg.ModelsDir = tmp
			rows, err := train(ctx, env, cfg, *component, *heldOut, *member)
			if err == nil {
				printSkill(env, rows)
			}
			return err
		})
	}
	// Under the output directory's lock, as run and update train: a run
	// in progress keeps the models it loaded, and its manifests must name
	// the files it used.
	lk, err := lock.Acquire(ctx, cfg.OutputDir, *wait)
	if err != nil {
		return err
	}
	defer lk.Release()
	if *gather != "" {
		return gatherMembers(env, cfg, *gather)
	}
	rows, err := train(ctx, env, cfg, *component, *heldOut, "")
	if err != nil {
		return err
	}
	printSkill(env, rows)
	return nil
}

// gatherMembers joins the members trained one per task under dir (as
// dir/<member>, by train --member --into) into the models directory, each
// component's members in training order.
func gatherMembers(env *Env, cfg *config.Config, dir string) error {
	srcs := map[string][]string{}
	for _, r := range pipeline.MemberRefs(configGOBMs(cfg), configDGVMs(cfg)) {
		srcs[r.Component] = append(srcs[r.Component], filepath.Join(dir, r.Name, r.Component))
	}
	for _, comp := range pipeline.Components {
		if err := emulator.MergeMembers(filepath.Join(cfg.ModelsDir, comp), srcs[comp]); err != nil {
			return fmt.Errorf("gather %s members from %s: %w", comp, dir, err)
		}
		fmt.Fprintf(env.Stdout, "gathered %d %s members into %s\n", len(srcs[comp]), comp, filepath.Join(cfg.ModelsDir, comp))
	}
	return nil
}

func configGOBMs(cfg *config.Config) []string { return firstN(cfg.Sources["gobm"].Models, cfg.Members) }
func configDGVMs(cfg *config.Config) []string {
	return firstN(cfg.Sources["trendy"].Models, cfg.Members)
}

// train ingests the training months and trains the requested components
// (pipeline.Train) with the configured models, only member when it is
// set, showing a progress bar on a terminal.
func train(ctx context.Context, env *Env, cfg *config.Config, component string, heldOut int, member string) ([]pipeline.SkillRow, error) {
	b, _, err := newBuilder(cfg, env)
	if err != nil {
		return nil, err
	}
	var bar stepper = noProgress{}
	defer func() { bar.Finish() }()
	spec := pipeline.TrainSpec{Component: component, FirstYear: cfg.TrainFromYear(), HeldOutYear: heldOut,
		GOBMs: configGOBMs(cfg), DGVMs: configDGVMs(cfg), Member: member,
		ModelsDir: cfg.ModelsDir, Log: env.Log,
		Progress: func(total int) pipeline.TrainProgress { bar = newProgress(env, total); return bar }}
	rows, err := pipeline.Train(ctx, b, spec)
	if errors.Is(err, pipeline.ErrUnknownComponent) {
		return nil, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	return rows, err
}

func printSkill(env *Env, rows []pipeline.SkillRow) {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "COMPONENT\tMEMBER\tTARGET\tHELD-OUT\tR²\tRMSE\tBIAS\tGLOBAL ERR (GtC/yr)\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.3f\t%.4g\t%+.3g\t%s\t\n", r.Component, r.Member, r.Target, r.HeldOutYear, r.R2, r.RMSE, r.Bias, fmtGtC(r.GlobalErrGtC))
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
