// Package cli implements the carbonbudget command line: one file per
// subcommand, each with its own flag.FlagSet. Output goes to the writers
// passed to Run, so tests never touch os.Stdout.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/config"
)

// Version is the code version, set at build time with
// -ldflags "-X github.com/carbonbudget/carbonbudget/internal/cli.Version=...".
var Version = "dev"

// Env is what every subcommand gets: the output writers and, once its flags
// are parsed, the logger.
type Env struct {
	Stdout, Stderr io.Writer
	Log            *slog.Logger
	// stopProfile ends the profiles --cpuprofile and --memprofile asked
	// for; Run calls it when the command returns.
	stopProfile func()
}

// A command is one subcommand. run receives the arguments after its name.
type command struct {
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// commands lists the subcommands. Each lives in its own file.
var commands = map[string]command{
	"nowcast":  {"project the year in progress, or replay the projection over past years and score it (nowcast --hindcast 1990-2025 --as-of-month 6 --real DIR)", runNowcast},
	"validate": {"compare the published budget with the twin world's truth (validate --truth DIR/truth)", runValidate},
	"version":  {"print the version", runVersion},
	"grid":     {"describe the analysis grid (grid info --res 0.5)", runGrid},
	"config":   {"print the effective configuration (config print)", runConfig},
	"ingest":   {"read and check a month's inputs into the month cube (ingest --month 2023-12)", runIngest},
	"compute":  {"compute one month into a directory, without the lock or the ledger: a unit of work for a cluster (compute --month 2024-11 --into DIR)", runCompute},
	"finalize": {"publish months computed by compute, in order, under the lock, and rebuild the tables (finalize --from 2024-10 --to 2024-11 --shards DIR)", runFinalize},
	"slurm":    {"run months as Slurm job arrays: slurm submit --from 2024-01 --to 2024-06 [--dry-run]; slurm status; slurm resume", runSlurm},
	"fetch":    {"fetch the inputs from their providers (fetch [--month 2024-11] [--source co2_monthly] [--dry-run])", runFetch},
	"regions":  {"list or show regions (regions list --kind reccap2-land; regions show USA)", runRegions},
	"update":   {"the monthly job: compute every month that is missing, failed, provisional with its source arrived, or changed", runUpdate},
	"run":      {"compute and publish months (run --month 2023-12 or --from/--to)", runRun},
	"budget":   {"rerun the budget stage of a month from its saved stage results", runBudget},
	"synth":    {"write the twin world: every input in its real format plus the truth (synth --out twin)", runSynth},
	"status":   {"show the last runs and the state of every month (status --json)", runStatus},
	"train":    {"train the emulators of a component and print their held-out skill (train --component ocean)", runTrain},
	"demo":     {"make the twin world if absent, train, compute the last years and print the budget beside the truth", runDemo},
	"schedule": {"run the monthly update on a cron schedule (default '0 6 5 * *' UTC) until SIGINT/SIGTERM", runSchedule},
	"serve":    {"serve the outputs: HTTP API and dashboard (serve --addr 127.0.0.1:8080)", runServe},
	"release":  {"freeze the published state as an immutable release after its consistency checks (release [--name NAME]; --list; --verify ID)", runRelease},
	"diff":     {"what changed between two releases or output directories, and why (diff [--format text|json|csv] A B)", runDiff},
}

// ErrUsage marks a command-line mistake; main prints the hint and exits 2.
var ErrUsage = errors.New("usage")

// Run executes the command line args (without the program name).
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	applyMemoryLimit()
	env := &Env{Stdout: stdout, Stderr: stderr, Log: slog.New(slog.NewTextHandler(stderr, nil))}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return fmt.Errorf("%w: no command given; try 'carbonbudget --help'", ErrUsage)
		}
		return nil
	}
	if args[0] == "--version" {
		return runVersion(ctx, env, nil)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown command %q; run 'carbonbudget --help' for the list", ErrUsage, args[0])
	}
	err := cmd.run(ctx, env, args[1:])
	if env.stopProfile != nil {
		env.stopProfile()
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "carbonbudget %s: a near-real-time global carbon budget\n\nUsage:\n  carbonbudget <command> [flags]\n\nCommands:\n", Version)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'carbonbudget <command> --help' for the flags of a command.")
}

// Common holds the flags shared by every command that reads or writes data.
type Common struct {
	ConfigFile string
	OutDir     string
	LogFormat  string
	LogLevel   string
	// CPUProfile and MemProfile are pprof files to write (go tool pprof).
	CPUProfile, MemProfile string
}

// newFlagSet returns a flag set for a subcommand that prints its usage to
// env.Stderr, and registers the common flags when withData is set.
func newFlagSet(env *Env, name, synopsis string, withData bool) (*flag.FlagSet, *Common) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	c := &Common{}
	fs.StringVar(&c.LogFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of the command to this file (go tool pprof)")
	fs.StringVar(&c.MemProfile, "memprofile", "", "write a heap profile at the end of the command to this file")
	if withData {
		fs.StringVar(&c.ConfigFile, "config", "", "configuration file (default: the embedded default)")
		fs.StringVar(&c.OutDir, "out", "", "output directory (overrides output_dir in the configuration)")
	}
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: carbonbudget %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs, c
}

// parse parses args, sets up env.Log from the common flags and rejects
// stray positional arguments unless allowArgs.
func parse(fs *flag.FlagSet, c *Common, env *Env, args []string, allowArgs bool) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %s %v; run 'carbonbudget %s --help'", ErrUsage, fs.Name(), err, fs.Name())
	}
	if !allowArgs && fs.NArg() > 0 {
		return fmt.Errorf("%w: %s takes no argument %q; run 'carbonbudget %s --help'", ErrUsage, fs.Name(), fs.Arg(0), fs.Name())
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", ErrUsage, c.LogLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(c.LogFormat) {
	case "text":
		env.Log = slog.New(slog.NewTextHandler(env.Stderr, opts))
	case "json":
		env.Log = slog.New(slog.NewJSONHandler(env.Stderr, opts))
	default:
		return fmt.Errorf("%w: --log-format %q: want text or json", ErrUsage, c.LogFormat)
	}
	return startProfiles(env, c)
}

// startProfiles starts the CPU profile and arranges for both profiles to
// be written when the command returns.
func startProfiles(env *Env, c *Common) error {
	if c.CPUProfile == "" && c.MemProfile == "" {
		return nil
	}
	var cpu *os.File
	if c.CPUProfile != "" {
		f, err := os.Create(c.CPUProfile)
		if err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		cpu = f
	}
	env.stopProfile = func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if c.MemProfile != "" {
			f, err := os.Create(c.MemProfile)
			if err == nil {
				runtime.GC() // up-to-date statistics of what is live
				err = errors.Join(pprof.WriteHeapProfile(f), f.Close())
			}
			if err != nil {
				env.Log.Error("write heap profile", "file", c.MemProfile, "err", err)
			}
		}
	}
	return nil
}

// loadConfig loads the configuration named by the common flags and applies
// --out on top of it.
func (c *Common) loadConfig() (*config.Config, error) {
	cfg, err := config.Load(c.ConfigFile)
	if err != nil {
		return nil, err
	}
	if c.OutDir != "" {
		cfg.SetOutputDir(c.OutDir)
	}
	return cfg, nil
}

// nowFunc is the clock of update and schedule (tests replace it).
var nowFunc = func() time.Time { return time.Now().UTC() }
