package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/acquire"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/land"
	"github.com/carbonbudget/carbonbudget/scheduler/ledger"
	"github.com/carbonbudget/carbonbudget/scheduler/lock"
)

// recentMonths is how far back fetch looks by default: NOAA and Carbon
// Monitor revise their recent months, and a late month may still arrive.
const recentMonths = 12

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runFetch(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "fetch", "fetch [--month YYYY-MM | --from YYYY-MM --to YYYY-MM] [--source NAME]... [--dry-run] [--wait] [--config FILE] [--out DIR]", true)
	var sources stringList
	fs.Var(&sources, "source", "fetch only this source (repeatable; default: every source with a fetch block)")
	dryRun := fs.Bool("dry-run", false, "print what would be fetched, fetch nothing")
	wait := fs.Bool("wait", false, "wait for a run holding the output directory instead of exiting")
	months := monthFlags(fs.String)
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	list := defaultFetchMonths()
	if !noMonthFlag(args) {
		if list, err = months(); err != nil {
			return err
		}
	}
	jobs, err := fetchJobs(cfg, list, sources)
	if err != nil {
		return err
	}
	if *dryRun {
		w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "SOURCE\tMONTH\tPROVIDER\tFROM\tTO")
		for _, j := range jobs {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", j.Spec.Source, j.Month, j.Spec.Provider, jobOrigin(j), j.Dest)
		}
		return w.Flush()
	}
	lk, err := lock.Acquire(ctx, cfg.OutputDir, *wait)
	if err != nil {
		return err
	}
	defer lk.Release()
	return fetchAndRecord(ctx, env, cfg, jobs, true)
}

// noMonthFlag reports whether args name none of --month, --from, --to.
func noMonthFlag(args []string) bool {
	for _, a := range args {
		for _, f := range []string{"-month", "--month", "-from", "--from", "-to", "--to"} {
			if a == f || strings.HasPrefix(a, f+"=") {
				return false
			}
		}
	}
	return true
}

// defaultFetchMonths are the last recentMonths months up to this one.
func defaultFetchMonths() []grid.Month {
	now := grid.MonthOf(nowFunc())
	return grid.Range(now.Add(-(recentMonths - 1)), now)
}

// fetchRecent is update's fetch, for every source with a fetch block: the
// months from the configured start (less the land stage's lag) that are
// not yet published final, and
// the recent months whatever their state (providers revise them). It
// returns what failed (not what is not yet available).
func fetchRecent(ctx context.Context, env *Env, cfg *config.Config) error {
	if !slices.ContainsFunc(cfg.InputNames(), func(n string) bool { s, _ := cfg.Input(n); return s.Fetch != nil }) {
		return nil
	}
	l, err := ledger.Open(ledgerPath(cfg))
	if err != nil {
		return err
	}
	states, err := l.Months(ctx)
	l.Close()
	if err != nil {
		return err
	}
	final := map[grid.Month]bool{}
	for _, st := range states {
		final[st.Month] = st.Status == ledger.MonthOK
	}
	recent := defaultFetchMonths()
	var months []grid.Month
	// The land stage reads the LagMonths months before each month too.
	for _, m := range grid.Range(cfg.StartMonth().Add(-land.LagMonths), recent[len(recent)-1]) {
		if !final[m] || !m.Before(recent[0]) {
			months = append(months, m)
		}
	}
	jobs, err := fetchJobs(cfg, months, nil)
	if err != nil {
		return err
	}
	return fetchAndRecord(ctx, env, cfg, jobs, false)
}

// fetchJobs lists the files to fetch for months: one job per destination
// (a yearly file shared by several months is fetched once, for the latest
// of them, whose request then covers the most).
func fetchJobs(cfg *config.Config, months []grid.Month, only []string) ([]acquire.Job, error) {
	var names []string
	for _, name := range cfg.InputNames() {
		if src, _ := cfg.Input(name); src.Fetch != nil {
			names = append(names, name)
		}
	}
	for _, s := range only {
		if !slices.Contains(names, s) {
			return nil, fmt.Errorf("%w: --source %s: no source of that name has a fetch block (those that do: %s)", ErrUsage, s, strings.Join(names, ", "))
		}
	}
	byDest := map[string]int{}
	var jobs []acquire.Job
	for _, name := range names {
		if len(only) > 0 && !slices.Contains(only, name) {
			continue
		}
		src, _ := cfg.Input(name)
		fe := src.Fetch
		spec := acquire.Spec{Source: name, Provider: fe.Provider, URL: fe.URL, Dataset: fe.Dataset, Request: fe.Request,
			Format: fetchFormat(fe.Format, src.Path), SHA256: fe.SHA256, Command: fe.Command, Dir: fe.Dir}
		models := []string{""}
		if strings.Contains(src.Path, "{model}") {
			models = src.Models
		}
		for _, m := range months {
			for _, model := range models {
				j := acquire.Job{Spec: spec, Month: m, Model: model,
					Dest: filepath.Join(cfg.InputDir, acquire.Expand(src.Path, m, model))}
				if i, ok := byDest[j.Dest]; ok {
					jobs[i] = j // months are in order: the latest wins
					continue
				}
				byDest[j.Dest] = len(jobs)
				jobs = append(jobs, j)
			}
		}
	}
	return jobs, nil
}

// fetchFormat is the configured format, else the one the path's extension
// implies.
func fetchFormat(format, path string) string {
	if format != "" {
		return format
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".nc", ".nc4":
		return "netcdf"
	case ".grib", ".grb", ".grib2", ".grb2":
		return "grib"
	case ".tif", ".tiff":
		return "geotiff"
	case ".hdf":
		return "hdf4"
	case ".h5", ".hdf5":
		return "hdf5"
	case ".csv":
		return "csv"
	case ".tsv":
		return "tsv"
	case ".txt":
		return "text"
	}
	return ""
}

func jobOrigin(j acquire.Job) string {
	switch j.Spec.Provider {
	case "cds":
		return "CDS " + j.Spec.Dataset
	case "command":
		return "command " + j.Spec.Command[0]
	case "local":
		name := acquire.Expand(j.Spec.URL, j.Month, j.Model)
		if name == "" {
			name = filepath.Base(j.Dest) // the local provider's default
		}
		return filepath.Join(j.Spec.Dir, name)
	}
	return acquire.Redact(acquire.Expand(j.Spec.URL, j.Month, j.Model))
}

// fetchAndRecord fetches jobs, prints one line per job (when verbose) or
// logs them, records every file that arrived in the ledger, and returns
// the failures joined (a file not yet available is not one).
func fetchAndRecord(ctx context.Context, env *Env, cfg *config.Config, jobs []acquire.Job, verbose bool) error {
	f := &acquire.Fetcher{StateDir: acquire.StateDir(cfg.WorkDir), Log: env.Log}
	results, errs := f.FetchAll(ctx, jobs)
	l, err := ledger.Open(ledgerPath(cfg))
	if err != nil {
		return err
	}
	defer l.Close()
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	if verbose {
		fmt.Fprintln(w, "SOURCE\tMONTH\tSTATUS\tDETAIL")
	}
	var failed []error
	counts := map[string]int{}
	for i, j := range jobs {
		status, detail := "", ""
		switch r, err := results[i], errs[i]; {
		case errors.Is(err, acquire.ErrNotAvailable):
			status, detail = "not yet available", err.Error()
		case err != nil:
			status, detail = "FAILED", err.Error()
			failed = append(failed, err)
		default:
			status = "unchanged"
			if r.Changed {
				status = "fetched"
			}
			detail = fmt.Sprintf("%d bytes, sha256 %.12s", r.Size, r.SHA256)
			rel, _ := filepath.Rel(cfg.InputDir, r.Dest)
			if _, err := l.RecordArrival(ctx, ledger.Arrival{Source: r.Source, Month: r.Month, SHA256: r.SHA256, Path: rel,
				URL: r.URL, ETag: r.ETag, LastModified: r.LastModified, Size: r.Size}); err != nil {
				failed = append(failed, err)
			}
		}
		counts[status]++
		if verbose {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", j.Spec.Source, j.Month, status, detail)
		} else if status == "FAILED" {
			env.Log.Error("fetch failed", "source", j.Spec.Source, "month", j.Month, "err", detail)
		}
	}
	if verbose {
		w.Flush()
	}
	env.Log.Info("fetch done", "files", len(jobs), "fetched", counts["fetched"], "unchanged", counts["unchanged"],
		"not_yet_available", counts["not yet available"], "failed", counts["FAILED"], "at", time.Now().UTC().Format(time.RFC3339))
	if len(failed) > 0 {
		return fmt.Errorf("fetch: %d of %d files failed: %w", len(failed), len(jobs), errors.Join(failed...))
	}
	return nil
}
