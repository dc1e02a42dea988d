package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/carbonbudget/carbonbudget/scheduler/ledger"
)

func runStatus(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "status", "status [--json] [--runs N] [--config FILE] [--out DIR]", true)
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	nruns := fs.Int("runs", 10, "how many recent runs to show")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	path := ledgerPath(cfg)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no ledger at %s: nothing has run with this output directory yet", path)
	}
	lg, err := ledger.Open(path)
	if err != nil {
		return err
	}
	defer lg.Close()
	runs, err := lg.Runs(ctx, *nruns)
	if err != nil {
		return err
	}
	months, err := lg.Months(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"runs": runs, "months": months})
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tCOMMAND\tSTART\tEND\tSTATUS\tERROR")
	for _, r := range runs {
		end := "-"
		if !r.End.IsZero() {
			end = r.End.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Command, r.Start.UTC().Format(time.RFC3339), end, r.Status, r.Error)
	}
	tw.Flush()
	fmt.Fprintln(env.Stdout)
	tw = tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MONTH\tSTATUS\tRUN\tPROVISIONAL SOURCES\tUPDATED")
	for _, m := range months {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%v\t%s\n", m.Month, m.Status, m.RunID, m.ProvisionalSources, m.Updated.UTC().Format(time.RFC3339))
	}
	return tw.Flush()
}
