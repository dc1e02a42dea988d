package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/release"
	"github.com/carbonbudget/carbonbudget/scheduler/lock"
)

// runRelease freezes the published state as a release, lists the
// releases or verifies one.
func runRelease(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "release", "release [--name NAME] | release --list [--json] | release --verify ID", true)
	name := fs.String("name", "", "a name for the release (e.g. 2024-12-update); the id is the content's hash")
	list := fs.Bool("list", false, "list the releases, oldest first")
	verify := fs.String("verify", "", "rehash every file of release ID (or 'latest') against its list")
	asJSON := fs.Bool("json", false, "print the release (or the list) as JSON")
	wait := fs.Bool("wait", false, "wait for a running update to finish instead of failing")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	out := cfg.OutputDir
	switch {
	case *list:
		return listReleases(env, out, *asJSON)
	case *verify != "":
		return verifyRelease(env, out, *verify)
	}
	// The lock keeps an update from publishing while the state is frozen.
	lk, err := lock.Acquire(ctx, out, *wait)
	if err != nil {
		return err
	}
	defer lk.Release()
	r, existed, err := release.Create(out, release.Options{Name: *name, CodeVersion: Version})
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env, r)
	}
	if existed {
		fmt.Fprintf(env.Stdout, "nothing changed since release %s (%s): no new release\n", r.ID, r.Created)
		return nil
	}
	fmt.Fprintf(env.Stdout, "release %s", r.ID)
	if r.Name != "" {
		fmt.Fprintf(env.Stdout, " (%s)", r.Name)
	}
	fmt.Fprintf(env.Stdout, ": %d months (%s to %s), %d files, %d checks passed\n  tree: %s\n  STAC: %s\n",
		len(r.Months), r.Months[0], r.Months[len(r.Months)-1], len(r.Files), len(r.Checks),
		release.TreeDir(out, r.ID), filepath.Join(release.TreeDir(out, r.ID), release.CollectionFile))
	if r.Changelog != nil {
		fmt.Fprintf(env.Stdout, "changes since %s (%s):\n", r.Changelog.From, r.Changelog.Kind)
		for _, s := range r.Changelog.Summary {
			fmt.Fprintf(env.Stdout, "  %s\n", s)
		}
	}
	return nil
}

// listReleases prints the releases of out, oldest first.
func listReleases(env *Env, out string, asJSON bool) error {
	rels, err := release.List(out)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(env, release.Summaries(rels))
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tCREATED\tMONTHS\tCHANGE")
	for _, r := range rels {
		s := release.Summarise(r)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s..%s\t%s\n", r.ID, r.Name, r.Created, s.FirstMonth, s.LastMonth, s.Kind)
	}
	return tw.Flush()
}

// verifyRelease rehashes release ref of out.
func verifyRelease(env *Env, out, ref string) error {
	r, err := release.Resolve(out, ref)
	if err != nil {
		return err
	}
	if err := release.Verify(out, r.ID); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "release %s: %d files verified\n", r.ID, len(r.Files))
	return nil
}

func printJSON(env *Env, v any) error {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", " ")
	return enc.Encode(v)
}

// runDiff compares two releases or two output directories.
func runDiff(_ context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "diff", "diff [--format text|json|csv] A B (releases of --out: id, name or 'latest'; or output directories)", true)
	format := fs.String("format", "text", "output: text, json or csv")
	limit := fs.Int("limit", 30, "text output: show the largest N changes (0: all)")
	pos, err := parseInterspersed(fs, c, env, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("%w: diff needs two releases or output directories, e.g. 'carbonbudget diff latest /tmp/rerun'", ErrUsage)
	}
	var out string
	dirs := make([]string, 2)
	for i, ref := range pos {
		if isLake(ref) {
			dirs[i] = ref
			continue
		}
		if out == "" {
			cfg, err := c.loadConfig()
			if err != nil {
				return err
			}
			out = cfg.OutputDir
		}
		r, err := release.Resolve(out, ref)
		if err != nil {
			return err
		}
		dirs[i] = release.TreeDir(out, r.ID)
	}
	d, err := release.Compare(dirs[0], dirs[1])
	if err != nil {
		return err
	}
	d.From, d.To = pos[0], pos[1]
	switch *format {
	case "text":
		return d.WriteText(env.Stdout, *limit)
	case "json":
		return d.WriteJSON(env.Stdout)
	case "csv":
		return d.WriteCSV(env.Stdout)
	}
	return fmt.Errorf("%w: --format %q: want text, json or csv", ErrUsage, *format)
}

// parseInterspersed parses flags given before, between or after the
// positional arguments, and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, c *Common, env *Env, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parse(fs, c, env, args, true); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// isLake reports whether path is a directory that publishes months.
func isLake(path string) bool {
	fi, err := os.Stat(filepath.Join(path, lake.MonthsDir))
	return err == nil && fi.IsDir() && !errors.Is(err, fs.ErrNotExist) && !strings.HasPrefix(path, "-")
}
