package shard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testManifest(t *testing.T) *Manifest {
	dir := t.TempDir()
	m := &Manifest{Binary: "/opt/carbon budget/bin/carbonbudget", OutputDir: "/srv/out", Dir: dir}
	compute := Step{Name: "compute", MemMB: 3072, Minutes: 30}
	for i, mo := range []string{"2024-10", "2024-11", "2024-12"} {
		compute.Tasks = append(compute.Tasks, Task{Index: i, Label: mo, Done: filepath.Join(dir, "shards", mo, "result.json"),
			Args: []string{"compute", "--month", mo}})
	}
	finalize := Step{Name: "finalize", After: "compute", MemMB: 2048, Minutes: 30,
		Tasks: []Task{{Label: "2024-10..2024-12", Done: filepath.Join(dir, "finalize.done"), Args: []string{"finalize"}}}}
	m.Steps = []Step{compute, finalize}
	return m
}

// TestScript: an array over every task (or the given ones), the step's
// memory and time, the log per task, the partition, and a binary path
// with a space quoted for the shell; a single task is not an array.
func TestScript(t *testing.T) {
	m := testManifest(t)
	c, _ := m.Step("compute")
	s := m.Script(c, nil, SlurmOptions{Partition: "short"})
	for _, want := range []string{"#SBATCH --array=0-2\n", "#SBATCH --mem=3072M\n", "#SBATCH --time=30\n", "#SBATCH --partition=short\n",
		"logs/compute-%a.log", `exec '/opt/carbon budget/bin/carbonbudget' shard-task --dir '` + m.Dir + `' --step compute --index "${SLURM_ARRAY_TASK_ID:-0}"`} {
		if !strings.Contains(s, want) {
			t.Errorf("compute script lacks %q:\n%s", want, s)
		}
	}
	if s := m.Script(c, []int{2, 0}, SlurmOptions{}); !strings.Contains(s, "#SBATCH --array=2,0\n") || strings.Contains(s, "--partition") {
		t.Errorf("resume script:\n%s", s)
	}
	f, _ := m.Step("finalize")
	if s := m.Script(f, nil, SlurmOptions{}); strings.Contains(s, "--array") || !strings.Contains(s, "logs/finalize.log") {
		t.Errorf("finalize script:\n%s", s)
	}
}

// TestManifestRoundTripAndMissing: a written manifest reads back, and
// Missing lists the tasks whose done mark is absent.
func TestManifestRoundTripAndMissing(t *testing.T) {
	m := testManifest(t)
	if err := m.Write(); err != nil {
		t.Fatal(err)
	}
	got, err := Read(m.Dir)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := got.Step("compute")
	if !ok || len(c.Tasks) != 3 || got.Binary != m.Binary {
		t.Fatalf("read back %+v", got)
	}
	done := c.Tasks[1].Done
	os.MkdirAll(filepath.Dir(done), 0o755)
	os.WriteFile(done, []byte("{}"), 0o644)
	var labels []string
	for _, t := range c.Missing() {
		labels = append(labels, t.Label)
	}
	if strings.Join(labels, ",") != "2024-10,2024-12" {
		t.Errorf("missing tasks %v, want 2024-10 and 2024-12", labels)
	}
}
