package cli

import "github.com/carbonbudget/carbonbudget/scheduler/progress"

// stepper is what long work reports to: a progress bar on a terminal, or
// nothing (the log lines say enough in cron and systemd logs).
type stepper interface {
	Begin(month, stage string)
	Step()
	Finish()
}

type noProgress struct{}

func (noProgress) Begin(string, string) {}
func (noProgress) Step()                {}
func (noProgress) Finish()              {}

// newProgress returns a bar of total steps on env.Stderr when it is a
// terminal.
func newProgress(env *Env, total int) stepper {
	if !isTerminal(env.Stderr) {
		return noProgress{}
	}
	return progress.New(env.Stderr, total, progress.Options{Mode: progress.Bar})
}
