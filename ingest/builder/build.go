package builder

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/carbonbudget/carbonbudget/ingest/cube"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/gcb"
	"github.com/carbonbudget/carbonbudget/ingest/noaa"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Builder assembles month cubes from the configured sources and caches
// them in a Store.
type Builder struct {
	cfg    *config.Config
	grid   grid.Grid
	land   []float32 // land fraction, for coverage checks and the static field
	store  *cube.Store
	log    *slog.Logger
	hasher *fileHasher

	mu    sync.Mutex
	memo  memo
	regrd map[[2]grid.Grid]*grid.Regridder
	stats Stats
	// catalogues holds each month's catalogue for the builder's life (one
	// run): the planner's input hash and the cube are then made from the
	// same snapshot of the inputs, and a month is fingerprinted once.
	catalogues map[grid.Month]catalogue
}

// memo holds the parsed whole-record files, which serve every month, by
// path and checksum: a changed file is parsed again.
type memo struct {
	noaa          map[string]*noaa.Monthly
	noaaAnnual    map[string]*noaa.Annual
	carbonMonitor map[string]*fossilFile
	eluc          map[string]*gcb.Series
	cement        map[string]*gcb.Series
}

// Stats counts the builder's work since it was made.
type Stats struct {
	// Catalogues counts, per month, the catalogues (and so cache keys)
	// computed.
	Catalogues map[grid.Month]int
	// Opens counts, per input path, the times a reader opened the file
	// (hashing it for the catalogue is not counted).
	Opens map[string]int
}

// Stats returns a copy of the builder's counters.
func (b *Builder) Stats() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	return Stats{Catalogues: maps.Clone(b.stats.Catalogues), Opens: maps.Clone(b.stats.Opens)}
}

// opened counts a reader opening path.
func (b *Builder) opened(path string) {
	b.mu.Lock()
	b.stats.Opens[path]++
	b.mu.Unlock()
}

// ErrFileNotFound is a required input file that is not there (yet): the
// operational job treats its month as not yet available rather than
// failed. It matches fs.ErrNotExist.
var ErrFileNotFound error = fileNotFound{}

type fileNotFound struct{}

func (fileNotFound) Error() string        { return "file not found" }
func (fileNotFound) Is(target error) bool { return target == fs.ErrNotExist }

// New returns a builder for cfg's grid; landFraction comes from
// internal/regions.
func New(cfg *config.Config, landFraction []float32, log *slog.Logger) *Builder {
	return &Builder{cfg: cfg, grid: cfg.Grid(), land: landFraction, store: cube.NewStore(cfg.WorkDir), log: log,
		hasher: newFileHasher(cfg.WorkDir), regrd: map[[2]grid.Grid]*grid.Regridder{},
		memo:  memo{noaa: map[string]*noaa.Monthly{}, noaaAnnual: map[string]*noaa.Annual{}, carbonMonitor: map[string]*fossilFile{}, eluc: map[string]*gcb.Series{}, cement: map[string]*gcb.Series{}},
		stats: Stats{Catalogues: map[grid.Month]int{}, Opens: map[string]int{}}, catalogues: map[grid.Month]catalogue{}}
}

// reader reads one source for a month into the cube. path is the resolved
// file; model is empty for single-model sources.
type reader func(ctx context.Context, b *Builder, c *cube.Cube, src config.Source, path, model string) error

// readers maps each source name to its reader. A configured source
// without a reader is not read.
var readers = map[string]reader{
	"era5":             readGridded,
	"ocean_reanalysis": readGridded,
	"chlorophyll":      readGridded,
	"fire":             readGridded,
	"trendy":           readModel("nbp", cube.NBPUnits),
	"gobm":             readModel("fgco2", cube.FgCO2Units),
	"ndvi":             readNDVI,
	"socat":            readSOCAT,
	"co2_monthly":      readCO2,
	"co2_growth":       readGrowth,
	"fossil":           readFossil,
	"land_use":         readELUC,
	"cement":           readCement,
}

// gridded are the sources read by readGridded, the only ones that may set
// format: grib.
var gridded = map[string]bool{"era5": true, "ocean_reanalysis": true, "chlorophyll": true, "fire": true}

// sourceNames lists the configured sources in a fixed order.
func (b *Builder) sourceNames() []string {
	var names []string
	for n := range b.cfg.Sources {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// catalogue is a month's inputs, the late sources missing and the key.
type catalogue struct {
	entries []cube.Entry
	missing []string
	key     string
}

// Catalogue resolves and fingerprints every input of month m without
// reading it: the cache key comes from it, so an unchanged month is never
// read twice. It is computed once per month in the builder's life.
func (b *Builder) Catalogue(m grid.Month) ([]cube.Entry, []string, error) {
	c, err := b.catalogue(m)
	return c.entries, c.missing, err
}

func (b *Builder) catalogue(m grid.Month) (catalogue, error) {
	b.mu.Lock()
	c, ok := b.catalogues[m]
	b.mu.Unlock()
	if ok {
		return c, nil
	}
	entries, missing, err := b.fingerprint(m)
	if err != nil {
		return catalogue{}, err
	}
	c = catalogue{entries: entries, missing: missing, key: Key(m.String(), keySettings(b.cfg), entries)}
	b.mu.Lock()
	b.stats.Catalogues[m]++
	b.catalogues[m] = c
	b.mu.Unlock()
	return c, nil
}

// fingerprint stats and hashes every configured input of month m; the
// first problem is the error.
func (b *Builder) fingerprint(m grid.Month) ([]cube.Entry, []string, error) {
	entries, missing, errs := b.fingerprintAll(m)
	if len(errs) > 0 {
		return nil, nil, errs[0]
	}
	return entries, missing, nil
}

// fingerprintAll is fingerprint going on past problems, to report them all.
func (b *Builder) fingerprintAll(m grid.Month) (entries []cube.Entry, missing []string, errs []error) {
	for _, name := range b.sourceNames() {
		src := b.cfg.Sources[name]
		if _, ok := readers[name]; !ok {
			continue // a source this build has no reader for
		}
		if src.Format == config.FormatGRIB && !gridded[name] {
			errs = append(errs, fmt.Errorf("source %q: format %q is only read for the gridded sources", name, src.Format))
			continue
		}
		models := src.Models
		if len(models) == 0 {
			models = []string{""}
		}
		for _, model := range models {
			path := config.ExpandPath(b.cfg.InputDir, src.Path, m, model)
			e, err := b.hasher.entry(name, model, path)
			switch {
			case err == nil:
				entries = append(entries, e)
			case errors.Is(err, fs.ErrNotExist) && (src.Late || model != "" || config.Optional(name)):
				// A late source not yet published, a model that has not
				// been run this far, or an optional source without its
				// file: the month goes on without it (provisional only for
				// a late source). The entry stays in the catalogue so that
				// the file's arrival changes the key.
				entries = append(entries, cube.Entry{Source: name, Model: model, Path: path, Status: "missing"})
				if src.Late {
					missing = append(missing, name)
				}
			case errors.Is(err, fs.ErrNotExist):
				errs = append(errs, &ingest.SourceError{Path: path, Month: m, Err: fmt.Errorf("source %q: %w", name, ErrFileNotFound)})
			default:
				errs = append(errs, &ingest.SourceError{Path: path, Month: m, Err: err})
			}
		}
	}
	entries, errs = b.fingerprintInversions(m, entries, errs)
	b.hasher.save()
	return entries, missing, errs
}

// Check reads every input of month m on its own and returns every
// problem, each naming the file, the variable and the month: a missing
// file, one a reader refuses, a field out of its physical range or short
// of its coverage. It is what 'carbonbudget ingest' reports; it caches
// nothing, and a month without problems builds.
func (b *Builder) Check(ctx context.Context, m grid.Month) []error {
	entries, _, errs := b.fingerprintAll(m)
	for _, e := range entries {
		if e.Status != "ok" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return append(errs, err)
		}
		c := &cube.Cube{Month: m, Grid: b.grid, Fields: map[string]*grid.Field{}, Catalogue: []cube.Entry{e}}
		if err := b.read(ctx, c, e); err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, b.checkFields(c)...)
	}
	return errs
}

// Cube returns the cube of month m, from the cache when its inputs and
// settings are unchanged, else by reading every source.
func (b *Builder) Cube(ctx context.Context, m grid.Month) (*cube.Cube, error) {
	cat, err := b.catalogue(m)
	if err != nil {
		return nil, err
	}
	entries, missing, key := cat.entries, cat.missing, cat.key
	if b.store.Has(m, key) {
		return b.store.Load(ctx, m, key)
	}
	c := &cube.Cube{Month: m, Grid: b.grid, Fields: map[string]*grid.Field{}, Missing: missing, Catalogue: entries, Key: key}
	for _, e := range entries {
		if e.Status != "ok" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := b.read(ctx, c, e); err != nil {
			return nil, err
		}
	}
	if b.land != nil {
		c.Fields["land_fraction"] = &grid.Field{Name: "land_fraction", Units: "1", Grid: b.grid, Values: b.land}
	}
	if err := b.check(c); err != nil {
		return nil, err
	}
	if err := b.store.Save(c); err != nil {
		return nil, err
	}
	b.log.Debug("ingested", "month", m, "fields", len(c.Fields), "missing", missing)
	return c, nil
}

// Open returns the cube of month m as Cube does, but a stored cube comes
// back partial (cube.Store.Open): its fields are read as its Field asks
// for them. Training opens every past month once per member and reads
// a few of its fields; a month's run wants the whole cube (Cube).
func (b *Builder) Open(ctx context.Context, m grid.Month) (*cube.Cube, error) {
	cat, err := b.catalogue(m)
	if err != nil {
		return nil, err
	}
	if b.store.Has(m, cat.key) {
		return b.store.Open(ctx, m, cat.key)
	}
	return b.Cube(ctx, m)
}

// HasField reports whether the cube of month m has the named field. A
// cube already stored answers from its sidecar, without reading its
// fields; otherwise the cube is built (and stored) as Cube would.
func (b *Builder) HasField(ctx context.Context, m grid.Month, name string) (bool, error) {
	cat, err := b.catalogue(m)
	if err != nil {
		return false, err
	}
	if b.store.Has(m, cat.key) {
		names, err := b.store.FieldNames(m, cat.key)
		return slices.Contains(names, name), err
	}
	c, err := b.Cube(ctx, m)
	if err != nil {
		return false, err
	}
	_, ok := c.Fields[name]
	return ok, nil
}

// keySettings are the configuration values that shape a cube: not where
// a source is fetched from, or when its lateness is warned about, so
// adding a fetch block does not invalidate every cached cube.
func keySettings(cfg *config.Config) any {
	sources := make(map[string]config.Source, len(cfg.Sources))
	for name, s := range cfg.Sources {
		s.Fetch, s.WarnAfterDays = nil, 0
		sources[name] = s
	}
	var inversions []config.Inversion
	for _, inv := range cfg.Inversions {
		inv.Fetch, inv.WarnAfterDays = nil, 0
		inversions = append(inversions, inv)
	}
	return struct {
		Res        float64
		Sources    map[string]config.Source
		Inversions []config.Inversion `json:",omitempty"`
	}{cfg.ResolutionDeg, sources, inversions}
}

// regridder returns (and caches) the conservative regridder from src to
// the analysis grid.
func (b *Builder) regridder(src grid.Grid) (*grid.Regridder, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := [2]grid.Grid{src, b.grid}
	if rg, ok := b.regrd[k]; ok {
		return rg, nil
	}
	rg, err := grid.NewRegridder(src, b.grid)
	if err != nil {
		return nil, err
	}
	b.regrd[k] = rg
	return rg, nil
}

// put regrids f to the analysis grid when needed and stores it under name.
func (b *Builder) put(c *cube.Cube, name string, f *grid.Field) error {
	if f.Grid != b.grid {
		rg, err := b.regridder(f.Grid)
		if err != nil {
			return err
		}
		f = &grid.Field{Name: name, Units: f.Units, Grid: b.grid, Values: rg.Apply(f.Values, nil)}
	}
	f.Name = name
	c.Fields[name] = f
	return nil
}

// memoised parses the whole-record file at path once per builder and
// checksum, keeping it in memo (one of the builder's memo maps).
func memoised[T any](b *Builder, memo map[string]T, c *cube.Cube, path string, parse func(string) (T, error)) (T, error) {
	key := path + "@" + entrySum(c, path)
	b.mu.Lock()
	v, ok := memo[key]
	b.mu.Unlock()
	if ok {
		return v, nil
	}
	b.opened(path)
	v, err := parse(path)
	if err != nil {
		return v, err
	}
	b.mu.Lock()
	memo[key] = v
	b.mu.Unlock()
	return v, nil
}

// check enforces the physical range and coverage of every canonical field.
func (b *Builder) check(c *cube.Cube) error {
	if errs := b.checkFields(c); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// checkFields returns a problem for every canonical field of c out of its
// physical range or short of its coverage.
func (b *Builder) checkFields(c *cube.Cube) []error {
	var errs []error
	for _, v := range cube.Canonical {
		f, ok := c.Fields[v.Name]
		if !ok {
			continue
		}
		if err := b.checkField(c, v, f); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

func (b *Builder) checkField(c *cube.Cube, v cube.Variable, f *grid.Field) error {
	path := b.pathOf(c, v.Name)
	// Compare in float32, the values' type: NDVI's valid minimum, -0.2
	// (MODIS raw -2000 / 10000), becomes -0.20000000298 as a float32 and
	// would fall below a float64 bound of -0.2.
	lo, hi := float32(v.Min), float32(v.Max)
	for i, x := range f.Values {
		if x == x && (x < lo || x > hi) {
			lat, lon := b.grid.Centre(i)
			return ingest.Errorf(path, v.Name, c.Month, "%g %s at %.2f°N %.2f°E is outside the physical range %g..%g", x, v.Units, lat, lon, v.Min, v.Max)
		}
	}
	if cov := b.coverage(f, v.Domain); cov < v.MinCoverage {
		return ingest.Errorf(path, v.Name, c.Month, "covers %.0f%% of its %s cells, want at least %.0f%%", 100*cov, domainName(v.Domain), 100*v.MinCoverage)
	}
	return nil
}

// pathOf is the file field came from: the source that maps it, or the
// source named for it (ndvi, whose GeoTIFF has no variable names).
func (b *Builder) pathOf(c *cube.Cube, field string) string {
	for _, e := range c.Catalogue {
		if _, mapped := b.cfg.Sources[e.Source].Variables[field]; mapped || e.Source == field {
			return e.Path
		}
	}
	return "(" + field + ")"
}

// coverage is the fraction of the domain's cells (land: land fraction ≥
// 0.5; ocean: < 0.5) that hold a value.
func (b *Builder) coverage(f *grid.Field, d cube.Domain) float64 {
	var have, all int
	for i, x := range f.Values {
		if b.land != nil && ((d == cube.Land && b.land[i] < 0.5) || (d == cube.Ocean && b.land[i] >= 0.5)) {
			continue
		}
		all++
		if x == x {
			have++
		}
	}
	if all == 0 {
		return 1
	}
	return float64(have) / float64(all)
}

func domainName(d cube.Domain) string {
	switch d {
	case cube.Land:
		return "land"
	case cube.Ocean:
		return "ocean"
	}
	return "grid"
}

// constantField is a field with one value everywhere (scalar drivers such
// as NOAA's global CO2, which the emulators take as a feature).
func constantField(g grid.Grid, name, units string, v float64) *grid.Field {
	f := &grid.Field{Name: name, Units: units, Grid: g, Values: make([]float32, g.Cells())}
	for i := range f.Values {
		f.Values[i] = float32(v)
	}
	return f
}

// InputHash is month m's cache key and the late sources missing for it,
// computed from the catalogue without reading any file: the scheduler
// compares it with the key a published month was made from.
func (b *Builder) InputHash(m grid.Month) (string, []string, error) {
	c, err := b.catalogue(m)
	return c.key, c.missing, err
}

// read runs e's reader into c. Its error names the file and the month:
// a reader that could not tie the problem to a month (an unreadable
// header) is given the month being built.
func (b *Builder) read(ctx context.Context, c *cube.Cube, e cube.Entry) error {
	var err error
	if e.Source == InversionSource {
		err = b.readInversion(c, e.Path, e.Model)
	} else {
		err = readers[e.Source](ctx, b, c, b.cfg.Sources[e.Source], e.Path, e.Model)
	}
	var se *ingest.SourceError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		if se.Month == (grid.Month{}) {
			se.Month = c.Month
		}
		return err
	}
	return &ingest.SourceError{Path: e.Path, Month: c.Month, Err: err}
}
