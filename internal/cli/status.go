package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/config"
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
	lat, err := latencies(ctx, lg, cfg, months, nowFunc())
	if err != nil {
		return err
	}
	if *asJSON {
		v := statusView(runs, months)
		v.Sources, v.BudgetLatencyDays = lat.Sources, lat.BudgetDays
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	for _, src := range lat.Sources {
		if src.Warning != "" {
			fmt.Fprintf(env.Stdout, "WARNING: %s\n", src.Warning)
		}
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
	if err := tw.Flush(); err != nil || len(lat.Sources) == 0 {
		return err
	}
	fmt.Fprintln(env.Stdout)
	tw = tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tNEWEST MONTH\tARRIVED\tDAYS AFTER MONTH END\tVINTAGES")
	for _, src := range lat.Sources {
		if src.Record {
			fmt.Fprintf(tw, "%s\t(whole record)\t%s\t-\t%d\n", src.Source, src.Arrived.Format(time.RFC3339), src.Vintages)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%d\n", src.Source, src.Month, src.Arrived.Format(time.RFC3339), src.LatencyDays, src.Vintages)
	}
	if lat.BudgetDays != nil {
		fmt.Fprintf(tw, "budget\t%s\t%s\t%.1f\t\n", lat.BudgetMonth, lat.BudgetPublished.Format(time.RFC3339), *lat.BudgetDays)
	}
	return tw.Flush()
}

// SourceJSON is a source's newest month and its latency.
type SourceJSON struct {
	Source  string    `json:"source"`
	Month   string    `json:"month,omitempty"`
	Arrived time.Time `json:"arrived"`
	// LatencyDays is from the end of Month to its arrival.
	LatencyDays float64 `json:"latency_days"`
	Vintages    int     `json:"vintages"`
	// Record marks a whole-record file: Arrived is when it last changed;
	// Month and LatencyDays are not known from its name.
	Record bool `json:"record,omitempty"`
	// Warning is set when the next month is overdue (warn_after_days).
	Warning string `json:"warning,omitempty"`
}

// latencyView is the sources' and the budget's latency.
type latencyView struct {
	Sources []SourceJSON
	// BudgetDays is from the end of the newest published month to its
	// publication; nil when nothing is published.
	BudgetDays      *float64
	BudgetMonth     string
	BudgetPublished time.Time
}

// latencies reads the sources' arrivals and the newest published month
// from the ledger, and warns about a source whose next month is more than
// its warn_after_days past that month's end.
func latencies(ctx context.Context, lg *ledger.Ledger, cfg *config.Config, months []ledger.MonthState, now time.Time) (latencyView, error) {
	var v latencyView
	arr, err := lg.LatestArrivals(ctx)
	if err != nil {
		return v, err
	}
	for _, a := range arr {
		sj := SourceJSON{Source: a.Source, Month: a.Month.String(), Arrived: a.Arrived.UTC(), Vintages: a.Vintages}
		src, _ := cfg.Input(a.Source)
		if p := src.Path; !strings.Contains(p, "{yyyy}") && !strings.Contains(p, "{mm}") {
			// A whole-record file (NOAA's, Carbon Monitor's, a model's run):
			// which months it holds is in its content, not its name, so
			// the arrival says when it last changed and nothing more.
			sj.Month, sj.Record = "", true
			v.Sources = append(v.Sources, sj)
			continue
		}
		sj.LatencyDays = math.Round(ledger.LatencyDays(a.Month, a.Arrived)*10) / 10
		if limit := src.WarnAfterDays; limit > 0 {
			next := a.Month.Add(1)
			if late := ledger.LatencyDays(next, now); late > float64(limit) {
				sj.Warning = fmt.Sprintf("source %s: %s has not arrived %.0f days after its end (warn_after_days %d); newest is %s", a.Source, next, late, limit, a.Month)
			}
		}
		v.Sources = append(v.Sources, sj)
	}
	for _, m := range months {
		if m.Status == ledger.MonthFailed || (v.BudgetMonth != "" && m.Month.String() < v.BudgetMonth) {
			continue
		}
		d := math.Round(ledger.LatencyDays(m.Month, m.Updated)*10) / 10
		v.BudgetDays, v.BudgetMonth, v.BudgetPublished = &d, m.Month.String(), m.Updated.UTC()
	}
	return v, nil
}

// StatusJSON is what `status --json` prints: a stable, script-facing view
// of the ledger with months as "YYYY-MM".
type StatusJSON struct {
	Runs   []RunJSON   `json:"runs"`
	Months []MonthJSON `json:"months"`
	// Sources are the fetched sources' newest months and latencies;
	// BudgetLatencyDays is the newest published month's (see latencyView).
	Sources           []SourceJSON `json:"sources,omitempty"`
	BudgetLatencyDays *float64     `json:"budget_latency_days,omitempty"`
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
