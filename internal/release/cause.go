package release

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// manifest is what the diff reads of a month's manifest.json (written by
// the pipeline; docs/format.md).
type manifest struct {
	CodeVersion string          `json:"code_version"`
	Config      string          `json:"config"`
	Inputs      []manifestInput `json:"inputs"`
	Models      []struct {
		Component string `json:"component"`
		Name      string `json:"name"`
		SHA256    string `json:"sha256"`
	} `json:"models"`
	Fetched map[string]struct {
		LastModified string `json:"last_modified"`
	} `json:"fetched"`
	Vintages map[string]string `json:"vintages"`
}

type manifestInput struct {
	Source string `json:"source"`
	Model  string `json:"model"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Status string `json:"status"`
}

func readManifest(dir, month string) (*manifest, error) {
	path := filepath.Join(dir, lake.MonthsDir, month, "manifest.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return &m, nil
}

// Causes are the differences between the manifests of the two sides: the
// inputs (data), and the code, models and configuration (method). Each
// names the months it concerns.
type Causes struct {
	Inputs []InputChange  `json:"inputs,omitempty"`
	Models []ModelChange  `json:"models,omitempty"`
	Code   []ValueChange  `json:"code,omitempty"`
	Config []ConfigChange `json:"config,omitempty"`
}

// InputChange is an input file that changed, appeared or disappeared (or
// went from missing to present).
type InputChange struct {
	Source      string   `json:"source"`
	Model       string   `json:"model,omitempty"`
	Path        string   `json:"path"`
	Change      string   `json:"change"` // changed, added, removed, arrived, went-missing
	SHA256From  string   `json:"sha256_from,omitempty"`
	SHA256To    string   `json:"sha256_to,omitempty"`
	VintageFrom string   `json:"vintage_from,omitempty"`
	VintageTo   string   `json:"vintage_to,omitempty"`
	Months      []string `json:"months"`
}

// ModelChange is an emulator whose file or model card changed.
type ModelChange struct {
	Component  string   `json:"component"`
	Name       string   `json:"name"`
	Change     string   `json:"change"` // changed, added, removed
	SHA256From string   `json:"sha256_from,omitempty"`
	SHA256To   string   `json:"sha256_to,omitempty"`
	Months     []string `json:"months"`
}

// ValueChange is a changed value (the code version).
type ValueChange struct {
	From   string   `json:"from"`
	To     string   `json:"to"`
	Months []string `json:"months"`
}

// ConfigChange is a changed configuration key (dotted path).
type ConfigChange struct {
	Key    string   `json:"key"`
	From   string   `json:"from"`
	To     string   `json:"to"`
	Months []string `json:"months"`
}

// data and method report whether the causes hold a data or a method change.
func (c *Causes) data() bool   { return len(c.Inputs) > 0 }
func (c *Causes) method() bool { return len(c.Models)+len(c.Code)+len(c.Config) > 0 }

// locationKeys say where things are kept, not how they are computed: a
// rerun into another directory, or on a copy of the inputs, is the same
// method.
var locationKeys = map[string]bool{"input_dir": true, "output_dir": true, "work_dir": true, "models_dir": true}

// compareManifests returns the causes of month's changes between a and b.
func compareManifests(month string, a, b *manifest) Causes {
	c := Causes{Inputs: compareInputs(month, a, b), Models: compareModels(month, a, b)}
	if a.CodeVersion != b.CodeVersion {
		c.Code = append(c.Code, ValueChange{From: a.CodeVersion, To: b.CodeVersion, Months: []string{month}})
	}
	ac, bc := flattenYAML(a.Config), flattenYAML(b.Config)
	for _, k := range unionKeys(ac, bc) {
		if top, _, _ := strings.Cut(k, "."); locationKeys[top] || ac[k] == bc[k] {
			continue
		}
		c.Config = append(c.Config, ConfigChange{Key: k, From: ac[k], To: bc[k], Months: []string{month}})
	}
	return c
}

// compareInputs lists the input files that differ, by source, model and
// path.
func compareInputs(month string, a, b *manifest) []InputChange {
	var out []InputChange
	key := func(in manifestInput) string { return in.Source + "\x00" + in.Model + "\x00" + in.Path }
	ai, bi := map[string]manifestInput{}, map[string]manifestInput{}
	for _, in := range a.Inputs {
		ai[key(in)] = in
	}
	for _, in := range b.Inputs {
		bi[key(in)] = in
	}
	for _, k := range unionKeys(ai, bi) {
		x, inA := ai[k]
		y, inB := bi[k]
		ch := InputChange{Source: x.Source, Model: x.Model, Path: x.Path, SHA256From: x.SHA256, SHA256To: y.SHA256, Months: []string{month}}
		switch {
		case !inA:
			ch.Source, ch.Model, ch.Path, ch.Change = y.Source, y.Model, y.Path, "added"
		case !inB:
			ch.Change = "removed"
		case x.Status != y.Status && y.Status == "ok":
			ch.Change = "arrived"
		case x.Status != y.Status:
			ch.Change = "went-missing"
		case x.SHA256 != y.SHA256:
			ch.Change = "changed"
		default:
			continue
		}
		ch.VintageFrom, ch.VintageTo = vintage(a, x), vintage(b, y)
		out = append(out, ch)
	}
	return out
}

// compareModels lists the emulators whose file differs, by component and
// name. The file is the model: the same bytes predict the same values. Its
// card also records when and how fast it was trained, which a retraining
// to the same bytes changes, so the card is not compared.
func compareModels(month string, a, b *manifest) []ModelChange {
	var out []ModelChange
	am, bm := map[string]int{}, map[string]int{}
	for i, m := range a.Models {
		am[m.Component+"\x00"+m.Name] = i
	}
	for i, m := range b.Models {
		bm[m.Component+"\x00"+m.Name] = i
	}
	for _, k := range unionKeys(am, bm) {
		i, inA := am[k]
		j, inB := bm[k]
		comp, name, _ := strings.Cut(k, "\x00")
		ch := ModelChange{Component: comp, Name: name, Months: []string{month}}
		switch {
		case !inA:
			ch.Change, ch.SHA256To = "added", b.Models[j].SHA256
		case !inB:
			ch.Change, ch.SHA256From = "removed", a.Models[i].SHA256
		case a.Models[i].SHA256 != b.Models[j].SHA256:
			ch.Change, ch.SHA256From, ch.SHA256To = "changed", a.Models[i].SHA256, b.Models[j].SHA256
		default:
			continue
		}
		out = append(out, ch)
	}
	return out
}

// vintage is the vintage of an input: the one its source states in the
// manifest, else its Last-Modified when carbonbudget fetched it.
func vintage(m *manifest, in manifestInput) string {
	if v := m.Vintages[in.Source]; v != "" && in.Status == "ok" {
		return v
	}
	return m.Fetched[in.Path].LastModified
}

// unionKeys is the keys of a and b, each once, in string order.
func unionKeys[V any](a, b map[string]V) []string { return unionKeysFunc(a, b, strings.Compare) }

// unionKeysFunc is the keys of a and b, each once, in the order of cmp.
func unionKeysFunc[K comparable, V any](a, b map[K]V, cmp func(K, K) int) []K {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, cmp)
	return keys
}

// flattenYAML turns a YAML document into dotted keys and scalar values
// ("sources.co2_monthly.path" → "noaa/co2_mm_gl.txt"); nil for bad YAML.
func flattenYAML(text string) map[string]string {
	var v any
	if err := yaml.Unmarshal([]byte(text), &v); err != nil {
		return map[string]string{"(config)": text}
	}
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		join := func(k string) string {
			if prefix == "" {
				return k
			}
			return prefix + "." + k
		}
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				walk(join(k), x)
			}
		case []any:
			for i, x := range t {
				walk(join(fmt.Sprint(i)), x)
			}
		default:
			out[prefix] = fmt.Sprint(t)
		}
	}
	walk("", v)
	return out
}

// merge adds the causes of one month to c, joining equal changes so that a
// file that changed for every month is listed once with its months.
func (c *Causes) merge(o Causes) {
	for _, x := range o.Inputs {
		if i := indexOf(c.Inputs, func(y InputChange) bool {
			return y.Source == x.Source && y.Model == x.Model && y.Path == x.Path && y.Change == x.Change && y.SHA256From == x.SHA256From && y.SHA256To == x.SHA256To
		}); i >= 0 {
			c.Inputs[i].Months = append(c.Inputs[i].Months, x.Months...)
		} else {
			c.Inputs = append(c.Inputs, x)
		}
	}
	for _, x := range o.Models {
		if i := indexOf(c.Models, func(y ModelChange) bool {
			return y.Component == x.Component && y.Name == x.Name && y.Change == x.Change && y.SHA256From == x.SHA256From && y.SHA256To == x.SHA256To
		}); i >= 0 {
			c.Models[i].Months = append(c.Models[i].Months, x.Months...)
		} else {
			c.Models = append(c.Models, x)
		}
	}
	for _, x := range o.Code {
		if i := indexOf(c.Code, func(y ValueChange) bool { return y.From == x.From && y.To == x.To }); i >= 0 {
			c.Code[i].Months = append(c.Code[i].Months, x.Months...)
		} else {
			c.Code = append(c.Code, x)
		}
	}
	for _, x := range o.Config {
		if i := indexOf(c.Config, func(y ConfigChange) bool { return y.Key == x.Key && y.From == x.From && y.To == x.To }); i >= 0 {
			c.Config[i].Months = append(c.Config[i].Months, x.Months...)
		} else {
			c.Config = append(c.Config, x)
		}
	}
}

func indexOf[T any](xs []T, eq func(T) bool) int {
	for i, x := range xs {
		if eq(x) {
			return i
		}
	}
	return -1
}
