package main

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestTrainMembersAsTasksMatchesTrain: every member trained as a unit of
// work of its own (train --member --into: no lock), then joined by train
// --gather, gives the models directory a single train gives, byte for
// byte but for the cards' timings; a rerun task writes the same bytes; gather refuses tasks that
// disagree on what they share.
func TestTrainMembersAsTasksMatchesTrain(t *testing.T) {
	fixture(t)
	ctx := context.Background()
	dir := t.TempDir()
	models, tasks, out := filepath.Join(dir, "models"), filepath.Join(dir, "tasks"), filepath.Join(dir, "out")
	cfg, err := writeConfig(filepath.Join(dir, "train.yaml"), fix.world, models, "2020-01")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, comp := range []string{"ocean", "land"} {
		var man struct{ Members []struct{ Name string } }
		b, err := os.ReadFile(filepath.Join(fix.models, comp, "members.json"))
		if err != nil || json.Unmarshal(b, &man) != nil {
			t.Fatalf("fixture's %s members: %v", comp, err)
		}
		for _, m := range man.Members {
			names = append(names, m.Name)
		}
	}
	if len(names) != 3 {
		t.Fatalf("fixture members %v, want a GOBM, the reconstruction and a DGVM", names)
	}
	for _, name := range names {
		if _, err := carbonbudget(ctx, "train", "--member", name, "--into", filepath.Join(tasks, name), "--config", cfg, "--out", out); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(models); err == nil {
		t.Fatal("a member task wrote into the models directory")
	}
	first := tree(t, filepath.Join(tasks, names[2]))
	if _, err := carbonbudget(ctx, "train", "--member", names[2], "--into", filepath.Join(tasks, names[2]), "--config", cfg, "--out", out); err != nil {
		t.Fatal(err)
	}
	if again := tree(t, filepath.Join(tasks, names[2])); !sameTree(first, again) {
		t.Errorf("the rerun task %s wrote other bytes", names[2])
	}
	if _, err := carbonbudget(ctx, "train", "--gather", tasks, "--config", cfg, "--out", out); err != nil {
		t.Fatal(err)
	}
	want, got := tree(t, fix.models), tree(t, models)
	if !sameTree(want, got) {
		for name := range want {
			if !bytes.Equal(want[name], got[name]) {
				t.Errorf("%s differs between train and gathered member tasks", name)
			}
		}
		t.Errorf("files: train %d, gathered %d", len(want), len(got))
	}

	// A task that fixed another transfer coefficient (other inputs, say)
	// cannot be joined with the rest.
	p := filepath.Join(tasks, names[1], "ocean", "members.json")
	b, _ := os.ReadFile(p)
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), `"transfer_coeff_cm_per_hour_per_m2_s-2": 0.`, `"transfer_coeff_cm_per_hour_per_m2_s-2": 9.`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := carbonbudget(ctx, "train", "--gather", tasks, "--config", cfg, "--out", out); err == nil || !strings.Contains(err.Error(), "disagrees") {
		t.Errorf("gather of tasks with two transfer coefficients: %v, want a refusal", err)
	}
}

// timing matches a card's training time and seconds, the only bytes of a
// model directory that differ between two trainings of the same member.
var timing = regexp.MustCompile(`"(training_seconds|total_seconds|trained_at)": ("[^"]*"|[0-9.e+-]+)`)

// tree reads the files under root (see published), with the cards'
// timings blanked.
func tree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := published(t, root)
	for name, b := range files {
		if strings.HasSuffix(name, ".card.json") {
			files[name] = timing.ReplaceAll(b, []byte(`"${1}": 0`))
		}
	}
	return files
}

func sameTree(a, b map[string][]byte) bool { return maps.EqualFunc(a, b, bytes.Equal) }
