package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/carbonbudget/carbonbudget/ingest/builder"

	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// monthFlags adds --month, --from and --to and returns a function that
// resolves them to the list of months (one of --month or --from/--to).
func monthFlags(fsAdd func(name, value, usage string) *string) func() ([]grid.Month, error) {
	month := fsAdd("month", "", "one month, YYYY-MM")
	from := fsAdd("from", "", "first month of a range, YYYY-MM")
	to := fsAdd("to", "", "last month of a range, YYYY-MM (default: --from)")
	return func() ([]grid.Month, error) {
		switch {
		case *month != "" && (*from != "" || *to != ""):
			return nil, fmt.Errorf("%w: give --month or --from/--to, not both", ErrUsage)
		case *month != "":
			m, err := grid.ParseMonth(*month)
			if err != nil {
				return nil, fmt.Errorf("%w: --month: %v", ErrUsage, err)
			}
			return []grid.Month{m}, nil
		case *from != "":
			a, err := grid.ParseMonth(*from)
			if err != nil {
				return nil, fmt.Errorf("%w: --from: %v", ErrUsage, err)
			}
			b := a
			if *to != "" {
				if b, err = grid.ParseMonth(*to); err != nil {
					return nil, fmt.Errorf("%w: --to: %v", ErrUsage, err)
				}
			}
			if b.Before(a) {
				return nil, fmt.Errorf("%w: --to %s is before --from %s", ErrUsage, b, a)
			}
			return grid.Range(a, b), nil
		}
		return nil, fmt.Errorf("%w: give --month YYYY-MM or --from YYYY-MM --to YYYY-MM", ErrUsage)
	}
}

// newBuilder returns the cube builder for cfg with the land fraction of
// its grid.
func newBuilder(cfg *config.Config, env *Env) (*builder.Builder, *regions.Set, error) {
	set, err := regions.Load(cfg.Grid())
	if err != nil {
		return nil, nil, err
	}
	return builder.New(cfg, set.LandFraction(), env.Log), set, nil
}

func runIngest(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "ingest", "ingest --month YYYY-MM | --from YYYY-MM --to YYYY-MM [--config FILE] [--out DIR]", true)
	months := monthFlags(fs.String)
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	list, err := months()
	if err != nil {
		return err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	b, _, err := newBuilder(cfg, env)
	if err != nil {
		return err
	}
	// Every source of every month is checked on its own, so that one run
	// reports every problem, one line each, before anything is built.
	var problems []error
	for _, m := range list {
		problems = append(problems, b.Check(ctx, m)...)
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(env.Stderr, p)
		}
		return fmt.Errorf("%d problem(s) in the inputs of %s", len(problems), monthSpan(list))
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MONTH\tFIELDS\tFOSSIL ROWS\tXCO2 (ppm)\tMISSING\tCUBE KEY")
	for _, m := range list {
		cb, err := b.Cube(ctx, m)
		if err != nil {
			return err
		}
		missing := "-"
		if len(cb.Missing) > 0 {
			missing = fmt.Sprint(cb.Missing)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%s\t%s\n", m, len(cb.Fields), len(cb.Fossil), cb.XCO2PPM, missing, cb.Key[:12])
	}
	return tw.Flush()
}

// monthSpan is "YYYY-MM" or "YYYY-MM to YYYY-MM".
func monthSpan(list []grid.Month) string {
	if len(list) == 1 {
		return list[0].String()
	}
	return list[0].String() + " to " + list[len(list)-1].String()
}
