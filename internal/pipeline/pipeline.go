// Package pipeline runs one month through the stages: ingest -> ocean,
// land, fossil -> budget -> published outputs. It is the only place that
// knows every stage: the stages themselves never import each other, and
// each is called through its one entry point with typed inputs, so that a
// month (or a tile of it) can later run as a unit of work elsewhere.
package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/fossil"
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
// stage for a month of the cube and return its result in the budget's terms.
type OceanStage interface {
	Run(ctx context.Context, m grid.Month, c *cube.Cube) (OceanOut, error)
	Models() []ModelRef
}

// LandStage adapts the land stage.
type LandStage interface {
	Run(ctx context.Context, m grid.Month, c *cube.Cube) (LandOut, error)
	Models() []ModelRef
}

// OceanOut is the ocean stage's result as the budget needs it.
type OceanOut struct {
	Flux    budget.Flux
	PCO2Sea *grid.Field
}

// LandOut is the land stage's result as the budget needs it.
type LandOut struct {
	Flux budget.Flux
	Fire *grid.Field
	ELUC budget.Term
}

// Runner computes and publishes months.
type Runner struct {
	Cfg         *config.Config
	Log         *slog.Logger
	CodeVersion string
	Regions     Regions
	Cubes       Cubes
	Ocean       OceanStage
	Land        LandStage
	CO2         *budget.CO2Record
	// SCement gives the cement carbonation sink of a month (GtC).
	SCement func(m grid.Month) budget.Term

	gridder *fossil.Gridder
}

// MonthResult is what Month reports for the ledger.
type MonthResult struct {
	Month       grid.Month
	Budget      budget.Budget
	CubeKey     string
	Provisional []string
	Outputs     map[string]string
}

// Month computes month m and publishes its outputs. A failure leaves the
// previously published files of m untouched.
func (r *Runner) Month(ctx context.Context, m grid.Month) (*MonthResult, error) {
	timings := Timings{}
	lap := func(name string, start time.Time) { timings[name] = seconds(time.Since(start)) }

	t0 := time.Now()
	c, err := r.Cubes.Cube(ctx, m)
	if err != nil {
		return nil, fmt.Errorf("ingest %s: %w", m, err)
	}
	lap("ingest", t0)

	t0 = time.Now()
	oc, err := r.Ocean.Run(ctx, m, c)
	if err != nil {
		return nil, fmt.Errorf("ocean %s: %w", m, err)
	}
	lap("ocean", t0)

	t0 = time.Now()
	ld, err := r.Land.Run(ctx, m, c)
	if err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	lap("land", t0)

	t0 = time.Now()
	fos, err := r.fossil(ctx, m, c)
	if err != nil {
		return nil, err
	}
	lap("fossil", t0)

	st := StageResults{Ocean: oc, Land: ld, Fossil: fos}
	if err := saveStages(r.Cfg.WorkDir, m, c.Grid, st); err != nil {
		return nil, fmt.Errorf("save stage results %s: %w", m, err)
	}
	res, err := r.closeAndPublish(ctx, m, c, st, timings)
	if err != nil {
		return nil, err
	}
	r.Log.Info("month done", "month", m, "e_fos", res.Budget.EFos.GtC, "s_ocean", res.Budget.SOcean.GtC,
		"s_land", res.Budget.SLand.GtC, "g_atm", res.Budget.GAtm.GtC, "b_im", res.Budget.BIm.GtC, "provisional", c.Missing)
	return res, nil
}

// Budget reruns only the budget stage of month m from the stage results
// the last run saved, and republishes the month.
func (r *Runner) Budget(ctx context.Context, m grid.Month) (*MonthResult, error) {
	c, err := r.Cubes.Cube(ctx, m)
	if err != nil {
		return nil, fmt.Errorf("ingest %s: %w", m, err)
	}
	st, err := loadStages(r.Cfg.WorkDir, m, c.Grid)
	if err != nil {
		return nil, err
	}
	return r.closeAndPublish(ctx, m, c, st, Timings{})
}

// closeAndPublish runs the budget stage on the stage results and publishes.
func (r *Runner) closeAndPublish(ctx context.Context, m grid.Month, c *cube.Cube, st StageResults, timings Timings) (*MonthResult, error) {
	t0 := time.Now()
	in := budget.Inputs{Grid: c.Grid, LandFraction: r.Regions.LandFraction(), Regions: r.Regions, CO2: r.CO2,
		Fossil: st.Fossil, Ocean: st.Ocean.Flux, Land: st.Land.Flux, Fire: st.Land.Fire, PCO2Sea: st.Ocean.PCO2Sea, ELUC: st.Land.ELUC}
	if r.SCement != nil {
		in.SCement = r.SCement(m)
	}
	res, err := budget.Run(ctx, m, in, budget.Options{})
	if err != nil {
		return nil, err
	}
	timings["budget"] = seconds(time.Since(t0))
	t0 = time.Now()
	man := &Manifest{Month: m.String(), CodeVersion: r.CodeVersion, ConfigHash: r.Cfg.Hash(), CubeKey: c.Key,
		Inputs: c.Catalogue, Provisional: c.Missing}
	if y, err := r.Cfg.YAML(); err == nil {
		man.Config = string(y)
	}
	man.Models = append(r.Ocean.Models(), r.Land.Models()...)
	outputs, err := r.publish(m, res, man, timings)
	if err != nil {
		return nil, fmt.Errorf("publish %s: %w", m, err)
	}
	timings["publish"] = seconds(time.Since(t0))
	return &MonthResult{Month: m, Budget: res.Budget, CubeKey: c.Key, Provisional: c.Missing, Outputs: outputs}, nil
}

func (r *Runner) fossil(ctx context.Context, m grid.Month, c *cube.Cube) (budget.Flux, error) {
	if r.gridder == nil {
		gr, err := fossil.NewGridder(c.Grid, r.Regions, nil)
		if err != nil {
			return budget.Flux{}, fmt.Errorf("fossil %s: %w", m, err)
		}
		r.gridder = gr
	}
	recs := make([]fossil.Record, len(c.Fossil))
	for i, f := range c.Fossil {
		recs[i] = fossil.Record{Country: f.Country, Date: f.Date, Sector: f.Sector, MtCO2PerDay: f.MtCO2PerDay}
	}
	res, err := fossil.Run(ctx, m, fossil.Inputs{Records: recs, Gridder: r.gridder}, fossil.Options{})
	if err != nil {
		return budget.Flux{}, err
	}
	return budget.Flux{Term: budget.Term{GtC: res.GtC, SigmaGtC: res.SigmaGtC, Provisional: res.Provisional}, Mean: res.Grid}, nil
}

// publish writes the month's grid file, then its month directory through a
// staging directory swapped in by rename, then rebuilds the tables. Each
// file is complete or absent: readers never see half a month.
func (r *Runner) publish(m grid.Month, res *budget.Result, man *Manifest, timings Timings) (map[string]string, error) {
	out := r.Cfg.OutputDir
	res.Grid.Meta = map[string]string{"carbonbudget:version": r.CodeVersion, "carbonbudget:config_hash": man.ConfigHash}
	gridPath := output.GridPath(out, m)
	if err := output.WriteGrid(gridPath, res.Grid); err != nil {
		return nil, err
	}
	final := budget.MonthDir(out, m)
	stage, err := os.MkdirTemp(filepath.Dir(final), ".staging-"+m.String()+"-")
	if err != nil {
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			return nil, err
		}
		if stage, err = os.MkdirTemp(filepath.Dir(final), ".staging-"+m.String()+"-"); err != nil {
			return nil, err
		}
	}
	defer os.RemoveAll(stage)
	if err := budget.WriteMonth(stage, res); err != nil {
		return nil, err
	}
	monthly, annual, err := r.tablesWith(res)
	if err != nil {
		return nil, err
	}
	if err := budget.WriteReport(stage, budget.ReportInputs{Month: m, Result: res, Monthly: monthly, Annual: annual}); err != nil {
		return nil, err
	}
	rel, _ := filepath.Rel(out, gridPath)
	entries, _ := os.ReadDir(stage)
	sums, err := checksums(out, []string{rel})
	if err != nil {
		return nil, err
	}
	stSums, err := checksums(stage, names(entries))
	if err != nil {
		return nil, err
	}
	for k, v := range stSums {
		sums[filepath.Join(budget.MonthsDir, m.String(), k)] = v
	}
	man.Outputs = sums
	if err := writeJSON(stage, "manifest.json", man); err != nil {
		return nil, err
	}
	if err := writeJSON(stage, "timings.json", timings); err != nil {
		return nil, err
	}
	if err := swapDir(stage, final); err != nil {
		return nil, err
	}
	if err := budget.WriteTables(out, budget.Baseline{FromYear: r.Cfg.Baseline.FromYear, ToYear: r.Cfg.Baseline.ToYear}); err != nil {
		return nil, err
	}
	return sums, nil
}

// tablesWith returns the tables including the month being published, for
// its report.
func (r *Runner) tablesWith(res *budget.Result) (monthly, annual []budget.Row, err error) {
	months, err := budget.ReadMonths(r.Cfg.OutputDir)
	if err != nil {
		return nil, nil, err
	}
	months[res.Month] = budget.MonthRecord{Budget: res.Budget, GAtmDeseasonalisedGtC: res.GAtmDeseasonalisedGtC}
	monthly, annual = budget.Tables(months, budget.Baseline{FromYear: r.Cfg.Baseline.FromYear, ToYear: r.Cfg.Baseline.ToYear})
	return monthly, annual, nil
}

func names(entries []os.DirEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// swapDir replaces final with stage: the old directory is renamed aside,
// the new one renamed in, and the old one removed. Between the two renames
// a reader finds no directory at all (never a mixed one); a crash there
// leaves the old copy under .old-*, which Recover (run before every
// publish) puts back.
func swapDir(stage, final string) error {
	if err := os.Chmod(stage, 0o755); err != nil {
		return err
	}
	if err := Recover(final); err != nil {
		return err
	}
	old := ""
	if _, err := os.Stat(final); err == nil {
		old = filepath.Join(filepath.Dir(final), ".old-"+filepath.Base(final))
		os.RemoveAll(old)
		if err := os.Rename(final, old); err != nil {
			return err
		}
	}
	if err := os.Rename(stage, final); err != nil {
		if old != "" {
			os.Rename(old, final) // put the previous month back
		}
		return err
	}
	if old != "" {
		os.RemoveAll(old)
	}
	d, err := os.Open(filepath.Dir(final))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Recover undoes a publish interrupted between its two renames: when final
// is missing and its .old-* copy exists, the copy is put back.
func Recover(final string) error {
	old := filepath.Join(filepath.Dir(final), ".old-"+filepath.Base(final))
	if _, err := os.Stat(final); err == nil {
		return nil
	}
	if _, err := os.Stat(old); err != nil {
		return nil
	}
	return os.Rename(old, final)
}
