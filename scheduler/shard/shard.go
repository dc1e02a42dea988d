// Package shard describes a run as a DAG of independent units of work, in
// a manifest any engine can execute, and translates it for Slurm.
//
// A manifest (shards.json) lists steps; each step is an array of tasks,
// each task one carbonbudget subcommand with its arguments, the outputs it
// writes, and the memory and time it needs. A task never takes the output
// directory's lock or opens the ledger: it writes its result atomically to
// its own path (compute --into), so it can run on any node of a shared
// filesystem and be rerun (requeue, preemption) without disturbing a
// finished sibling. The last step, finalize, is one task that publishes
// under the lock.
//
// The Slurm backend writes one batch script per step: a job array whose
// task SLURM_ARRAY_TASK_ID runs the manifest entry of that index, chained
// to the step before with --dependency=afterok. A Kubernetes Indexed Job
// would do the same with JOB_COMPLETION_INDEX (docs/scale-out.md).
package shard

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/durable"
)

// Manifest is a run's DAG of work.
type Manifest struct {
	// Binary is the carbonbudget executable every task runs; Config and
	// OutputDir the configuration and output directory it is given.
	Binary    string `json:"binary"`
	Config    string `json:"config,omitempty"`
	OutputDir string `json:"output_dir"`
	// Dir holds the manifest, the scripts, the task results and the logs.
	Dir   string `json:"dir"`
	Steps []Step `json:"steps"`
}

// Step is an array of tasks that may run at once.
type Step struct {
	Name  string `json:"name"`  // compute, finalize
	After string `json:"after"` // the step that must succeed first ("" : none)
	Tasks []Task `json:"tasks"`
	// MemMB and Minutes are what each task may use.
	MemMB   int `json:"mem_mb"`
	Minutes int `json:"minutes"`
}

// Task is one unit of work: a carbonbudget subcommand.
type Task struct {
	Index int      `json:"index"`
	Args  []string `json:"args"`  // after the binary
	Done  string   `json:"done"`  // a file that exists once the task succeeded
	Label string   `json:"label"` // a month, say
}

// Path of the manifest in dir.
func Path(dir string) string { return filepath.Join(dir, "shards.json") }

// Write writes m to Path(m.Dir), atomically.
func (m *Manifest) Write() error {
	if err := os.MkdirAll(filepath.Join(m.Dir, "logs"), 0o755); err != nil {
		return err
	}
	return durable.WriteFile(Path(m.Dir), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(m)
	})
}

// Read reads the manifest in dir.
func Read(dir string) (*Manifest, error) {
	b, err := os.ReadFile(Path(dir))
	if err != nil {
		return nil, fmt.Errorf("shard manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("shard manifest %s: %w", Path(dir), err)
	}
	return &m, nil
}

// Step returns the step named name.
func (m *Manifest) Step(name string) (*Step, bool) {
	for i := range m.Steps {
		if m.Steps[i].Name == name {
			return &m.Steps[i], true
		}
	}
	return nil, false
}

// Missing are the tasks of s whose Done file does not exist.
func (s *Step) Missing() []Task {
	var out []Task
	for _, t := range s.Tasks {
		if _, err := os.Stat(t.Done); err != nil {
			out = append(out, t)
		}
	}
	return out
}

// SlurmOptions are the sbatch settings of every script.
type SlurmOptions struct {
	Partition, Account string
}

// Script is step s as a Slurm batch script running the tasks with the
// given indices as a job array (all of them when indices is nil). A task
// picks its arguments from the manifest by SLURM_ARRAY_TASK_ID, through
// 'carbonbudget shard-task', so the script holds no per-task data.
func (m *Manifest) Script(s *Step, indices []int, opt SlurmOptions) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	fmt.Fprintf(&b, "#SBATCH --job-name=carbonbudget-%s\n", s.Name)
	if len(s.Tasks) > 1 || indices != nil {
		if indices == nil {
			fmt.Fprintf(&b, "#SBATCH --array=0-%d\n", len(s.Tasks)-1)
		} else {
			parts := make([]string, len(indices))
			for i, x := range indices {
				parts[i] = fmt.Sprint(x)
			}
			fmt.Fprintf(&b, "#SBATCH --array=%s\n", strings.Join(parts, ","))
		}
		fmt.Fprintf(&b, "#SBATCH --output=%s\n", filepath.Join(m.Dir, "logs", s.Name+"-%a.log"))
	} else {
		fmt.Fprintf(&b, "#SBATCH --output=%s\n", filepath.Join(m.Dir, "logs", s.Name+".log"))
	}
	fmt.Fprintf(&b, "#SBATCH --mem=%dM\n#SBATCH --time=%d\n#SBATCH --cpus-per-task=1\n", s.MemMB, s.Minutes)
	if opt.Partition != "" {
		fmt.Fprintf(&b, "#SBATCH --partition=%s\n", opt.Partition)
	}
	if opt.Account != "" {
		fmt.Fprintf(&b, "#SBATCH --account=%s\n", opt.Account)
	}
	b.WriteString("set -eu\n")
	fmt.Fprintf(&b, "exec %s shard-task --dir %s --step %s --index \"${SLURM_ARRAY_TASK_ID:-0}\"\n", shellQuote(m.Binary), shellQuote(m.Dir), s.Name)
	return b.String()
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
