package cli

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"

	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/server"
	"github.com/carbonbudget/carbonbudget/scheduler/ledger"
)

func runServe(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "serve", "serve [--addr 127.0.0.1:8080] [--config FILE] [--out DIR]", true)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (host:port)")
	defRelease := fs.String("release", "", "what the API answers without ?release=: empty or 'live' for the output directory as published now, 'latest' (or an id or name) for a release")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	opt := server.Options{Log: env.Log, Runs: ledgerRuns{ledgerPath(cfg), cfg}, DefaultRelease: *defRelease}
	opt.Baseline.FromYear, opt.Baseline.ToYear = cfg.Baseline.FromYear, cfg.Baseline.ToYear
	s, err := server.New(cfg.OutputDir, opt)
	if err != nil {
		return err
	}
	return s.ListenAndServe(ctx, *addr)
}

// ledgerRuns serves the ledger's runs to the API (/api/v1/runs), opening
// it read-only for each request so the server works on a read-only output
// directory and sees runs recorded while it serves.
type ledgerRuns struct {
	path string
	cfg  *config.Config
}

// RunsJSON implements server.RunLister with the rows of 'status --json'.
func (l ledgerRuns) RunsJSON(limit int) ([]map[string]any, error) {
	out := []map[string]any{}
	if _, err := os.Stat(l.path); errors.Is(err, fs.ErrNotExist) {
		return out, nil // nothing has run here yet
	}
	lg, err := ledger.OpenReadOnly(l.path)
	if err != nil {
		return nil, err
	}
	defer lg.Close()
	runs, err := lg.Runs(context.Background(), limit)
	if err != nil {
		return nil, err
	}
	for _, r := range statusView(runs, nil).Runs {
		b, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// LatencyDays implements server.LatencyLister with status's figures; whole-
// record sources, which have no newest month, are left out.
func (l ledgerRuns) LatencyDays() (map[string]float64, *float64, error) {
	if _, err := os.Stat(l.path); err != nil {
		return nil, nil, err
	}
	lg, err := ledger.OpenReadOnly(l.path)
	if err != nil {
		return nil, nil, err
	}
	defer lg.Close()
	ctx := context.Background()
	months, err := lg.Months(ctx)
	if err != nil {
		return nil, nil, err
	}
	v, err := latencies(ctx, lg, l.cfg, months, nowFunc())
	if err != nil {
		return nil, nil, err
	}
	out := map[string]float64{}
	for _, s := range v.Sources {
		if !s.Record {
			out[s.Source] = s.LatencyDays
		}
	}
	return out, v.BudgetDays, nil
}
