package cli

import (
	"context"
	"fmt"

	"github.com/carbonbudget/carbonbudget/internal/config"
)

func runConfig(_ context.Context, env *Env, args []string) error {
	if len(args) == 0 || (args[0] != "print" && args[0] != "default") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(env.Stderr, "Usage:\n  carbonbudget config print [--config FILE] [--out DIR]   the effective configuration\n  carbonbudget config default                           the documented default file")
			return nil
		}
		return fmt.Errorf("%w: try 'carbonbudget config print' or 'carbonbudget config default'", ErrUsage)
	}
	if args[0] == "default" {
		_, err := env.Stdout.Write(config.DefaultYAML())
		return err
	}
	fs, c := newFlagSet(env, "config print", "config print [--config FILE] [--out DIR]", true)
	if err := parse(fs, c, env, args[1:], false); err != nil {
		return err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	b, err := cfg.YAML()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "# effective configuration (hash %s)\n", cfg.Hash()[:12])
	_, err = env.Stdout.Write(b)
	return err
}
