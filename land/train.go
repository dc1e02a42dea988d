package land

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/xgb"
)

// TrainSpec says which members to train on which years.
type TrainSpec struct {
	// FirstYear is the first year read; HeldOutYear is N: members fit on
	// FirstYear..N−1, stop early on year N and are scored on it (the
	// member's Skill); later years are not read. A member whose output
	// ends before N (in production a DGVM lags a year) holds out its own
	// last year instead, which its skill records.
	FirstYear, HeldOutYear int
	// DGVMs names the models to emulate (nbp/<MODEL> in the cube).
	DGVMs []string
	// Climatology is the baseline the anomaly features are taken against.
	// nil: computed from the cubes over the default baseline 2015–2022,
	// clipped to the training years (FirstYear..N−1 when they do not
	// overlap it). Run must be given a climatology of the same years.
	Climatology *Climatology
	// NoTrend leaves the linear CO2 term out (see Trend).
	NoTrend bool
	// WholeTarget makes the trees learn the whole NBP instead of its
	// anomaly against the DGVM's own climatology (Model.AnomalyTarget).
	WholeTarget bool
	// Params are the XGBoost parameters; zero fields take DefaultParams'.
	Params xgb.Params
	// Rounds (0: DefaultRounds), EarlyStoppingRounds (0: 20) and
	// MaxTrainRows (0: DefaultMaxTrainRows) pass to the emulator package.
	Rounds, EarlyStoppingRounds, MaxTrainRows int
	// ModelsDir, when set, is where Train saves the members and the
	// climatology (<ModelsDir>/land/...).
	ModelsDir string
	// Only, when set, trains just the member of that name (see
	// MemberNames), with the ensemble's shared record and climatology:
	// one task of a training spread over a cluster, whose results
	// emulator.MergeMembers joins.
	Only   string
	Logger *slog.Logger
}

// MemberNames are the names of the members Train trains for dgvms, in
// training order.
func MemberNames(dgvms []string) []string {
	names := make([]string, len(dgvms))
	for i, d := range dgvms {
		names[i] = memberName(d)
	}
	return names
}

// Training defaults. Three members of up to DefaultRounds trees of
// DefaultParams must predict a 0.25° month in under 5 s on two cores
// (BenchmarkRunQuarterDegree: prediction costs rows × trees × depth, and
// 400 trees of depth 8 took 2 s a member) and train on 24 years at 1° in
// under four minutes (BenchmarkTrainOneDegree24Years). On the twin world
// at 2°, 150 trees at a learning rate of 0.2 on 800,000 rows scored as
// well as 400 trees at 0.1 on 400,000 (held-out annual errors within
// 0.14 GtC/yr either way); depth 6 scored worse at the same cost.
const (
	DefaultRounds       = 150
	DefaultMaxTrainRows = 800_000
)

// ClimatologyFile is the climatology Train saves beside the members.
const ClimatologyFile = "climatology.bin"

// DefaultParams are the land members' XGBoost parameters.
func DefaultParams() xgb.Params {
	return xgb.Params{MaxDepth: 8, Eta: 0.2, Subsample: 0.8, ColsampleByTree: 0.8, MinChildWeight: 5, Seed: 7, NThread: 2}
}

// Train fits one emulator per DGVM (target nbp/<MODEL>, g C m⁻² month⁻¹
// into land, every month with output in FirstYear..N−1, early-stopped and
// scored on year N) and saves them when spec.ModelsDir is set.
//
// It reads the cubes of FirstYear..HeldOutYear, and the three months
// before each (lagged features), from a.
func Train(ctx context.Context, a Archive, spec TrainSpec) (*Models, error) {
	c := cubeFields(a.Cube)
	s, lf, err := resolveSpec(a, spec)
	if err != nil {
		return nil, err
	}
	g := lf.Grid
	clim := s.Climatology
	first, last := clim.Years()
	ms := &Models{Grid: g, HeldOutYear: s.HeldOutYear, ClimFirstYear: first, ClimLastYear: last, Climatology: clim}
	ok := false
	defer func() {
		if !ok {
			ms.Close()
		}
	}()
	tb, err := newTrendBasis(clim)
	if err != nil {
		return nil, fmt.Errorf("train land: %w", err)
	}
	for _, model := range s.DGVMs {
		mm := &Model{Name: memberName(model), DGVM: model}
		if s.Only != "" && mm.Name != s.Only {
			continue
		}
		if err := trainMember(ctx, drivers{c, clim}, s, lf.Values, tb, mm); err != nil {
			return nil, err
		}
		ms.Members = append(ms.Members, mm)
	}
	if len(ms.Members) == 0 {
		return nil, fmt.Errorf("train land: no member %q (members: %v)", s.Only, MemberNames(s.DGVMs))
	}
	if s.ModelsDir != "" {
		if err := ms.Save(s.ModelsDir); err != nil {
			return nil, err
		}
		if err := clim.Fill(ctx, climatologyFields(s)...); err != nil {
			return nil, fmt.Errorf("train land: climatology: %w", err)
		}
		if err := clim.Save(filepath.Join(Dir(s.ModelsDir), ClimatologyFile)); err != nil {
			return nil, fmt.Errorf("train land: %w", err)
		}
	}
	ok = true
	return ms, nil
}

// climatologyFields are the fields Run reads from the climatology: the
// drivers, fire and the NBP of the members, which have an anomaly target
// unless WholeTarget. They follow the spec, not the members trained, so
// that every task of a training spread over a cluster (Only) saves the
// same climatology.
func climatologyFields(s TrainSpec) []string {
	names := append(append([]string(nil), Drivers...), fieldFire)
	if !s.WholeTarget {
		for _, d := range s.DGVMs {
			names = append(names, NBPField(d))
		}
	}
	return names
}

// resolveSpec fills defaults, reads the land fraction and makes the
// climatology when none is given.
func resolveSpec(a Archive, s TrainSpec) (TrainSpec, *grid.Field, error) {
	c := cubeFields(a.Cube)
	if s.FirstYear == 0 || s.HeldOutYear <= s.FirstYear {
		return s, nil, fmt.Errorf("train land: first year %d and held-out year %d: need first < held-out", s.FirstYear, s.HeldOutYear)
	}
	if len(s.DGVMs) == 0 {
		return s, nil, fmt.Errorf("train land: no DGVMs to emulate")
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	s.Params = s.Params.WithDefaults(DefaultParams())
	s.Rounds = cmpOr(s.Rounds, DefaultRounds)
	s.MaxTrainRows = cmpOr(s.MaxTrainRows, DefaultMaxTrainRows)
	lf, err := landFraction(c, grid.Month{Year: s.FirstYear, Month: 1}, grid.Grid{})
	if err != nil {
		return s, nil, fmt.Errorf("train land: %w", err)
	}
	if s.Climatology == nil {
		first, last := climYears(s.FirstYear, s.HeldOutYear)
		if s.Climatology, err = NewClimatology(a, lf.Grid, first, last); err != nil {
			return s, nil, fmt.Errorf("train land: %w", err)
		}
	}
	if cg := s.Climatology.Grid(); cg != lf.Grid {
		return s, nil, fmt.Errorf("train land: climatology on %v, cubes on %v", cg, lf.Grid)
	}
	return s, lf, nil
}

// climYears is the default baseline clipped to the training years, or all
// the training years when the two do not overlap.
func climYears(firstYear, heldOutYear int) (int, int) {
	first := max(DefaultBaselineFirstYear, firstYear)
	last := min(DefaultBaselineLastYear, heldOutYear-1)
	if first > last {
		return firstYear, heldOutYear - 1
	}
	return first, last
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// trainMember trains member mm on the months in FirstYear..HeldOutYear
// that have its output: finds its cells, fits the CO2 trend, trains the
// trees on the target without it, and scores the full target on the
// held-out year.
func trainMember(ctx context.Context, d drivers, s TrainSpec, landFrac []float32, tb *trendBasis, mm *Model) error {
	target := NBPField(mm.DGVM)
	months, mask, err := memberCoverage(ctx, d.c, target, landFrac, s.FirstYear, s.HeldOutYear)
	if err != nil {
		return fmt.Errorf("train land member %s: %w", mm.Name, err)
	}
	mm.Mask = mask
	heldOut := months[len(months)-1].Year
	if heldOut < s.HeldOutYear {
		s.Logger.Info("land member holds out its last year", "member", mm.Name, "held_out_year", heldOut)
	}
	cells := maskCells(mask)
	if !s.NoTrend {
		if mm.Trend, err = fitTrend(ctx, d, tb, target, months, cells, heldOut); err != nil {
			return fmt.Errorf("train land member %s: %w", mm.Name, err)
		}
	}
	mm.AnomalyTarget = !s.WholeTarget
	if mm.AnomalyTarget && !s.NoTrend {
		// Centre the trend on the climatology years, so that the target
		// minus climatology and trend is an anomaly about zero there.
		if mm.Trend.RefPPM, err = meanXCO2(d.c, d.clim); err != nil {
			return fmt.Errorf("train land member %s: %w", mm.Name, err)
		}
	}
	es := emulator.TrainSpec{
		Name: mm.Name, Target: target, TargetUnits: emulator.FluxUnits, Grid: d.clim.Grid(), Spec: Features(),
		TrainMonths: months, HeldOutYear: heldOut, Cells: cells,
		Params: s.Params, Rounds: s.Rounds, EarlyStoppingRounds: s.EarlyStoppingRounds,
		MaxTrainRows: s.MaxTrainRows, SumScale: 1 / emulator.GramsPerGt, SumUnits: "GtC month-1 (full cell area, trend removed)",
		Logger: s.Logger,
	}
	if mm.Emulator, _, err = emulator.Train(ctx, es, d, detrended(d, mm, tb)); err != nil {
		return fmt.Errorf("train land member %s: %w", mm.Name, err)
	}
	if mm.Skill, err = scoreMember(ctx, d, mm, months, heldOut, landFrac, tb); err != nil {
		mm.Emulator.Close()
		mm.Emulator = nil
		return fmt.Errorf("train land member %s: %w", mm.Name, err)
	}
	s.Logger.Info("land member trained", "member", mm.Name, "r2", mm.Skill.R2, "rmse", mm.Skill.RMSE,
		"trend_slopes_per_ppm", mm.Trend.SlopesPerPPM, "annual_error_gtc", mm.Skill.AnnualErrorGtC())
	return nil
}

// memberCoverage lists the months of years first..last that serve the
// target with at least one value and whose lagged drivers are served (the
// first months of the cubes have no months before them), and the land
// cells with a value in any of the months before last (the training
// months).
func memberCoverage(ctx context.Context, c emulator.Cubes, target string, landFrac []float32, first, last int) ([]grid.Month, []bool, error) {
	var months []grid.Month
	mask := make([]bool, len(landFrac))
	for _, m := range grid.Range(grid.Month{Year: first, Month: 1}, grid.Month{Year: last, Month: 12}) {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if _, err := c.Field(m.Add(-lagMonths), fieldT2m); err != nil {
			continue // too early for the lagged features
		}
		f, err := c.Field(m, target)
		if err != nil || f == nil || len(f.Values) != len(landFrac) {
			continue // not run this far (or not from this far back)
		}
		has := false
		for i, v := range f.Values {
			if v == v && landFrac[i] > 0 {
				has = true
				if m.Year < last {
					mask[i] = true
				}
			}
		}
		if has {
			months = append(months, m)
		}
	}
	if len(months) == 0 {
		return nil, nil, fmt.Errorf("no values of %s on land in %d-%d", target, first, last)
	}
	return months, mask, nil
}

func maskCells(mask []bool) []int {
	var cells []int
	for i, in := range mask {
		if in {
			cells = append(cells, i)
		}
	}
	return cells
}

// detrended is the member's target minus its offsets (see Model.offsets).
func detrended(d drivers, mm *Model, tb *trendBasis) emulator.TargetFunc {
	return func(m grid.Month) (*grid.Field, error) {
		f, err := d.c.Field(m, NBPField(mm.DGVM))
		if err != nil || (mm.Trend.zero() && !mm.AnomalyTarget) {
			return f, err
		}
		x, err := xco2PPM(d.c, m)
		if err != nil {
			return nil, err
		}
		off, err := mm.offsets(tb, m, x)
		if err != nil {
			return nil, err
		}
		out := f.Clone()
		for i := range out.Values {
			out.Values[i] -= off[i] // NaN stays NaN
		}
		return out, nil
	}
}

// meanXCO2 is the mean atmospheric CO2 over the climatology's years.
func meanXCO2(c emulator.Cubes, clim *Climatology) (float64, error) {
	first, last := clim.Years()
	var sum float64
	months := grid.Range(grid.Month{Year: first, Month: 1}, grid.Month{Year: last, Month: 12})
	for _, m := range months {
		x, err := xco2PPM(c, m)
		if err != nil {
			return 0, err
		}
		sum += x
	}
	return sum / float64(len(months)), nil
}
