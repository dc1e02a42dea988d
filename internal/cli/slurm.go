package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/crashpoint"
	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/pipeline"
	"github.com/carbonbudget/carbonbudget/land"
	"github.com/carbonbudget/carbonbudget/scheduler/shard"
)

// slurmDir is where a submission keeps its manifest, scripts, results
// and logs: under the output directory, which every node sees.
func slurmDir(cfg *config.Config) string { return filepath.Join(cfg.OutputDir, ".slurm") }

func runSlurm(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: slurm submit|status|resume; try 'carbonbudget slurm submit --help'", ErrUsage)
	}
	switch args[0] {
	case "submit":
		return slurmSubmit(ctx, env, args[1:])
	case "status", "resume":
		return slurmFollowUp(ctx, env, args[0], args[1:])
	}
	return fmt.Errorf("%w: slurm %s: want submit, status or resume", ErrUsage, args[0])
}

// taskMemMB is a compute task's memory: measured peaks were 1.4 GiB for a
// 0.25° month and under 0.5 GiB at 1°, with headroom.
func taskMemMB(res float64) int {
	switch {
	case res <= 0.25:
		return 3072
	case res <= 0.5:
		return 2048
	}
	return 1024
}

// trainMemMB is a training task's memory: one member's rows (at most a
// million) and the cubes of its training years in the store's cache.
func trainMemMB(res float64) int {
	switch {
	case res <= 0.25:
		return 6144
	case res <= 0.5:
		return 4096
	}
	return 3072
}

// trainReason says why a submission must train the members first ("" :
// it need not): none trained yet, trained by an earlier version, a new
// year of model output (pipeline.Stale), or --retrain.
func trainReason(ctx context.Context, env *Env, cfg *config.Config, retrain bool) (string, error) {
	if retrain {
		return "--retrain", nil
	}
	ms, err := pipeline.LoadMembers(cfg.ModelsDir)
	if pipeline.NeedsTraining(err) {
		return err.Error(), nil
	}
	if err != nil {
		return "", err
	}
	defer ms.Close()
	b, _, err := newBuilder(cfg, env)
	if err != nil {
		return "", err
	}
	return pipeline.Stale(ctx, b, ms)
}

func slurmSubmit(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "slurm submit", "slurm submit --from YYYY-MM --to YYYY-MM [--partition P] [--account A] [--time MIN] [--mem MB] [--train-time MIN] [--train-mem MB] [--retrain] [--bin PATH] [--dry-run] [--config FILE] [--out DIR]", true)
	months := monthFlags(fs.String)
	partition := fs.String("partition", "", "Slurm partition")
	account := fs.String("account", "", "Slurm account")
	minutes := fs.Int("time", 30, "time limit of each task, minutes")
	mem := fs.Int("mem", 0, "memory of each ingest and compute task, MB (default from the grid)")
	trainMinutes := fs.Int("train-time", 120, "time limit of each training task, minutes")
	trainMem := fs.Int("train-mem", 0, "memory of each training task, MB (default from the grid)")
	retrain := fs.Bool("retrain", false, "train every member first, even when the trained ones are current")
	dryRun := fs.Bool("dry-run", false, "write and print the scripts, submit nothing")
	binFlag := fs.String("bin", "", "the command the tasks run as carbonbudget, e.g. a script that runs it in an Apptainer image (default: this binary)")
	list, cfg, err := parseMonths(fs, c, env, args, months)
	if err != nil {
		return err
	}
	why, err := trainReason(ctx, env, cfg, *retrain)
	if err != nil {
		return err
	}
	bin := *binFlag
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			return err
		}
	}
	dir := filepath.Join(slurmDir(cfg), time.Now().UTC().Format("20060102T150405Z"))
	m := &shard.Manifest{Binary: bin, Config: cfg.File, OutputDir: cfg.OutputDir, Dir: dir}
	common := []string{"--out", cfg.OutputDir}
	if cfg.File != "" {
		common = append(common, "--config", cfg.File)
	}
	// ingest: every month the computes read (the land stage reads the
	// three before each), and the training years when the members are
	// trained, into the shared cube cache, once each, so that tasks never
	// build the same cube at once.
	firstIngest := list[0].Add(-land.LagMonths)
	if tf := (grid.Month{Year: cfg.TrainFromYear(), Month: 1}); why != "" && tf.Before(firstIngest) {
		firstIngest = tf
	}
	ingest := shard.Step{Name: "ingest", MemMB: positiveOr(*mem, taskMemMB(cfg.ResolutionDeg)), Minutes: *minutes}
	for i, mo := range grid.Range(firstIngest, list[len(list)-1]) {
		ingest.Tasks = append(ingest.Tasks, shard.Task{Index: i, Label: mo.String(), Done: filepath.Join(dir, "ingested", mo.String()),
			Args: append([]string{"ingest", "--month", mo.String()}, common...)})
	}
	m.Steps = []shard.Step{ingest}
	if why != "" {
		// train: one task per member, each into its own directory (no
		// lock), then gather joins them into the models directory under
		// the lock.
		fmt.Fprintf(env.Stdout, "training the members first: %s\n", why)
		train := shard.Step{Name: "train", After: "ingest", MemMB: positiveOr(*trainMem, trainMemMB(cfg.ResolutionDeg)), Minutes: *trainMinutes}
		for i, r := range pipeline.MemberRefs(configGOBMs(cfg), configDGVMs(cfg)) {
			into := filepath.Join(dir, "train", r.Name)
			train.Tasks = append(train.Tasks, shard.Task{Index: i, Label: r.Name, Done: filepath.Join(into, r.Component, emulator.ManifestFile),
				Args: append([]string{"train", "--member", r.Name, "--into", into}, common...)})
		}
		gather := shard.Step{Name: "gather", After: "train", MemMB: 1024, Minutes: *minutes, Tasks: []shard.Task{{
			Label: "members", Done: filepath.Join(dir, "gather.done"),
			Args: append([]string{"train", "--gather", filepath.Join(dir, "train"), "--wait"}, common...)}}}
		m.Steps = append(m.Steps, train, gather)
	}
	compute := shard.Step{Name: "compute", After: m.Steps[len(m.Steps)-1].Name, MemMB: positiveOr(*mem, taskMemMB(cfg.ResolutionDeg)), Minutes: *minutes}
	for i, mo := range list {
		into := filepath.Join(dir, "shards", mo.String())
		compute.Tasks = append(compute.Tasks, shard.Task{Index: i, Label: mo.String(), Done: filepath.Join(into, shardResult),
			Args: append([]string{"compute", "--month", mo.String(), "--into", into}, common...)})
	}
	finalize := shard.Step{Name: "finalize", After: "compute", MemMB: 2048, Minutes: *minutes, Tasks: []shard.Task{{
		Label: list[0].String() + ".." + list[len(list)-1].String(), Done: filepath.Join(dir, "finalize.done"),
		Args: append([]string{"finalize", "--from", list[0].String(), "--to", list[len(list)-1].String(),
			"--shards", filepath.Join(dir, "shards"), "--wait"}, common...)}}}
	m.Steps = append(m.Steps, compute, finalize)
	if err := m.Write(); err != nil {
		return err
	}
	opt := shard.SlurmOptions{Partition: *partition, Account: *account}
	if *dryRun {
		for i := range m.Steps {
			fmt.Fprintf(env.Stdout, "# %s.sbatch\n%s\n", m.Steps[i].Name, m.Script(&m.Steps[i], nil, opt))
		}
		fmt.Fprintf(env.Stdout, "# manifest: %s\n", shard.Path(dir))
		return nil
	}
	return submitSteps(ctx, env, m, opt, nil)
}

// submitSteps submits the steps in order, each after the one before
// (afterok), only the tasks in todo[step] when todo is set (a resume:
// a step with none left is skipped), and records the job ids in the
// run's directory.
func submitSteps(ctx context.Context, env *Env, m *shard.Manifest, opt shard.SlurmOptions, todo map[string][]int) error {
	var ids []string
	after := ""
	for i := range m.Steps {
		s := &m.Steps[i]
		var indices []int
		if todo != nil {
			indices = todo[s.Name]
			if len(indices) == 0 {
				continue
			}
			if len(s.Tasks) == 1 {
				indices = nil // a single task is not an array
			}
		}
		id, err := sbatch(ctx, m, s.Name, m.Script(s, indices, opt), after)
		if err != nil {
			return err
		}
		ids, after = append(ids, id), id
	}
	if err := os.WriteFile(filepath.Join(m.Dir, "jobs"), []byte(strings.Join(ids, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "submitted %s: jobs %s (follow with 'carbonbudget slurm status --dir %s')\n", m.Dir, strings.Join(ids, ", "), m.Dir)
	return nil
}

// sbatch writes script as <step>.sbatch in the run's directory and submits
// it, after job afterID when set, returning the job id.
func sbatch(ctx context.Context, m *shard.Manifest, step, script, afterID string) (string, error) {
	path := filepath.Join(m.Dir, step+".sbatch")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		return "", err
	}
	args := []string{"--parsable"}
	if afterID != "" {
		args = append(args, "--dependency=afterok:"+afterID, "--kill-on-invalid-dep=yes")
	}
	out, err := exec.CommandContext(ctx, "sbatch", append(args, path)...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("sbatch %s: %w: %s", path, err, strings.TrimSpace(string(out)))
	}
	id, _, _ := strings.Cut(strings.TrimSpace(string(out)), ";") // "jobid;cluster"
	return id, nil
}

// slurmFollowUp is 'slurm status' and 'slurm resume' on the newest
// submission (or --dir).
func slurmFollowUp(ctx context.Context, env *Env, verb string, args []string) error {
	fs, c := newFlagSet(env, "slurm "+verb, "slurm "+verb+" [--dir DIR] [--partition P] [--account A] [--config FILE] [--out DIR]", true)
	dir := fs.String("dir", "", "the submission's directory (default: the newest under the output directory's .slurm)")
	partition := fs.String("partition", "", "Slurm partition (resume)")
	account := fs.String("account", "", "Slurm account (resume)")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	if *dir == "" {
		runs, _ := filepath.Glob(filepath.Join(slurmDir(cfg), "*", "shards.json"))
		if len(runs) == 0 {
			return fmt.Errorf("no Slurm submission under %s", slurmDir(cfg))
		}
		slices.Sort(runs)
		*dir = filepath.Dir(runs[len(runs)-1])
	}
	m, err := shard.Read(*dir)
	if err != nil {
		return err
	}
	queued := queuedJobs(ctx, *dir)
	for _, s := range m.Steps {
		for _, t := range s.Tasks {
			state := "done"
			if _, err := os.Stat(t.Done); err != nil {
				state = "not done"
				if len(queued) > 0 {
					state = "queued or running (" + strings.Join(queued, " ") + ")"
				}
				log := filepath.Join(m.Dir, "logs", fmt.Sprintf("%s-%d.log", s.Name, t.Index))
				if len(s.Tasks) == 1 {
					log = filepath.Join(m.Dir, "logs", s.Name+".log")
				}
				if _, err := os.Stat(log); err == nil && len(queued) == 0 {
					state = "failed: see " + log
				}
			}
			fmt.Fprintf(env.Stdout, "%-8s %-3d %-17s %s\n", s.Name, t.Index, t.Label, state)
		}
	}
	if verb == "status" {
		return nil
	}
	if len(queued) > 0 {
		// A finalize waiting on a failed array never runs: cancel this
		// submission's jobs before submitting again.
		if out, err := exec.CommandContext(ctx, "scancel", queued...).CombinedOutput(); err != nil {
			return fmt.Errorf("scancel %v: %w: %s", queued, err, out)
		}
	}
	todo := map[string][]int{}
	for _, st := range m.Steps {
		for _, t := range st.Missing() {
			todo[st.Name] = append(todo[st.Name], t.Index)
		}
	}
	if len(todo) == 0 {
		fmt.Fprintln(env.Stdout, "nothing to resume: every task is done")
		return nil
	}
	return submitSteps(ctx, env, m, shard.SlurmOptions{Partition: *partition, Account: *account}, todo)
}

// queuedJobs are the job ids of the submission in dir that squeue still
// lists (pending or running).
func queuedJobs(ctx context.Context, dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, "jobs"))
	if err != nil {
		return nil
	}
	ids := strings.Fields(string(b))
	out, err := exec.CommandContext(ctx, "squeue", "-h", "-o", "%F", "-j", strings.Join(ids, ",")).Output()
	if err != nil {
		return nil // squeue errors on ids it has forgotten: none queued
	}
	var q []string
	for _, f := range strings.Fields(string(out)) {
		if !slices.Contains(q, f) {
			q = append(q, f)
		}
	}
	return q
}

// runShardTask runs task --index of step --step of the manifest in --dir:
// what a Slurm array task executes. It marks the task done when it
// succeeds, unless the task's own output is its mark.
func runShardTask(ctx context.Context, env *Env, args []string) error {
	fs, _ := newFlagSet(env, "shard-task", "shard-task --dir DIR --step NAME --index N", false)
	dir := fs.String("dir", "", "the submission's directory")
	step := fs.String("step", "", "the step")
	index := fs.Int("index", 0, "the task's index in the step")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	m, err := shard.Read(*dir)
	if err != nil {
		return err
	}
	s, ok := m.Step(*step)
	if !ok || *index < 0 || *index >= len(s.Tasks) {
		return fmt.Errorf("%w: shard-task: no task %d of step %q in %s", ErrUsage, *index, *step, *dir)
	}
	t := s.Tasks[*index]
	cmd, ok := commands[t.Args[0]]
	if !ok {
		return fmt.Errorf("shard-task: unknown command %q", t.Args[0])
	}
	if err := cmd.run(ctx, env, t.Args[1:]); err != nil {
		return err
	}
	crashpoint.At("shard-task: " + *step + " " + strconv.Itoa(*index) + " done")
	if _, err := os.Stat(t.Done); err == nil {
		return nil // the task's own output is its mark (compute's result.json, train's members.json)
	}
	if err := os.MkdirAll(filepath.Dir(t.Done), 0o755); err != nil {
		return err
	}
	return os.WriteFile(t.Done, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
}

func positiveOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func init() {
	// Registered here: a task runs another command from the table, which
	// the table's own initialisation cannot refer to.
	commands["shard-task"] = command{"(run by Slurm) one task of a submission's manifest", runShardTask}
}
