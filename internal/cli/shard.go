package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/carbonbudget/carbonbudget/internal/crashpoint"
	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/scheduler"
)

// A month computed as a unit of work on its own (a Slurm array task, say)
// is a directory: files/, laid out as under the output directory, and
// result.json, what the ledger records for it. compute writes one without
// taking the output directory's lock or opening the ledger, so tasks can
// run at once on a shared filesystem; finalize publishes them in order
// under the lock. A rerun task replaces its directory whole with the same
// bytes (the month's files are byte-identical on reruns).
const (
	shardFiles  = "files"
	shardResult = "result.json"
)

// shardResultJSON is a computed month's ledger record.
type shardResultJSON struct {
	Month       string   `json:"month"`
	InputHash   string   `json:"input_hash"`
	Provisional []string `json:"provisional_sources"`
}

func runCompute(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "compute", "compute --month YYYY-MM --into DIR [--config FILE] [--out DIR]", true)
	month := fs.String("month", "", "the month to compute, YYYY-MM")
	into := fs.String("into", "", "directory to write the computed month into (replaced whole)")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	m, err := grid.ParseMonth(*month)
	if err != nil || *into == "" {
		return fmt.Errorf("%w: compute needs --month YYYY-MM and --into DIR", ErrUsage)
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	a, err := wire(ctx, env, cfg, false)
	if err != nil {
		return err
	}
	defer a.close()
	return durable.WriteDir(*into, func(tmp string) error {
		files := filepath.Join(tmp, shardFiles)
		if err := os.Mkdir(files, 0o755); err != nil {
			return err
		}
		res, err := a.runner.Compute(ctx, m, files, func(string) {})
		if err != nil {
			return err
		}
		if err := writeJSONFile(filepath.Join(tmp, shardResult), shardResultJSON{Month: m.String(), InputHash: res.CubeKey, Provisional: res.Provisional}); err != nil {
			return err
		}
		crashpoint.At("compute: staged " + m.String()) // killed here, the task leaves nothing at --into
		return nil
	})
}

func runFinalize(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "finalize", "finalize --from YYYY-MM --to YYYY-MM --shards DIR [--wait] [--config FILE] [--out DIR]", true)
	shards := fs.String("shards", "", "directory holding one computed month per YYYY-MM subdirectory (compute --into)")
	wait := fs.Bool("wait", false, "wait for another run holding the output directory instead of exiting")
	months := monthFlags(fs.String)
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	list, err := months()
	if err != nil {
		return err
	}
	if *shards == "" {
		return fmt.Errorf("%w: finalize needs --shards DIR", ErrUsage)
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	// Every month's shard must be there before anything is published.
	for _, m := range list {
		if _, err := readShardResult(*shards, m); err != nil {
			return err
		}
	}
	a, err := openApp(ctx, env, cfg, appOptions{command: "finalize", wait: *wait})
	if err != nil {
		return err
	}
	defer a.close()
	u := updater(env, a, "finalize")
	u.Compute = func(ctx context.Context, j scheduler.MonthJob) (scheduler.MonthResult, error) {
		r, err := readShardResult(*shards, j.Month)
		if err != nil {
			return scheduler.MonthResult{}, err
		}
		if err := copyTree(filepath.Join(*shards, j.Month.String(), shardFiles), j.StagingDir); err != nil {
			return scheduler.MonthResult{}, fmt.Errorf("shard %s: %w", j.Month, err)
		}
		// The task's report could not show the months published since.
		if err := a.runner.RestageReport(ctx, j.Month, j.StagingDir); err != nil {
			return scheduler.MonthResult{}, err
		}
		return scheduler.MonthResult{InputHash: r.InputHash, MissingLate: r.Provisional}, nil
	}
	sum, err := u.RunMonths(ctx, list)
	return finish(env, a, sum, err)
}

// readShardResult reads month m's result.json under dir.
func readShardResult(dir string, m grid.Month) (shardResultJSON, error) {
	var r shardResultJSON
	p := filepath.Join(dir, m.String(), shardResult)
	b, err := os.ReadFile(p)
	if err != nil {
		return r, fmt.Errorf("shard of %s: %w (run 'carbonbudget compute --month %s --into %s')", m, err, m, filepath.Join(dir, m.String()))
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Month != m.String() {
		return r, fmt.Errorf("shard of %s: %s is not its result (%v)", m, p, err)
	}
	return r, nil
}

func writeJSONFile(path string, v any) error {
	return durable.WriteFile(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(v)
	})
}

// copyTree copies the regular files under src into dst, keeping their
// relative paths.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		_, err = io.Copy(out, in)
		return errors.Join(err, out.Close())
	})
}
