// Package scheduler runs the monthly update as a daemon on robfig/cron
// v3, and its sub-packages hold the rest of the operational machinery:
//
//   - ledger: runs and month states in SQLite (<outdir>/ledger.db)
//   - lock: the exclusive flock(2) lock on the output directory
//   - publish: atomic, crash-safe publication of a month's files
//   - plan: which months an update computes, and why
//   - progress: a progress bar on a terminal, log lines otherwise
//
// Updater ties them together for the run and update commands: it takes
// the lock, recovers interrupted publishes, records the run, plans (or is
// given) the months, and for each one calls a MonthFunc that writes the
// month's files into a staging directory, publishes them atomically and
// records the outcome. Nothing here knows the pipeline: the CLI passes the
// real one as the MonthFunc, tests a fake.
//
// # Schedules
//
// Specs have five fields (minute hour day-of-month month day-of-week) or a
// descriptor (@monthly, @daily, @every 6h); Options.Seconds accepts a
// leading seconds field instead, for tests. The default, DefaultSpec, runs
// at 06:00 on the 5th of each month.
//
// Schedules are in UTC unless Options.Location (or a CRON_TZ=Zone prefix on
// the spec) says otherwise. A local zone with daylight saving is a hazard:
// robfig/cron v3.0.1 skips a time that falls in the spring-forward gap and
// fires twice for one that falls in the repeated autumn hour (in
// Europe/Berlin, "30 2 * * *" did not run on the last Sunday of March and
// ran at 00:30Z and 01:30Z on the last Sunday of October; robfig/cron PR
// #541, unmerged). A monthly spec at 02:00-03:00 local on a DST Sunday would
// then skip or double a month's update. Schedule in UTC, or keep local
// times outside 01:00-04:00.
//
// # Ticks
//
// Each tick runs the job behind cron.SkipIfStillRunning (outer) and
// cron.Recover (inner). The order matters: with Recover outside, a
// panicking job unwinds through SkipIfStillRunning without returning its
// "running" token, and every later tick is skipped forever (robfig/cron
// issue #366). A tick retries errors marked transient (Transient,
// IsTransient) with capped exponential backoff.
//
// # Shutdown
//
// When the context passed to Run or Once is cancelled (main cancels it on
// SIGINT or SIGTERM), no new tick starts, no retry is attempted, and the
// running job keeps an uncancelled context for Options.Grace to finish its
// month; Stopping(ctx) turns true so that it starts no further month
// (Updater checks it between months).
// After that its context is cancelled and Run returns ErrAbandoned; the
// month in flight is lost but, thanks to atomic publish, the previous
// outputs are intact, and the next BeginRun marks the run abandoned.
package scheduler
