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
	lg, err := ledger.OpenReadOnly(path)
	if err != nil {
		return err
	}
	defer lg.Close()
	runs, err := lg.Runs(ctx, *nruns)
	if err != nil {
		return err
	}
	for i, r := range runs {
		if lg.Dead(r) { // killed: its process is gone, no end will come
			runs[i].Status = runInterrupted
			runs[i].Error = fmt.Sprintf("process %d ended without finishing the run", r.PID)
		}
	}
	months, err := lg.Months(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(statusView(runs, months))
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

// StatusJSON is what `status --json` prints: a stable, script-facing view
// of the ledger with months as "YYYY-MM".
type StatusJSON struct {
	Runs   []RunJSON   `json:"runs"`
	Months []MonthJSON `json:"months"`
}

// RunJSON is one run of the ledger, newest first.
type RunJSON struct {
	ID          int64      `json:"id"`
	Command     string     `json:"command"`
	Start       time.Time  `json:"start"`
	End         *time.Time `json:"end"` // null while running or when abandoned
	Status      string     `json:"status"`
	Error       string     `json:"error,omitempty"`
	ConfigHash  string     `json:"config_hash"`
	CodeVersion string     `json:"code_version"`
	Host        string     `json:"host"`
	PID         int        `json:"pid"`
}

// MonthJSON is the latest state of one month.
type MonthJSON struct {
	Month              string            `json:"month"`
	RunID              int64             `json:"run_id"`
	Status             string            `json:"status"`
	InputHash          string            `json:"input_hash"`
	ProvisionalSources []string          `json:"provisional_sources"`
	OutputChecksums    map[string]string `json:"outputs_sha256"`
	Error              string            `json:"error,omitempty"`
	Updated            time.Time         `json:"updated"`
}

func statusView(runs []ledger.Run, months []ledger.MonthState) StatusJSON {
	v := StatusJSON{Runs: []RunJSON{}, Months: []MonthJSON{}}
	for _, r := range runs {
		rj := RunJSON{ID: r.ID, Command: r.Command, Start: r.Start.UTC(), Status: string(r.Status),
			Error: r.Error, ConfigHash: r.ConfigHash, CodeVersion: r.CodeVersion, Host: r.Host, PID: r.PID}
		if !r.End.IsZero() {
			end := r.End.UTC()
			rj.End = &end
		}
		v.Runs = append(v.Runs, rj)
	}
	for _, m := range months {
		prov := m.ProvisionalSources
		if prov == nil {
			prov = []string{}
		}
		v.Months = append(v.Months, MonthJSON{Month: m.Month.String(), RunID: m.RunID, Status: string(m.Status), InputHash: m.InputHash,
			ProvisionalSources: prov, OutputChecksums: m.OutputChecksums, Error: m.Error, Updated: m.Updated.UTC()})
	}
	return v
}

// runInterrupted is how status shows a run whose process died while it
// ran (the ledger still says running until the next run marks it
// abandoned).
const runInterrupted ledger.RunStatus = "interrupted"
