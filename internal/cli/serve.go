package cli

import (
	"context"

	"github.com/carbonbudget/carbonbudget/internal/server"
)

func runServe(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "serve", "serve [--addr 127.0.0.1:8080] [--config FILE] [--out DIR]", true)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (host:port)")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	opt := server.Options{Log: env.Log}
	opt.Baseline.FromYear, opt.Baseline.ToYear = cfg.Baseline.FromYear, cfg.Baseline.ToYear
	s, err := server.New(cfg.OutputDir, opt)
	if err != nil {
		return err
	}
	return s.ListenAndServe(ctx, *addr)
}
