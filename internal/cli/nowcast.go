package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest/enso"
	"github.com/carbonbudget/carbonbudget/ingest/noaa"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/nowcast"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/pipeline"
	"github.com/carbonbudget/carbonbudget/internal/validation"
)

const nowcastSynopsis = `nowcast [--config FILE] [--out DIR]
       nowcast --hindcast 1990-2025 --as-of-month 6 --real DIR [--write DIR]
       nowcast --hindcast 2015-2024 --as-of-month 6 --truth DIR/truth [--oni FILE] [--out DIR] [--write DIR]`

// runNowcast prints the projection of the year in progress from the
// published months, or replays it over past years (--hindcast) and scores
// it: on the real NOAA record and ONI (--real), or on the twin world's
// published months against its truth (--truth).
func runNowcast(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "nowcast", nowcastSynopsis, true)
	years := fs.String("hindcast", "", "replay the projection over these years, FIRST-LAST")
	asOf := fs.Int("as-of-month", 6, "with --hindcast: the month of each year the projection is made in (data to its end), 1..12")
	real := fs.String("real", "", "with --hindcast: the real-data directory (noaa_gml/co2_mm_gl.txt, co2_mm_mlo.txt, co2_gr_gl.csv, enso/oni.ascii.txt)")
	truth := fs.String("truth", "", "with --hindcast: the twin world's truth directory; scores the published months' projection of every term")
	oni := fs.String("oni", "", "the ONI file (oni.ascii.txt); default: --real's, or "+pipeline.ONIPath+" under the input directory")
	write := fs.String("write", "", "with --hindcast: publish "+lake.HindcastCSV+" and "+lake.SkillJSON+" in this directory (default with --truth: the output directory)")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	if *years == "" {
		if *real != "" || *truth != "" {
			return fmt.Errorf("%w: --real and --truth go with --hindcast FIRST-LAST", ErrUsage)
		}
		return printProjection(env, cfg, *oni)
	}
	from, to, err := parseYears(*years)
	if err != nil {
		return fmt.Errorf("%w: --hindcast %v", ErrUsage, err)
	}
	if *asOf < 1 || *asOf > 12 {
		return fmt.Errorf("%w: --as-of-month %d: want 1..12", ErrUsage, *asOf)
	}
	h := hindcastRun{from: from, to: to, month: time.Month(*asOf)}
	switch {
	case *real != "" && *truth == "":
		err = h.real(*real, *oni)
	case *truth != "" && *real == "":
		err = h.twin(cfg, env.Log, *truth, *oni)
		if *write == "" {
			*write = cfg.OutputDir
		}
	default:
		return fmt.Errorf("%w: --hindcast needs one of --real DIR or --truth DIR", ErrUsage)
	}
	if err != nil {
		return err
	}
	h.print(env.Stdout)
	if *write != "" {
		if err := lake.WriteHindcast(*write, h.rows, h.skill); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "\nwritten: %s, %s\n", filepath.Join(*write, lake.HindcastCSV), filepath.Join(*write, lake.SkillJSON))
	}
	return nil
}

// hindcastRun gathers the forecasts and skill of one hindcast.
type hindcastRun struct {
	from, to int
	month    time.Month
	rows     []lake.HindcastRow
	skill    []lake.SkillRow
}

func (h *hindcastRun) add(series, unit, truth string, fs []nowcast.Forecast) {
	for _, f := range fs {
		h.rows = append(h.rows, lake.HindcastRow{Series: series, Unit: unit, AsOfMonth: int(h.month), Year: f.Year,
			Method: f.Method, Value: f.Value, Sigma: f.Sigma, Truth: f.Truth})
	}
	for _, s := range nowcast.Score(fs) {
		h.skill = append(h.skill, lake.SkillRow{Series: series, Unit: unit, Truth: truth, AsOfMonth: int(h.month),
			FromYear: h.from, ToYear: h.to, Method: s.Method, Years: s.Years, RMSE: s.RMSE, Bias: s.Bias,
			Within1Sigma: s.Within1Sigma, Within2Sigma: s.Within2Sigma, Outside2Sigma: s.Outside2Sigma})
	}
}

// real replays the growth projections on NOAA's real record: the global
// one scored against NOAA's published growth (co2_gr_gl.csv), Mauna Loa's
// against NOAA's method applied to its monthly record.
func (h *hindcastRun) real(dir, oniPath string) error {
	in := nowcast.Inputs{CO2: map[string]nowcast.CO2Record{}}
	for name, file := range map[string]string{"global": "co2_mm_gl.txt", "mlo": "co2_mm_mlo.txt"} {
		m, err := noaa.ReadMonthlyFile(filepath.Join(dir, "noaa_gml", file))
		if err != nil {
			return err
		}
		in.CO2[name] = nowcast.RecordOf(m)
	}
	mlo := in.CO2["mlo"]
	mlo.Window = nowcast.MLOWindow
	in.CO2["mlo"] = mlo
	if oniPath == "" {
		oniPath = filepath.Join(dir, "enso", "oni.ascii.txt")
	}
	x, err := enso.ReadFile(oniPath)
	if err != nil {
		return err
	}
	in.ONI = nowcast.ONIOf(x)
	gr, err := noaa.ReadAnnualFile(filepath.Join(dir, "noaa_gml", "co2_gr_gl.csv"))
	if err != nil {
		return err
	}
	h.add("growth_global", lake.UnitPPMPerYear, "NOAA co2_gr_gl ("+gr.Vintage+")",
		nowcast.HindcastGrowth("global", in, nowcast.GrowthOf(gr), h.from, h.to, h.month))
	h.add("growth_mlo", lake.UnitPPMPerYear, "NOAA's method on co2_mm_mlo",
		nowcast.HindcastGrowth("mlo", in, nowcast.NOAAGrowthSeries(mlo.TrendPPM, nowcast.MLOWindow), h.from, h.to, h.month))
	return nil
}

// twin replays the projection of every term from the published months of
// the output directory and scores it against the twin's truth; with an
// ONI, the growth of the twin's NOAA record too.
func (h *hindcastRun) twin(cfg *config.Config, log *slog.Logger, truthDir, oniPath string) error {
	rows, annual, err := readBudgetTables(cfg.OutputDir)
	if err != nil {
		return err
	}
	tr, err := validation.TruthAnnual(truthDir)
	if err != nil {
		return err
	}
	truth := map[string]nowcast.Annual{}
	for y, terms := range tr {
		for _, name := range nowcast.TermNames {
			if truth[name] == nil {
				truth[name] = nowcast.Annual{}
			}
			if v, ok := terms[strings.ToUpper(name)]; ok {
				truth[name][y] = v
			}
		}
	}
	var in nowcast.Inputs
	in.TermsGtC, in.TermSigmasGtC = nowcast.TermsFromRows(rows)
	in.AnnualSigmasGtC = nowcast.AnnualSigmasFromRows(annual)
	fcs := nowcast.HindcastTerms(in, truth, h.from, h.to, h.month)
	for _, name := range nowcast.TermNames {
		if fs, ok := fcs[name]; ok {
			h.add(name, lake.UnitGtCPerYear, "twin truth", fs)
		}
	}
	// The growth of the twin's NOAA record, with the ONI of --oni or the
	// twin's own enso/oni.ascii.txt.
	cin := (&pipeline.Runner{Cfg: cfg, Log: log}).ProjectionInputs(nil, nil)
	if oniPath != "" {
		x, err := enso.ReadFile(oniPath)
		if err != nil {
			return err
		}
		cin.ONI = nowcast.ONIOf(x)
	}
	if rec, ok := cin.CO2["global"]; ok && len(cin.ONI) > 0 {
		h.add("growth_global", lake.UnitPPMPerYear, "NOAA's method on the twin's co2_mm_gl",
			nowcast.HindcastGrowth("global", cin, nowcast.NOAAGrowthSeries(rec.TrendPPM, nowcast.GlobalWindow), h.from, h.to, h.month))
	}
	return nil
}

func (h *hindcastRun) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "SERIES\tAS OF\tYEARS\tMETHOD\tN\tRMSE\tBIAS\tWITHIN 1σ\tWITHIN 2σ\tOUTSIDE 2σ\t\n")
	for _, s := range h.skill {
		fmt.Fprintf(tw, "%s\t%s\t%d-%d\t%s\t%d\t%.3f %s\t%+.3f\t%.0f%%\t%.0f%%\t%v\t\n", s.Series, time.Month(s.AsOfMonth).String()[:3],
			s.FromYear, s.ToYear, s.Method, s.Years, s.RMSE, s.Unit, s.Bias, 100*s.Within1Sigma, 100*s.Within2Sigma, s.Outside2Sigma)
	}
	tw.Flush()
}

// printProjection prints the projection of every year of the published
// months, as the update publishes it (without writing it).
func printProjection(env *Env, cfg *config.Config, oniPath string) error {
	rows, annual, err := readBudgetTables(cfg.OutputDir)
	if err != nil {
		return err
	}
	in := (&pipeline.Runner{Cfg: cfg, Log: env.Log}).ProjectionInputs(rows, annual)
	if oniPath != "" {
		x, err := enso.ReadFile(oniPath)
		if err != nil {
			return err
		}
		in.ONI = nowcast.ONIOf(x)
	}
	var latest grid.Month
	for _, s := range in.TermsGtC {
		for m := range s {
			if latest.Before(m) {
				latest = m
			}
		}
	}
	if latest == (grid.Month{}) {
		return fmt.Errorf("nowcast: no month published in %s", cfg.OutputDir)
	}
	p, err := nowcast.Project(nowcast.PublishedAsOf(latest), in)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%d as projected with data to %s (maturity: projected)\n", p.Year, p.AsOf)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "TERM\tGtC/yr\t±1σ\tSO FAR\tMONTHS\t\n")
	for _, name := range nowcast.TermNames {
		if t, ok := p.Terms[name]; ok {
			fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%d\t\n", name, t.GtC, t.SigmaGtC, t.YTDGtC, t.MonthsObserved)
		}
	}
	tw.Flush()
	for _, n := range slices.Sorted(maps.Keys(p.Growth)) {
		g := p.Growth[n]
		fmt.Fprintf(env.Stdout, "CO2 growth (%s): %.2f ± %.2f ppm/yr (ENSO only %.2f, last year %.2f; ONI lag %d months)\n",
			n, g.PPMPerYear, g.SigmaPPMPerYear, g.ENSOOnlyPPMPerYear, g.PersistencePPMPerYear, g.LagMonths)
	}
	for _, k := range slices.Sorted(maps.Keys(p.Skipped)) {
		fmt.Fprintf(env.Stdout, "not projected: %s: %s\n", k, p.Skipped[k])
	}
	return nil
}

// readBudgetTables reads budget_monthly and budget_annual under out.
func readBudgetTables(out string) (monthly, annual []lake.Row, err error) {
	if monthly, err = output.ReadParquet[lake.Row](filepath.Join(out, "budget_monthly.parquet")); err != nil {
		return nil, nil, err
	}
	if annual, err = output.ReadParquet[lake.Row](filepath.Join(out, "budget_annual.parquet")); err != nil {
		return nil, nil, err
	}
	return monthly, annual, nil
}
