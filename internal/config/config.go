// Package config holds carbonbudget's configuration: one YAML file whose
// every key has a documented default (default.yaml, embedded in the binary),
// so the program runs with no file at all. A user file overrides the keys it
// names; command-line flags override the file. Unknown keys are an error.
package config

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML returns the documented default configuration file.
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Config is the whole configuration. Paths are absolute after Load.
type Config struct {
	ResolutionDeg float64 `yaml:"resolution_deg"`
	OutputDir     string  `yaml:"output_dir"`
	WorkDir       string  `yaml:"work_dir"`
	ModelsDir     string  `yaml:"models_dir"`
	InputDir      string  `yaml:"input_dir"`
	Start         string  `yaml:"start"`
	TrainFrom     int     `yaml:"train_from_year"`
	LatencyMonths int     `yaml:"latency_months"`
	// NoAttribution skips splitting the land and ocean sinks into their
	// drivers (land_driver and ocean_driver rows and the findings'
	// drivers), to save its cost.
	NoAttribution bool              `yaml:"no_attribution"`
	Baseline      Baseline          `yaml:"baseline"`
	Members       int               `yaml:"members"`
	Sources       map[string]Source `yaml:"sources"`
	// Inversions are the atmospheric inversion products read into the
	// cube (invbio/NAME, invocean/NAME, ...) for the top-down check; none
	// is needed for the budget itself.
	Inversions []Inversion `yaml:"inversions"`

	// File is the config file this came from; empty for the embedded default.
	File string `yaml:"-"`
}

// Baseline is the reference period for anomalies, in whole years.
type Baseline struct {
	FromYear int `yaml:"from_year"`
	ToYear   int `yaml:"to_year"`
	// FindingSigmas is the anomaly, in standard deviations of the
	// baseline's year-to-year variability, from which a region's month or
	// year is a finding ("what was unusual"); 0: 2.
	FindingSigmas float64 `yaml:"finding_sigmas"`
}

// Source is one input. Path may hold {yyyy}, {mm} and {model}. Format
// is the file format of a gridded source: FormatNetCDF (the default when
// empty) or FormatGRIB.
type Source struct {
	Path      string            `yaml:"path"`
	Format    string            `yaml:"format,omitempty"`
	Variables map[string]string `yaml:"variables,omitempty"`
	Models    []string          `yaml:"models,omitempty"`
	Late      bool              `yaml:"late,omitempty"`
	// AllowIncomplete (fossil only) completes a month whose daily records
	// miss some days from the mean of the days present, and marks it
	// provisional; without it such a month is refused.
	AllowIncomplete bool `yaml:"allow_incomplete,omitempty"`
	// MaxMonthlyJump (fossil only) is the largest factor by which a row's
	// daily mean may change from the month before; 0: 10.
	MaxMonthlyJump float64 `yaml:"max_monthly_jump,omitempty"`
	// Fetch says where carbonbudget fetches the source from (carbonbudget
	// fetch, and update/schedule before they plan); nil: the files are put
	// in place by hand.
	Fetch *Fetch `yaml:"fetch,omitempty"`
	// WarnAfterDays raises a warning in status and /metrics when the
	// source's newest month is more than this many days past that month's
	// end (0: no warning).
	WarnAfterDays int `yaml:"warn_after_days,omitempty"`
}

// Inversion is one atmospheric inversion product: its name (the NAME of
// the cube fields invbio/NAME etc.), its file layout (one of
// InversionLayouts; empty: detected from the file's variables) and the
// path of its monthly file, which may hold {yyyy}, {mm} and {model} (the
// name). A month whose file is not there yet is not an error: inversions
// lag the present by months.
type Inversion struct {
	Name   string `yaml:"name"`
	Layout string `yaml:"layout,omitempty"`
	Path   string `yaml:"path"`
	// Fetch and WarnAfterDays are as for a Source.
	Fetch         *Fetch `yaml:"fetch,omitempty"`
	WarnAfterDays int    `yaml:"warn_after_days,omitempty"`
}

// InversionLayouts are the layouts ingest/inversion reads (a test keeps
// the two lists equal).
var InversionLayouts = []string{"carbontracker", "cams", "cf"}

// Fetch is a source's provider and request (internal/acquire does it).
// url, request values and command arguments may hold {yyyy}, {mm} and
// {model}; the file lands where the source's path says.
type Fetch struct {
	// Provider is http, cds, earthdata, command or local.
	Provider string `yaml:"provider"`
	// URL is the file's address (http, earthdata), or for local the file
	// name in Dir (default: the base name of path).
	URL string `yaml:"url,omitempty"`
	// Dataset and Request are a Climate Data Store retrieve (cds).
	Dataset string         `yaml:"dataset,omitempty"`
	Request map[string]any `yaml:"request,omitempty"`
	// Format is what the file must be (netcdf, grib, geotiff, hdf4, hdf5,
	// csv, text, tsv), checked before the file is accepted; default from
	// the path's extension.
	Format string `yaml:"format,omitempty"`
	// SHA256 is the file's digest, or the URL of a checksum file.
	SHA256 string `yaml:"sha256,omitempty"`
	// Command runs an official tool (command provider); {out} is the path
	// it must write.
	Command []string `yaml:"command,omitempty"`
	// Dir is the drop directory of the local provider.
	Dir string `yaml:"dir,omitempty"`
}

// Providers are the fetch providers.
var Providers = []string{"http", "cds", "earthdata", "command", "local"}

// SourceNames are the sources carbonbudget reads (ingest/builder has a
// reader for each; a test keeps the two lists equal). Any other name in
// sources is a typo, refused with the nearest name.
var SourceNames = []string{"era5", "ocean_reanalysis", "chlorophyll", "ndvi", "fire", "socat", "co2_monthly",
	"co2_growth", "fossil", "land_use", "cement", "trendy", "gobm"}

// OptionalSources may have no file: the month is built without them, is
// not provisional, and the cube's field for them stays nil. co2_growth,
// NOAA's annual growth-rate table, is only a cross-check of the growth the
// budget derives from the monthly record, so a missing table must not stop
// or mark a month.
var OptionalSources = []string{"co2_growth"}

// Optional reports whether source name may be absent (OptionalSources).
func Optional(name string) bool { return slices.Contains(OptionalSources, name) }

// nearest is the name in names closest to s by edit distance.
func nearest(s string, names []string) string {
	best, bestD := "", 1<<30
	for _, n := range names {
		if d := editDistance(s, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// validate checks that f names a provider and what that provider needs.
func (f *Fetch) validate() error {
	if f == nil {
		return nil
	}
	need := func(field, v string) error {
		if v == "" {
			return fmt.Errorf("provider %s needs %s", f.Provider, field)
		}
		return nil
	}
	switch f.Provider {
	case "http", "earthdata":
		return need("url", f.URL)
	case "cds":
		if f.Request == nil {
			return fmt.Errorf("provider cds needs request")
		}
		return need("dataset", f.Dataset)
	case "command":
		if len(f.Command) == 0 || !slices.ContainsFunc(f.Command, func(a string) bool { return strings.Contains(a, "{out}") }) {
			return fmt.Errorf("provider command needs command, with {out} where the file is to be written")
		}
	case "local":
		return need("dir", f.Dir)
	default:
		return fmt.Errorf("provider: %q, want one of %s", f.Provider, strings.Join(Providers, ", "))
	}
	return nil
}

// Formats of a gridded source.
const (
	FormatNetCDF = "netcdf" // CF netCDF; variables are netCDF variable names
	FormatGRIB   = "grib"   // GRIB 1 or 2 (ERA5 as the CDS delivers it); variables are ECMWF short names or GDAL elements
)

// Default returns the embedded default configuration, paths resolved
// against the working directory.
func Default() (*Config, error) {
	return parse(defaultYAML, "", "(embedded default)")
}

// Load reads the file at path on top of the defaults. An empty path gives
// the defaults.
func Load(path string) (*Config, error) {
	if path == "" {
		return Default()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return parse(data, abs, path)
}

func parse(data []byte, file, name string) (*Config, error) {
	var c Config
	if err := decodeStrict(defaultYAML, &c); err != nil {
		return nil, fmt.Errorf("config (embedded default): %w", err)
	}
	if file != "" {
		// Sources named in the file replace the default entry whole, so a
		// user's era5 block does not inherit the twin world's variable names.
		var user struct {
			Sources map[string]Source `yaml:"sources"`
		}
		if err := decodeLoose(data, &user); err != nil {
			return nil, fmt.Errorf("config %s: %w", name, err)
		}
		for k := range user.Sources {
			delete(c.Sources, k)
		}
		if err := decodeStrict(data, &c); err != nil {
			return nil, fmt.Errorf("config %s: %w", name, err)
		}
	}
	c.File = file
	base := "."
	if file != "" {
		base = filepath.Dir(file)
	}
	for _, p := range []*string{&c.OutputDir, &c.WorkDir, &c.ModelsDir, &c.InputDir} {
		*p = resolve(base, *p)
	}
	for _, src := range c.Sources {
		if src.Fetch != nil && src.Fetch.Dir != "" {
			src.Fetch.Dir = resolve(base, src.Fetch.Dir)
		}
	}
	for _, inv := range c.Inversions {
		if inv.Fetch != nil && inv.Fetch.Dir != "" {
			inv.Fetch.Dir = resolve(base, inv.Fetch.Dir)
		}
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	return &c, nil
}

func decodeStrict(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && err.Error() != "EOF" {
		return cleanYAMLError(err)
	}
	return nil
}

func decodeLoose(data []byte, v any) error {
	if err := yaml.Unmarshal(data, v); err != nil {
		return cleanYAMLError(err)
	}
	return nil
}

// cleanYAMLError rewords yaml.v3's "field x not found in type config.Config"
// as "unknown key x", which is what a user needs to read.
func cleanYAMLError(err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n  ")
	if i := strings.Index(msg, "field "); i >= 0 && strings.Contains(msg, " not found in type") {
		head := msg[:i]
		rest := msg[i+len("field "):]
		key := rest[:strings.Index(rest, " not found")]
		return fmt.Errorf("%sunknown key %q", head, key)
	}
	return fmt.Errorf("%s", msg)
}

func resolve(base, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	abs, err := filepath.Abs(filepath.Join(base, p))
	if err != nil {
		return filepath.Join(base, p)
	}
	return abs
}

// Validate checks values that YAML types alone cannot.
func (c *Config) Validate() error {
	if _, err := grid.New(c.ResolutionDeg); err != nil {
		return fmt.Errorf("resolution_deg: %w", err)
	}
	if _, err := grid.ParseMonth(c.Start); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if c.LatencyMonths < 0 {
		return fmt.Errorf("latency_months: %d is negative", c.LatencyMonths)
	}
	if c.TrainFrom != 0 && (c.TrainFrom < 1850 || c.TrainFrom > c.StartMonth().Year) {
		return fmt.Errorf("train_from_year: %d: want 0 or a year from 1850 to the start year %d", c.TrainFrom, c.StartMonth().Year)
	}
	if c.Baseline.FromYear > c.Baseline.ToYear {
		return fmt.Errorf("baseline: from_year %d after to_year %d", c.Baseline.FromYear, c.Baseline.ToYear)
	}
	if c.Members < 0 {
		return fmt.Errorf("members: %d is negative", c.Members)
	}
	for name, s := range c.Sources {
		if !slices.Contains(SourceNames, name) {
			return fmt.Errorf("sources.%s: unknown source (did you mean %s? known: %s)", name, nearest(name, SourceNames), strings.Join(SourceNames, ", "))
		}
		if s.Path == "" {
			return fmt.Errorf("sources.%s.path is empty", name)
		}
		if s.MaxMonthlyJump != 0 && (name != "fossil" || s.MaxMonthlyJump < 1.5) {
			return fmt.Errorf("sources.%s.max_monthly_jump: %g: only the fossil source has one, and it must be at least 1.5", name, s.MaxMonthlyJump)
		}
		if Optional(name) && (s.Late || len(s.Models) > 0) {
			return fmt.Errorf("sources.%s: an optional source is one file that may be absent; late and models do not apply", name)
		}
		if s.AllowIncomplete && name != "fossil" {
			return fmt.Errorf("sources.%s.allow_incomplete: only the fossil source can be completed from its daily mean", name)
		}
		if s.Format != "" && s.Format != FormatNetCDF && s.Format != FormatGRIB {
			return fmt.Errorf("sources.%s.format: %q, want %s or %s", name, s.Format, FormatNetCDF, FormatGRIB)
		}
		if strings.Contains(s.Path, "{model}") && len(s.Models) == 0 {
			return fmt.Errorf("sources.%s: path has {model} but models is empty", name)
		}
		if s.WarnAfterDays < 0 {
			return fmt.Errorf("sources.%s.warn_after_days: %d is negative", name, s.WarnAfterDays)
		}
		if err := s.Fetch.validate(); err != nil {
			return fmt.Errorf("sources.%s.fetch: %w", name, err)
		}
	}
	return c.validateInversions()
}

// validateInversions checks the inversions: a name usable as a cube field
// suffix, used once, a known layout, a path, and fetch as for a source.
func (c *Config) validateInversions() error {
	seen := map[string]bool{}
	for i, inv := range c.Inversions {
		where := fmt.Sprintf("inversions[%d]", i)
		switch {
		case inv.Name == "" || strings.ContainsAny(inv.Name, "/ \t"):
			return fmt.Errorf("%s.name: %q: want a name without slashes or blanks", where, inv.Name)
		case seen[inv.Name]:
			return fmt.Errorf("%s.name: %q is listed twice", where, inv.Name)
		case inv.Layout != "" && !slices.Contains(InversionLayouts, inv.Layout):
			return fmt.Errorf("%s.layout: %q, want one of %s (or empty to detect it)", where, inv.Layout, strings.Join(InversionLayouts, ", "))
		case inv.Path == "":
			return fmt.Errorf("%s.path is empty", where)
		case inv.WarnAfterDays < 0:
			return fmt.Errorf("%s.warn_after_days: %d is negative", where, inv.WarnAfterDays)
		}
		seen[inv.Name] = true
		if err := inv.Fetch.validate(); err != nil {
			return fmt.Errorf("%s.fetch: %w", where, err)
		}
	}
	return nil
}

// InversionSourcePrefix names an inversion product where fetching and the
// ledger's arrivals need one name per input: "inversions/CT-NRT".
const InversionSourcePrefix = "inversions/"

// Input returns the source called name or, for InversionSourcePrefix+NAME,
// inversion product NAME as a Source: its path, fetch block and
// warn_after_days, with the product's name as its one model (what {model}
// in its path expands to).
func (c *Config) Input(name string) (Source, bool) {
	if inv, ok := strings.CutPrefix(name, InversionSourcePrefix); ok {
		for _, p := range c.Inversions {
			if p.Name == inv {
				return Source{Path: p.Path, Models: []string{p.Name}, Fetch: p.Fetch, WarnAfterDays: p.WarnAfterDays}, true
			}
		}
		return Source{}, false
	}
	s, ok := c.Sources[name]
	return s, ok
}

// InputNames lists the configured sources, then the inversion products
// (InversionSourcePrefix+NAME), each part sorted.
func (c *Config) InputNames() []string {
	var names []string
	for n := range c.Sources {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, p := range c.Inversions {
		names = append(names, InversionSourcePrefix+p.Name)
	}
	return names
}

// Grid returns the analysis grid.
func (c *Config) Grid() grid.Grid { return grid.MustNew(c.ResolutionDeg) }

// StartMonth returns the first operational month.
func (c *Config) StartMonth() grid.Month {
	m, _ := grid.ParseMonth(c.Start) // checked by Validate
	return m
}

// TrainFromYear is the first year the emulators train on: train_from_year,
// or the start year when it is 0.
func (c *Config) TrainFromYear() int {
	if c.TrainFrom != 0 {
		return c.TrainFrom
	}
	return c.StartMonth().Year
}

// SourcePath expands the path template of source name for month m and
// model (empty when the source has none), relative to InputDir.
func (c *Config) SourcePath(name string, m grid.Month, model string) (string, error) {
	s, ok := c.Sources[name]
	if !ok {
		return "", fmt.Errorf("config: no source %q", name)
	}
	return ExpandPath(c.InputDir, s.Path, m, model), nil
}

// ExpandPath fills {yyyy}, {mm} and {model} in tmpl and resolves it against
// dir.
func ExpandPath(dir, tmpl string, m grid.Month, model string) string {
	p := strings.NewReplacer(
		"{yyyy}", fmt.Sprintf("%04d", m.Year),
		"{mm}", fmt.Sprintf("%02d", int(m.Month)),
		"{model}", model,
	).Replace(tmpl)
	return resolve(dir, p)
}

// YAML renders the effective configuration.
func (c *Config) YAML() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

// ProvenanceYAML is the effective configuration without the settings that
// only say where things are kept (output_dir, work_dir, models_dir), as it
// is recorded in each month's manifest: the same month computed into two
// directories gives the same bytes. (The manifest identifies the models by
// their checksums and cards, the inputs by their paths and checksums.)
func (c *Config) ProvenanceYAML() ([]byte, error) {
	cc := *c
	cc.OutputDir, cc.WorkDir, cc.ModelsDir = "", "", ""
	return cc.YAML()
}

// Hash is the SHA-256 of ProvenanceYAML, recorded with every output so a
// month can be traced to the settings that made it.
func (c *Config) Hash() string {
	b, _ := c.ProvenanceYAML()
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// SetOutputDir points the outputs at dir (the --out flag). The work and
// model directories follow when they were left inside the old output
// directory, so one flag moves a whole run.
func (c *Config) SetOutputDir(dir string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	for _, p := range []*string{&c.WorkDir, &c.ModelsDir} {
		if rel, err := filepath.Rel(c.OutputDir, *p); err == nil && !strings.HasPrefix(rel, "..") {
			*p = filepath.Join(abs, rel)
		}
	}
	c.OutputDir = abs
}
