package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/release"
	"github.com/carbonbudget/carbonbudget/internal/twin"
)

// The months the release test publishes: NOAA's revision moves the
// record's last month (2022-12), so November's G_ATM (a central
// difference of October and December) changes and October's does not.
const relFrom, relTo = "2022-10", "2022-11"

// TestReleaseDiffNamesTheRevisedNOAAFile is the scenario with the
// real binary: publish, release, rerun unchanged (no new release, empty
// diff), rerun on NOAA's revised record and release again: the diff names
// the NOAA file and its vintages as the cause, and G_ATM and B_IM of
// November as the only changes. Then a build with another code version
// reruns the months, and so does a retrained ocean emulator: method
// changes, naming the code version and the model.
func TestReleaseDiffNamesTheRevisedNOAAFile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the pipeline three times")
	}
	fixture(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	runMonths := func(bin, config, out string) {
		t.Helper()
		args := []string{"run", "--from", relFrom, "--to", relTo, "--config", config, "--out", out}
		if bin == "" {
			if _, err := carbonbudget(context.Background(), args...); err != nil {
				t.Fatal(err)
			}
			return
		}
		if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s run: %v\n%s", bin, err, tail(string(b), 2000))
		}
	}
	cb := func(args ...string) string {
		t.Helper()
		s, err := carbonbudget(context.Background(), append(args, "--config", fix.config, "--out", out)...)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	runMonths("", fix.config, out)
	first := releaseJSON(t, cb("release", "--name", "first", "--json"))
	if len(first.Months) != 2 || len(release.Failed(first.Checks)) != 0 {
		t.Fatalf("first release: months %v, checks %+v", first.Months, first.Checks)
	}

	// Rerun with nothing changed: the same bytes, so the same release,
	// except for the projection of the year, stamped with the time it was
	// made: then a release whose changelog names those files only.
	runMonths("", fix.config, out)
	rerun := releaseJSON(t, cb("release", "--name", "rerun", "--json"))
	if rerun.ID != first.ID {
		c := rerun.Changelog
		for _, f := range append(append(c.FilesChanged, c.FilesAdded...), c.FilesRemoved...) {
			if !strings.HasPrefix(f, "projection.") {
				t.Errorf("an unchanged rerun changed %s", f)
			}
		}
		if c.Kind != "none" || len(c.Largest) != 0 {
			t.Errorf("an unchanged rerun's changelog: %+v", c)
		}
	}
	if d := diffJSON(t, cb("diff", "first", out, "--format", "json")); d.Kind != "none" || len(d.Changes) != 0 {
		t.Errorf("unchanged rerun: diff kind %q with %d changes, want an empty diff", d.Kind, len(d.Changes))
	}

	// NOAA reissues its record with the last month revised.
	world2 := filepath.Join(dir, "world2")
	reviseWorld(t, fix.world, world2)
	config2, err := writeConfig(filepath.Join(dir, "revised.yaml"), world2, fix.models, firstMonth)
	if err != nil {
		t.Fatal(err)
	}
	runMonths("", config2, out)
	second := releaseJSON(t, cb("release", "--name", "second", "--json"))
	if second.ID == first.ID || second.Previous != rerun.ID || second.Changelog == nil || second.Changelog.Kind != "data" {
		t.Fatalf("second release %s (previous %q), changelog %+v", second.ID, second.Previous, second.Changelog)
	}
	d := diffJSON(t, cb("diff", "first", "second", "--format", "json"))
	if d.Kind != "data" || len(d.Causes.Inputs) != 1 || len(d.Causes.Models)+len(d.Causes.Code)+len(d.Causes.Config) != 0 {
		t.Fatalf("diff kind %q, causes %+v: want one input, nothing else", d.Kind, d.Causes)
	}
	in := d.Causes.Inputs[0]
	if in.Source != "co2_monthly" || in.Path != "noaa/co2_mm_gl.txt" || in.Change != "changed" || in.VintageFrom == in.VintageTo ||
		in.VintageFrom == "" || in.SHA256From == in.SHA256To {
		t.Errorf("cause %+v: want NOAA's monthly file with its two vintages", in)
	}
	var changed []string
	for _, c := range d.Changes {
		changed = append(changed, c.Month+" "+c.Region+" "+c.Term)
	}
	slices.Sort(changed)
	if want := []string{relTo + " global b_im", relTo + " global g_atm"}; !slices.Equal(changed, want) {
		t.Errorf("changed %v, want exactly %v", changed, want)
	}
	text := cb("diff", "first", "second")
	t.Logf("carbonbudget diff first second:\n%s", text)
	if !strings.Contains(text, "noaa/co2_mm_gl.txt changed") || !strings.Contains(text, "diff first → second: data") {
		t.Errorf("text diff does not name the NOAA file:\n%s", text)
	}
	if err := release.Verify(out, first.ID); err != nil {
		t.Errorf("the first release changed when the months were rerun: %v", err)
	}

	// Another code version, the same inputs: a method change.
	bin := filepath.Join(dir, "cb-v2")
	build := exec.Command("go", "build", "-o", bin, "-ldflags", "-X github.com/carbonbudget/carbonbudget/internal/cli.Version=test-v2", ".")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	out3 := filepath.Join(dir, "out-v2")
	runMonths(bin, config2, out3)
	d = diffJSON(t, cb("diff", "second", out3, "--format", "json"))
	if d.Kind != "method" || len(d.Causes.Code) != 1 || d.Causes.Code[0].To != "test-v2" || len(d.Causes.Inputs) != 0 {
		t.Errorf("code version change: kind %q, causes %+v", d.Kind, d.Causes)
	}

	// The emulators retrained on fewer years (train_from_year 2020), the
	// same inputs and code: a method change naming the models and the
	// configuration key.
	models2 := filepath.Join(dir, "models2")
	if b, err := exec.Command("cp", "-r", fix.models, models2).CombinedOutput(); err != nil {
		t.Fatalf("copy models: %v %s", err, b)
	}
	train2 := fromYear2020(t, filepath.Join(dir, "train2.yaml"), models2, "2020-01")
	if _, err := carbonbudget(context.Background(), "train", "--component", "ocean", "--config", train2,
		"--out", filepath.Join(dir, "train-out")); err != nil {
		t.Fatal(err)
	}
	config4 := fromYear2020(t, filepath.Join(dir, "models2.yaml"), models2, firstMonth)
	out4 := filepath.Join(dir, "out-models2")
	runMonths("", config4, out4)
	d = diffJSON(t, cb("diff", "first", out4, "--format", "json"))
	if d.Kind != "method" || len(d.Causes.Models) == 0 || len(d.Causes.Inputs)+len(d.Causes.Code) != 0 ||
		len(d.Causes.Config) != 1 || d.Causes.Config[0].Key != "train_from_year" {
		t.Errorf("retrained ocean model: kind %q, causes %+v", d.Kind, d.Causes)
	}
	for _, m := range d.Causes.Models {
		if m.Component != "ocean" || m.Change != "changed" {
			t.Errorf("model cause %+v: want the retrained ocean member", m)
		}
	}
	if len(d.Changes) == 0 {
		t.Error("a retrained ocean emulator changed no value")
	}
}

// fromYear2020 writes the fixture's configuration with its models in
// models and train_from_year 2020 (the fixture trains from 2019).
func fromYear2020(t *testing.T, path, models, start string) string {
	t.Helper()
	p, err := writeConfig(path, fix.world, models, start)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), "train_from_year: 2019", "train_from_year: 2020", 1)
	if text == string(b) {
		t.Fatal("the fixture's configuration has no 'train_from_year: 2019'")
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// reviseWorld makes dst the twin world src with NOAA's monthly record
// reissued as revision 1: every other input is src's own (symlinked).
func reviseWorld(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dst, "noaa"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == "noaa" {
			continue
		}
		if err := os.Symlink(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"co2_mm_gl.txt", "co2_gr_gl.txt"} {
		b, err := os.ReadFile(filepath.Join(src, "noaa", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, "noaa", f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	from, _ := strconv.Atoi(worldYears[:4])
	to, _ := strconv.Atoi(worldYears[5:])
	opt := twin.DefaultOptions() // the fixture's seed
	opt.ResDeg, opt.NOAARevision, opt.FromYear, opt.ToYear = 2, 1, from, to
	if err := twin.ReviseNOAA(dst, opt); err != nil {
		t.Fatal(err)
	}
}

func releaseJSON(t *testing.T, s string) *release.Release {
	t.Helper()
	var r release.Release
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("release --json: %v\n%s", err, s)
	}
	return &r
}

func diffJSON(t *testing.T, s string) *release.Diff {
	t.Helper()
	var d release.Diff
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		t.Fatalf("diff --format json: %v\n%s", err, s)
	}
	return &d
}
