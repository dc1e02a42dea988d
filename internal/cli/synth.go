package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/twin"
)

func runSynth(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "synth", "synth --out DIR [--seed 42] [--years 2000-2024] [--res 1]", false)
	def := twin.DefaultOptions()
	out := fs.String("out", "", "directory to write the twin world into (required)")
	seed := fs.Uint64("seed", def.Seed, "random seed: the same seed gives byte-identical files")
	years := fs.String("years", fmt.Sprintf("%d-%d", def.FromYear, def.ToYear), "simulated years, FIRST-LAST")
	res := fs.Float64("res", def.ResDeg, "grid spacing in degrees: 2, 1, 0.5 or 0.25")
	shipLag := fs.Int("ship-lag", 0, "withhold the SOCAT files of the last N months, as the real synthesis lags")
	noTruthGrid := fs.Bool("no-truth-grid", false, "skip the monthly gridded truth (the truth budget is always written)")
	noaaRevision := fs.Int("noaa-revision", 0, "write NOAA's monthly record as its Nth revision (a later File Creation line, the last month revised)")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: synth needs --out DIR, e.g. 'carbonbudget synth --out twin'", ErrUsage)
	}
	from, to, err := parseYears(*years)
	if err != nil {
		return fmt.Errorf("%w: --years: %v", ErrUsage, err)
	}
	opt := twin.Options{Seed: *seed, FromYear: from, ToYear: to, ResDeg: *res, ShipLagMonths: *shipLag, NoTruthGrid: *noTruthGrid, NOAARevision: *noaaRevision}
	if err := opt.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	start := time.Now()
	bar := newProgress(env, len(opt.Months()))
	err = twin.WriteProgress(ctx, *out, opt, env.Log, bar)
	bar.Finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "twin world (seed %d, %d-%d, %g°) written to %s in %s\nrun it with: carbonbudget run --config %s\n",
		opt.Seed, from, to, opt.ResDeg, *out, time.Since(start).Round(time.Second), strings.TrimSuffix(*out, "/")+"/"+twin.ConfigName)
	return nil
}

// parseYears reads "2000-2024" or a single year "2023".
func parseYears(s string) (from, to int, err error) {
	a, b, found := strings.Cut(s, "-")
	if from, err = strconv.Atoi(strings.TrimSpace(a)); err != nil {
		return 0, 0, fmt.Errorf("%q is not FIRST-LAST (e.g. 2000-2024)", s)
	}
	to = from
	if found {
		if to, err = strconv.Atoi(strings.TrimSpace(b)); err != nil {
			return 0, 0, fmt.Errorf("%q is not FIRST-LAST (e.g. 2000-2024)", s)
		}
	}
	if to < from {
		return 0, 0, fmt.Errorf("%q: last year before first", s)
	}
	return from, to, nil
}
