// Package archtest checks the import graph against docs/architecture.md:
// data flows one way (raw files -> ingest -> cube -> stages -> budget ->
// lake), stages are handed their inputs, and no package reaches around
// that flow. It has no non-test code.
package archtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/carbonbudget/carbonbudget/"

// stages are the pipeline's compute steps: each is handed its inputs and
// never imports another.
var stages = []string{"ocean", "land", "fossil", "budget"}

// readers are the packages that parse a file format; only ingest/cube
// (through its builder) and the CLI's tools may use them.
var readers = []string{"ingest/carbonmonitor", "ingest/noaa", "ingest/socat", "ingest/netcdf", "ingest/raster", "ingest/gcb"}

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// listPackages runs go list over the module (non-test code only).
func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(bufio.NewReader(bytes.NewReader(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("decode go list: %v", err)
		}
		pkgs[strings.TrimPrefix(p.ImportPath, module)] = p
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages, want the whole module", len(pkgs))
	}
	return pkgs
}

func rel(paths []string) []string {
	var out []string
	for _, p := range paths {
		if strings.HasPrefix(p, module) {
			out = append(out, strings.TrimPrefix(p, module))
		}
	}
	return out
}

func TestImportGraph(t *testing.T) {
	pkgs := listPackages(t)
	for _, s := range stages {
		if _, ok := pkgs[s]; !ok {
			t.Fatalf("stage package %q not found", s)
		}
	}
	for name, p := range pkgs {
		deps := rel(p.Deps)
		if slices.Contains(stages, name) {
			for _, d := range deps {
				if slices.Contains(stages, d) {
					t.Errorf("stage %s depends on stage %s: stages are handed their inputs by the pipeline", name, d)
				}
				if slices.Contains(readers, d) {
					t.Errorf("stage %s depends on reader %s: inputs come through the cube", name, d)
				}
			}
		}
		if strings.HasPrefix(name, "internal/") && name != "internal/pipeline" && name != "internal/cli" {
			for _, d := range rel(p.Imports) {
				if slices.Contains(stages, d) {
					t.Errorf("%s imports stage %s: only the pipeline and the CLI call stages", name, d)
				}
			}
		}
	}
	for _, d := range pkgs["budget"].Deps {
		if strings.Contains(d, "go-netcdf") || strings.Contains(d, "gonum.org/v1/plot") {
			t.Errorf("budget depends on %s: budget is arithmetic, I/O lives in the lake and report packages", d)
		}
	}
	// The model packages persist through internal/durable; the GeoParquet
	// writer is the lake's business.
	for _, name := range []string{"internal/xgb", "internal/emulator"} {
		if _, ok := pkgs[name]; !ok {
			t.Fatalf("package %q not found", name)
		}
		if slices.Contains(rel(pkgs[name].Deps), "internal/output") {
			t.Errorf("%s depends on internal/output: models are written through internal/durable", name)
		}
	}
	for _, d := range rel(pkgs["internal/pipeline"].Deps) {
		if d == "scheduler" || strings.HasPrefix(d, "scheduler/") {
			t.Errorf("internal/pipeline depends on %s: the scheduler drives the pipeline, not the reverse", d)
		}
	}
}
