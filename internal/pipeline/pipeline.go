// Package pipeline runs one month through the stages: ingest -> ocean,
// land, fossil -> budget -> published outputs. It is the only place that
// knows every stage: the stages themselves never import each other, and
// each is called through its one entry point with typed inputs, so that a
// month (or a tile of it) can later run as a unit of work elsewhere.
package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/cfnetcdf"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/report"
	"github.com/carbonbudget/carbonbudget/land"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/fossil"
	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// Regions is what the pipeline needs of the region masks.
type Regions interface {
	budget.Regions
	fossil.CountryMasks
	LandFraction() []float32
}

// Cubes yields the month cube (ingesting it when not cached).
type Cubes interface {
	Cube(ctx context.Context, m grid.Month) (*cube.Cube, error)
}

// OceanStage and LandStage adapt the ocean and land stages: they run the
// stage on the cubes they are handed and return its result in the
// budget's terms. (*Ocean and *Land wrap the trained members; tests fake
// them.)
type OceanStage interface {
	Run(ctx context.Context, m grid.Month, c *cube.Cube) (OceanOut, error)
	Models() []ModelRef
}

// LandStage adapts the land stage. cubes are the months m-LandLagMonths
// to m, in order (its lagged features read the months before m).
type LandStage interface {
	Run(ctx context.Context, m grid.Month, cubes []*cube.Cube) (LandOut, error)
	Models() []ModelRef
}

// LandLagMonths is how many months before m the land stage reads.
const LandLagMonths = land.LagMonths

// OceanOut is the ocean stage's result as the budget needs it.
type OceanOut struct {
	Flux    budget.Flux
	PCO2Sea *grid.Field
}

// FossilOut is the fossil stage's result: E_FOS with its grid, and the
// national rows and bunkers that are published beside it.
type FossilOut struct {
	Flux       budget.Flux
	National   []lake.NationalRow
	BunkersGtC float64
}

// LandOut is the land stage's result as the budget needs it.
type LandOut struct {
	Flux budget.Flux
	Fire *grid.Field
}

// Runner computes months into staging directories; the scheduler publishes
// them.
type Runner struct {
	Cfg         *config.Config
	Log         *slog.Logger
	CodeVersion string
	Regions     Regions
	Cubes       Cubes
	Ocean       OceanStage
	Land        LandStage
	// NetCDF also exports each month's grid as CF netCDF (months/YYYY-MM/grid.nc).
	NetCDF bool

	gridder *fossil.Gridder
	// published caches the published months' budget.json files across the
	// months of a run (each month's report and disagreements read them).
	published lake.MonthCache
}

// MonthResult is what Compute reports for the ledger.
type MonthResult struct {
	Month       grid.Month
	Budget      lake.Budget
	CubeKey     string
	Provisional []string
	Timings     Timings // step durations (Compute only)
}

// WriteTables rebuilds the aggregate tables from every published month.
func (r *Runner) WriteTables() error {
	months, err := r.published.ReadMonths(r.Cfg.OutputDir)
	if err != nil {
		return err
	}
	t := budget.Tables(months, r.baseline())
	if err := lake.WriteTables(r.Cfg.OutputDir, t); err != nil {
		return err
	}
	return r.WriteProjection(t, time.Now())
}

func (r *Runner) baseline() budget.Baseline {
	return budget.Baseline{FromYear: r.Cfg.Baseline.FromYear, ToYear: r.Cfg.Baseline.ToYear, FindingSigmas: r.Cfg.Baseline.FindingSigmas}
}

// Progress is told the name of each step as it starts: "ingest",
// "ocean", "land", "fossil", "budget", "write". It may be nil.
type Progress func(step string)

// Compute computes month m and writes its files into stagingDir, laid out
// as under the output directory (grid/year=YYYY/month=MM/part-0.parquet
// and months/YYYY-MM/...), for the caller to publish. Each cube is
// fetched once and handed to the stages that read it.
func (r *Runner) Compute(ctx context.Context, m grid.Month, stagingDir string, progress Progress) (*MonthResult, error) {
	timings := Timings{}
	t0 := time.Now()
	step := func(name string) {
		if progress != nil {
			progress(name)
		}
		t0 = time.Now()
	}
	lap := func(name string) { timings[name] = seconds(time.Since(t0)) }

	step("ingest")
	cubes, err := r.cubes(ctx, m)
	if err != nil {
		return nil, err
	}
	c := cubes[len(cubes)-1]
	lap("ingest")

	step("ocean")
	oc, err := r.Ocean.Run(ctx, m, c)
	if err != nil {
		return nil, fmt.Errorf("ocean %s: %w", m, err)
	}
	lap("ocean")

	step("land")
	ld, err := r.Land.Run(ctx, m, cubes)
	if err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	lap("land")

	step("fossil")
	fos, err := r.fossil(ctx, m, c)
	if err != nil {
		return nil, err
	}
	lap("fossil")

	st := StageResults{Ocean: oc, Land: ld, Fossil: fos}
	if err := saveStages(r.Cfg.WorkDir, m, c.Grid, st); err != nil {
		return nil, fmt.Errorf("save stage results %s: %w", m, err)
	}
	res, err := r.closeAndWrite(ctx, m, c, st, timings, stagingDir, step)
	if err != nil {
		return nil, err
	}
	// Timings go to the work directory, not the published month: they are
	// the one thing that differs between two runs on the same inputs, and a
	// published month must be byte-identical when rerun.
	if err := writeJSON(stageDir(r.Cfg.WorkDir, m), "timings.json", timings); err != nil {
		return nil, fmt.Errorf("save timings %s: %w", m, err)
	}
	res.Timings = timings
	r.Log.Info("month done", "month", m, "e_fos", res.Budget.EFos.GtC, "s_ocean", res.Budget.SOcean.GtC,
		"s_land", res.Budget.SLand.GtC, "g_atm", res.Budget.GAtm.GtC, "b_im", res.Budget.BIm.GtC, "provisional", res.Provisional,
		"seconds", timings)
	return res, nil
}

// ComputeBudget reruns only the budget of month m from the stage results
// the last Compute saved, writing the month's files into stagingDir.
func (r *Runner) ComputeBudget(ctx context.Context, m grid.Month, stagingDir string, progress Progress) (*MonthResult, error) {
	step := func(name string) {
		if progress != nil {
			progress(name)
		}
	}
	step("ingest")
	c, err := r.Cubes.Cube(ctx, m)
	if err != nil {
		return nil, fmt.Errorf("ingest %s: %w", m, err)
	}
	st, err := loadStages(ctx, r.Cfg.WorkDir, m, c.Grid)
	if err != nil {
		return nil, err
	}
	return r.closeAndWrite(ctx, m, c, st, Timings{}, stagingDir, step)
}

// cubes fetches the cubes of months m-LandLagMonths..m, each once.
func (r *Runner) cubes(ctx context.Context, m grid.Month) ([]*cube.Cube, error) {
	cubes := make([]*cube.Cube, LandLagMonths+1)
	for i := range cubes {
		mi := m.Add(i - LandLagMonths)
		c, err := r.Cubes.Cube(ctx, mi)
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", mi, err)
		}
		cubes[i] = c
	}
	return cubes, nil
}

// closeAndWrite runs the budget on the stage results and writes the
// month's files into dir.
func (r *Runner) closeAndWrite(ctx context.Context, m grid.Month, c *cube.Cube, st StageResults, timings Timings, dir string, step func(string)) (*MonthResult, error) {
	step("budget")
	t0 := time.Now()
	in := budget.Inputs{Grid: c.Grid, LandFraction: r.Regions.LandFraction(), Regions: r.Regions, CO2: co2Record(c),
		Fossil: st.Fossil.Flux, FossilNational: st.Fossil.National, FossilBunkersGtC: st.Fossil.BunkersGtC, Ocean: st.Ocean.Flux, Land: st.Land.Flux, Fire: st.Land.Fire, PCO2Sea: st.Ocean.PCO2Sea,
		ELUC: annualTerm(c.ELUC), SCement: annualTerm(c.SCement)}
	in.Inversions, in.InversionsMissing = inversions(c)
	if g := c.NOAAGrowth; g != nil {
		in.NOAAGrowth = &lake.NOAAGrowth{Year: g.Year, PPMPerYear: g.PPMPerYear, UncPPMPerYear: g.UncPPMPerYear,
			HasUnc: !math.IsNaN(g.UncPPMPerYear), Vintage: g.Vintage}
		if !in.NOAAGrowth.HasUnc {
			in.NOAAGrowth.UncPPMPerYear = 0
		}
	}
	res, err := budget.Run(ctx, m, in, budget.Options{})
	if err != nil {
		return nil, err
	}
	timings["budget"] = seconds(time.Since(t0))
	step("write")
	t0 = time.Now()
	man := &Manifest{Month: m.String(), CodeVersion: r.CodeVersion, ConfigHash: r.Cfg.Hash(), CubeKey: c.Key,
		Inputs: relativeInputs(c.Catalogue, r.Cfg.InputDir), Provisional: provisionalSources(c, st),
		Fetched: fetchedInputs(c.Catalogue, r.Cfg.InputDir, r.Cfg.WorkDir), Vintages: sourceVintages(c)}
	if y, err := r.Cfg.ProvenanceYAML(); err == nil {
		man.Config = string(y)
	}
	man.Models = append(r.Ocean.Models(), r.Land.Models()...)
	if err := r.stageFiles(ctx, dir, m, res, man); err != nil {
		return nil, fmt.Errorf("write %s: %w", m, err)
	}
	timings["write"] = seconds(time.Since(t0))
	return &MonthResult{Month: m, Budget: res.Budget, CubeKey: c.Key, Provisional: man.Provisional}, nil
}

// co2Record is the budget's form of the cube's NOAA record, nil when the
// cube has none (the budget then says so).
func co2Record(c *cube.Cube) *budget.CO2Record {
	if len(c.CO2.Months) == 0 {
		return nil
	}
	rec := &budget.CO2Record{Vintage: c.CO2.Vintage}
	for _, r := range c.CO2.Months {
		rec.Months = append(rec.Months, budget.CO2Month{Month: r.Month, MeanPPM: r.MeanPPM, TrendPPM: r.TrendPPM})
	}
	return rec
}

// annualTerm is the budget term of a month's share of a GCB annual series:
// provisional when projected past the series, or when its source is not
// configured (then zero).
func annualTerm(v *ingest.MonthValue) lake.Term {
	if v == nil {
		return lake.Term{Provisional: true}
	}
	return lake.Term{GtC: v.GtC, SigmaGtC: v.SigmaGtC, Provisional: v.Projected}
}

// fossilSource is the configured source of the fossil records.
const fossilSource = "fossil"

// inputPath is the file the cube read source from, for messages.
func inputPath(c *cube.Cube, source string) string {
	for _, e := range c.Catalogue {
		if e.Source == source {
			return e.Path
		}
	}
	return "(" + source + ")"
}

// provisionalSources are the sources that make the month provisional: the
// late sources the cube lacked, and "fossil" when the records were
// completed from their daily mean (sources.fossil.allow_incomplete).
func provisionalSources(c *cube.Cube, st StageResults) []string {
	out := slices.Clone(c.Missing)
	if st.Fossil.Flux.Provisional && !slices.Contains(out, fossilSource) {
		out = append(out, fossilSource)
	}
	return out
}

// fossil runs the fossil stage on the cube's records: E_FOS and its grid,
// and the national rows and bunkers, which are published as they are.
func (r *Runner) fossil(ctx context.Context, m grid.Month, c *cube.Cube) (FossilOut, error) {
	if r.gridder == nil {
		gr, err := fossil.NewGridder(c.Grid, r.Regions, nil)
		if err != nil {
			return FossilOut{}, fmt.Errorf("fossil %s: %w", m, err)
		}
		r.gridder = gr
	}
	src := r.Cfg.Sources[fossilSource]
	res, err := fossil.Run(ctx, m, fossil.Inputs{Records: c.Fossil, Gridder: r.gridder}, fossil.Options{AllowIncomplete: src.AllowIncomplete})
	if err != nil {
		return FossilOut{}, &ingest.SourceError{Path: inputPath(c, fossilSource), Variable: "value", Month: m, Err: err}
	}
	out := FossilOut{Flux: budget.Flux{Term: lake.Term{GtC: res.GtC, SigmaGtC: res.SigmaGtC, Provisional: res.Provisional}, Mean: res.Grid},
		BunkersGtC: res.BunkersGtC}
	for _, n := range res.National {
		out.National = append(out.National, lake.NationalRow{Month: m.String(), Country: n.Country, ISO3: n.ISO3, Sector: n.Sector, GtC: n.GtC, Days: n.Days})
	}
	return out, nil
}

// stageFiles writes the month's grid file, budget.json, report and
// manifest into the staging directory dir.
func (r *Runner) stageFiles(ctx context.Context, dir string, m grid.Month, res *budget.Result, man *Manifest) error {
	res.Grid.Meta = map[string]string{"carbonbudget:version": r.CodeVersion, "carbonbudget:config_hash": man.ConfigHash}
	if err := output.WriteGrid(filepath.Join(dir, gridRelPath(m)), res.Grid); err != nil {
		return err
	}
	monthRel := filepath.Join(lake.MonthsDir, m.String())
	monthDir := filepath.Join(dir, monthRel)
	rec := res.Record()
	monthly, annual, regional, err := r.tablesWith(m, &rec)
	if err != nil {
		return err
	}
	if err := lake.WriteMonth(monthDir, rec); err != nil {
		return err
	}
	landAnom, oceanAnom, err := r.reportAnomalies(ctx, m, res.Grid)
	if err != nil {
		return err
	}
	if err := report.Write(monthDir, report.Inputs{Month: m, Budget: res.Budget, Grid: res.Grid, Monthly: monthly, Annual: annual, Disagreements: rec.Disagreements,
		Findings: rec.Findings, Projection: r.reportProjection(m, monthly, annual),
		Regional: regional, LandAnomaly: landAnom, OceanAnomaly: oceanAnom}); err != nil {
		return err
	}
	if r.NetCDF {
		if err := cfnetcdf.Write(filepath.Join(monthDir, "grid.nc"), res.Grid, "carbonbudget gridded fluxes "+m.String()); err != nil {
			return err
		}
	}
	return writeManifest(dir, m, man)
}

// writeManifest sets man's output checksums from the month's files staged
// in dir and writes it beside them.
func writeManifest(dir string, m grid.Month, man *Manifest) error {
	gridRel := gridRelPath(m)
	monthRel := filepath.Join(lake.MonthsDir, m.String())
	entries, err := os.ReadDir(filepath.Join(dir, monthRel))
	if err != nil {
		return err
	}
	rel := []string{gridRel}
	for _, e := range entries {
		if e.Name() != "manifest.json" {
			rel = append(rel, filepath.Join(monthRel, e.Name()))
		}
	}
	if man.Outputs, err = checksums(dir, rel); err != nil {
		return err
	}
	return writeJSON(filepath.Join(dir, monthRel), "manifest.json", man)
}

// gridRelPath is month m's grid file relative to the output directory.
func gridRelPath(m grid.Month) string {
	return filepath.Join("grid", fmt.Sprintf("year=%04d", m.Year), fmt.Sprintf("month=%02d", int(m.Month)), "part-0.parquet")
}

// RestageReport redraws the report of month m, staged in dir by a
// compute task that ran before the months ahead of m were published (its
// report then showed too few months, and its budget.json's disagreements
// may have lacked their baseline), from the budget.json and grid file
// staged there and the months published now; the manifest's checksums
// follow. Called by finalize just before m is published, it makes the
// month's files the same bytes as a run's.
func (r *Runner) RestageReport(ctx context.Context, m grid.Month, dir string) error {
	recs, err := lake.ReadMonths(dir)
	if err != nil {
		return fmt.Errorf("restage %s: %w", m, err)
	}
	rec, ok := recs[m]
	if !ok {
		return fmt.Errorf("restage %s: no budget.json staged in %s", m, dir)
	}
	gf, err := output.ReadGrid(ctx, filepath.Join(dir, gridRelPath(m)))
	if err != nil {
		return fmt.Errorf("restage %s: %w", m, err)
	}
	gm := output.GridMonth{Grid: r.Cfg.Grid(), Month: m}
	for _, name := range slices.Sorted(maps.Keys(gf.Columns)) {
		gm.Columns = append(gm.Columns, output.Column{Name: name, Units: gf.Units[name], Values: gf.Columns[name]})
	}
	monthly, annual, regional, err := r.tablesWith(m, &rec)
	if err != nil {
		return err
	}
	monthDir := filepath.Join(dir, lake.MonthsDir, m.String())
	// The disagreements' anomalies, like the report, need the months
	// published before this one.
	if err := lake.WriteMonth(monthDir, rec); err != nil {
		return fmt.Errorf("restage %s: %w", m, err)
	}
	landAnom, oceanAnom, err := r.reportAnomalies(ctx, m, gm)
	if err != nil {
		return fmt.Errorf("restage %s: %w", m, err)
	}
	if err := report.Write(monthDir, report.Inputs{Month: m, Budget: rec.Budget, Grid: gm, Monthly: monthly, Annual: annual, Disagreements: rec.Disagreements,
		Findings: rec.Findings, Projection: r.reportProjection(m, monthly, annual),
		Regional: regional, LandAnomaly: landAnom, OceanAnomaly: oceanAnom}); err != nil {
		return fmt.Errorf("restage %s: %w", m, err)
	}
	b, err := os.ReadFile(filepath.Join(monthDir, "manifest.json"))
	if err != nil {
		return fmt.Errorf("restage %s: %w", m, err)
	}
	var man Manifest
	if err := json.Unmarshal(b, &man); err != nil {
		return fmt.Errorf("restage %s: manifest: %w", m, err)
	}
	return writeManifest(dir, m, &man)
}

// tablesWith returns the tables of the published months up to and
// including the month being published, for its report: the report shows
// the budget as it stood at that month. Leaving out later months keeps a
// month's files a function of its own inputs and the months before it, so
// a rerun after an interrupted run gives the same bytes as an
// uninterrupted one. It also sets rec's disagreements, whose anomalies
// need the baseline months of the same calendar month. regional are the
// compared rows of the same calendar month (this month's among them) with
// their anomalies, for the report's regional figure.
func (r *Runner) tablesWith(month grid.Month, rec *lake.MonthRecord) (monthly, annual []lake.Row, regional []lake.RegionRow, err error) {
	months, err := r.published.ReadMonths(r.Cfg.OutputDir)
	if err != nil {
		return nil, nil, nil, err
	}
	months[month] = *rec
	var findingRows []lake.RegionRow
	for m, mr := range months {
		if month.Before(m) {
			delete(months, m)
			continue
		}
		if m.Month == month.Month {
			regional = append(regional, comparedRows(mr.Regional)...)
			findingRows = append(findingRows, budget.FindingRows(mr.Regional)...)
		}
		mr.Regional = nil // the report shows the budget tables only
		months[m] = mr
	}
	budget.RegionalAnomalies(regional, r.baseline())
	rec.Disagreements = budget.Disagreements(month.String(), budget.Agreement(regional, r.baseline()))
	rec.Findings = nil
	for _, f := range budget.Findings(findingRows, r.baseline(), budget.FindingOptions{K: r.Cfg.Baseline.FindingSigmas}) {
		if f.Period == month.String() {
			rec.Findings = append(rec.Findings, f)
		}
	}
	t := budget.Tables(months, r.baseline())
	return t.Monthly, t.Annual, regional, nil
}

// comparedRows are the regional rows that budget.Agreement compares: the
// land and ocean sinks, their members' (land_sink:NAME, whose spread is
// the bottom-up σ) and the inversions' (land_topdown, land_topdown:NAME).
func comparedRows(rows []lake.RegionRow) []lake.RegionRow {
	var out []lake.RegionRow
	for _, r := range rows {
		for _, c := range []string{lake.CompLand, lake.CompOcean, lake.CompLandTopDown, lake.CompOceanTopDown} {
			if r.Component == c || strings.HasPrefix(r.Component, c+":") {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// inversionSource is the catalogue's source of the atmospheric inversion
// products (ingest/builder.InversionSource; the pipeline imports no
// builder).
const inversionSource = "inversions"

// inversions are the cube's inversion products for the budget (land:
// biosphere plus fire), and the configured products that do not have the
// month yet.
func inversions(c *cube.Cube) (have []budget.Inversion, missing []string) {
	for _, name := range c.Models(cube.InvBioPrefix) {
		inv := budget.Inversion{Name: name}
		bio := c.Fields[cube.InvBioPrefix+name]
		inv.Land = bio
		if fire, ok := c.Fields[cube.InvFirePrefix+name]; ok {
			sum := grid.NewField(bio.Grid, "inv_land", bio.Units)
			for i, v := range bio.Values {
				sum.Values[i] = v + fire.Values[i]
			}
			inv.Land = sum
		}
		inv.Ocean = c.Fields[cube.InvOceanPrefix+name]
		have = append(have, inv)
	}
	for _, e := range c.Catalogue {
		if e.Source == inversionSource && e.Status == "missing" {
			missing = append(missing, e.Model)
		}
	}
	slices.Sort(missing)
	return have, missing
}

// relativeInputs are the catalogue's entries with paths relative to the
// input directory, so a manifest says the same wherever the inputs are
// mounted (and names no host's directories); paths outside it stay as
// they are.
func relativeInputs(entries []cube.Entry, inputDir string) []cube.Entry {
	out := slices.Clone(entries)
	for i, e := range out {
		out[i].Path = relativePath(e.Path, inputDir)
	}
	return out
}

// relativePath is path relative to inputDir when it lies inside it.
func relativePath(path, inputDir string) string {
	if rel, err := filepath.Rel(inputDir, path); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return path
}
