package pipeline

import (
	"encoding/json"
	"io"
	"path/filepath"
	"sort"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/acquire"
	"github.com/carbonbudget/carbonbudget/internal/durable"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
)

// Manifest is a month's provenance: everything needed to trace a published
// number back to its inputs, settings, models and code.
type Manifest struct {
	Month       string       `json:"month"`
	CodeVersion string       `json:"code_version"`
	ConfigHash  string       `json:"config_hash"`
	Config      string       `json:"config"` // the effective YAML
	CubeKey     string       `json:"cube_key"`
	Inputs      []cube.Entry `json:"inputs"`
	Models      []ModelRef   `json:"models"`
	Provisional []string     `json:"provisional_sources"`
	// Fetched says where each input carbonbudget fetched came from (URL
	// without secrets, ETag, Last-Modified, when), keyed by its path in
	// Inputs; inputs put in place by hand have no entry.
	Fetched map[string]acquire.Provenance `json:"fetched,omitempty"`
	// Vintages are the vintages the sources state in their files, by
	// source (NOAA's "File Creation" line), so that a diff can say which
	// revision of a record changed.
	Vintages map[string]string `json:"vintages,omitempty"`
	Outputs  map[string]string `json:"outputs_sha256"` // path relative to the output dir -> checksum
}

// Timings are the stage durations, in seconds, of the run that produced a
// month. They are logged and kept in the work directory
// (.work/stages/YYYY-MM/timings.json), never published: everything
// published for a month is byte-identical when it is rerun on the same
// inputs.
type Timings map[string]float64

// ModelRef names a trained emulator and its model card.
type ModelRef struct {
	Component string          `json:"component"`
	Name      string          `json:"name"`
	Path      string          `json:"path"` // relative to models_dir
	SHA256    string          `json:"sha256"`
	Card      json.RawMessage `json:"card,omitempty"`
}

// writeJSON writes v as indented JSON to dir/name, atomically.
func writeJSON(dir, name string, v any) error {
	return durable.WriteFile(filepath.Join(dir, name), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(v)
	})
}

// checksums returns the SHA-256 of each file under root named in rel.
func checksums(root string, rel []string) (map[string]string, error) {
	out := map[string]string{}
	sort.Strings(rel)
	for _, r := range rel {
		sum, _, err := durable.FileSHA256(filepath.Join(root, r))
		if err != nil {
			return nil, err
		}
		out[r] = sum
	}
	return out, nil
}

func seconds(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }

// fetchedInputs looks up the fetch provenance of every input in the fetch
// state under workDir; rel are the entries with paths relative to inputDir.
func fetchedInputs(entries []cube.Entry, inputDir, workDir string) map[string]acquire.Provenance {
	var out map[string]acquire.Provenance
	for _, e := range entries {
		if e.Status != "ok" {
			continue
		}
		path := e.Path
		if !filepath.IsAbs(path) {
			path = filepath.Join(inputDir, path)
		}
		if p, ok := acquire.ReadProvenance(acquire.StateDir(workDir), path, e.SHA256); ok {
			if out == nil {
				out = map[string]acquire.Provenance{}
			}
			out[relativePath(e.Path, inputDir)] = p
		}
	}
	return out
}

// sourceVintages returns the vintages the cube's records state, by source
// name; nil when none does.
func sourceVintages(c *cube.Cube) map[string]string {
	v := map[string]string{}
	if c.CO2.Vintage != "" {
		v["co2_monthly"] = c.CO2.Vintage
	}
	if c.NOAAGrowth != nil && c.NOAAGrowth.Vintage != "" {
		v["co2_growth"] = c.NOAAGrowth.Vintage
	}
	if len(v) == 0 {
		return nil
	}
	return v
}
