package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/carbonbudget/carbonbudget/scheduler"
)

func runSchedule(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "schedule", "schedule [--spec '0 6 5 * *'] [--tz UTC] [--once] [--offline] [--config FILE] [--out DIR]", true)
	spec := fs.String("spec", scheduler.DefaultSpec, "cron spec of the monthly update (minute hour day-of-month month day-of-week)")
	tz := fs.String("tz", "UTC", "time zone of the spec; prefer UTC: in zones with daylight saving a spec in the skipped or repeated hour runs zero or two times")
	once := fs.Bool("once", false, "run one update now (with the daemon's retries) and exit")
	offline := fs.Bool("offline", false, "do not fetch the inputs before each update")
	seconds := fs.Bool("seconds", false, "the spec has a leading seconds field (for tests)")
	grace := fs.Duration("grace", scheduler.DefaultGrace, "on SIGINT/SIGTERM, how long the month in flight may take to finish")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fmt.Errorf("%w: --tz %q: %v", ErrUsage, *tz, err)
	}
	opt := scheduler.Options{Spec: *spec, Location: loc, Seconds: *seconds, Grace: *grace, Log: env.Log}
	if _, err := scheduler.ParseSpec(*spec, *seconds); err != nil {
		return fmt.Errorf("%w: --spec %q: %v", ErrUsage, *spec, err)
	}
	job := func(ctx context.Context) error { return update(ctx, env, cfg, true, *offline) }
	if *once {
		return scheduler.Once(ctx, opt, job)
	}
	if next, err := scheduler.Next(*spec, loc, *seconds, time.Now(), 1); err == nil && len(next) > 0 {
		env.Log.Info("scheduled", "spec", *spec, "tz", loc.String(), "next", next[0].Format(time.RFC3339))
	}
	return scheduler.Run(ctx, opt, job)
}
