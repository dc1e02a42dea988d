package ocean

import (
	"context"
	"fmt"
	"log/slog"
	"math"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/seawater"
	"github.com/carbonbudget/carbonbudget/internal/xgb"
)

// TrainSpec says which members to train on which years.
type TrainSpec struct {
	// FirstYear is the first year read; HeldOutYear is N: members fit on
	// FirstYear..N−1, stop early on year N and are scored on it (the
	// card's skill); later years are not read. A member whose target ends
	// before N (in production a GOBM's output lags a year) holds out its
	// own last year instead, which its card records.
	FirstYear, HeldOutYear int
	// GOBMs names the models to emulate (fgco2/<MODEL> in the cube).
	GOBMs []string
	// NoRecon skips the pCO2 reconstruction.
	NoRecon bool
	// Params are the XGBoost parameters; zero fields take DefaultParams'.
	Params xgb.Params
	// Rounds (0: DefaultRounds), EarlyStoppingRounds (0: 20) and
	// MaxTrainRows (0: DefaultMaxTrainRows) pass to the emulator package.
	Rounds, EarlyStoppingRounds, MaxTrainRows int
	// KwTargetCmPerHour, when positive, rescales the Wanninkhof coefficient
	// so that the training years' global mean transfer velocity equals it,
	// as SeaFlux does with SeaFluxKwTargetCmPerHour (16.5) for each wind
	// product. 0 keeps seawater.WanninkhofCoefficient (0.251), which is
	// right when the wind product is the one the coefficient was fitted to
	// (and for the twin world, whose truth uses 0.251).
	KwTargetCmPerHour float64
	// ModelsDir, when set, is where Train saves the members
	// (<ModelsDir>/ocean/...).
	ModelsDir string
	// Only, when set, trains just the member of that name (see
	// MemberNames), with the ensemble's shared record: one task of a
	// training spread over a cluster, whose results
	// emulator.MergeMembers joins.
	Only   string
	Logger *slog.Logger
}

// MemberNames are the names of the members Train trains for gobms (and
// the reconstruction unless noRecon), in training order.
func MemberNames(gobms []string, noRecon bool) []string {
	var names []string
	for _, g := range gobms {
		names = append(names, gobmMemberName(g))
	}
	if !noRecon {
		names = append(names, ReconName)
	}
	return names
}

// DefaultMaxTrainRows caps each member's training rows.
const DefaultMaxTrainRows = 1_000_000

// DefaultRounds caps the trees of a member: prediction time grows with the
// trees and their depth, and four members predict the 700,000 ocean cells
// of a 0.25° month (BenchmarkRunQuarterDegree has the figures).
const DefaultRounds = 200

// DefaultParams are the ocean members' XGBoost parameters: a learning
// rate high enough to converge within DefaultRounds, depth 6 and a
// minimum child weight of 20 against fitting the pCO2 weather. On the 2°
// twin world, hindcasting each of 2019–2023 from the years before it, the
// GOBM emulators' annual global errors had an RMS of 0.123 GtC/yr with
// these, 0.132 with depth 7 and a child weight of 5, 0.121 with depth 8
// at half the learning rate (which predicts more slowly).
func DefaultParams() xgb.Params {
	return xgb.Params{MaxDepth: 6, Eta: 0.2, Subsample: 0.8, ColsampleByTree: 1, MinChildWeight: 20, Seed: 7, NThread: 2}
}

// Train fits one emulator per GOBM (target fgco2/<MODEL>, every month with
// output in FirstYear..N−1, scored on year N) and the ship-data
// reconstruction (target ΔpCO2 on the ship cells of every month in
// FirstYear..N, early-stopped and scored on year N's ship cells), fixes
// the transfer coefficient, and saves them when spec.ModelsDir is set. It
// reads the cubes of FirstYear..HeldOutYear from a.
func Train(ctx context.Context, a Archive, spec TrainSpec) (*Models, error) {
	c := drivers{a.Cube}
	s, g, oceanFrac, err := resolveSpec(c, spec)
	if err != nil {
		return nil, err
	}
	cells := oceanCells(oceanFrac)
	ms := &Models{Grid: g, HeldOutYear: s.HeldOutYear, KwTargetCmPerHour: s.KwTargetCmPerHour}
	ok := false
	defer func() {
		if !ok {
			ms.Close()
		}
	}()
	if err := ms.fixTransferCoeff(c, g, oceanFrac, s); err != nil {
		return nil, err
	}
	add := func(mm *Model, target, units string) error {
		if s.Only != "" && mm.Name != s.Only {
			return nil
		}
		if err := trainMember(ctx, c, s, g, oceanFrac, cells, mm, target, units); err != nil {
			return err
		}
		ms.Members = append(ms.Members, mm)
		return nil
	}
	for _, model := range s.GOBMs {
		mm := &Model{Name: gobmMemberName(model), Kind: KindGOBM, GOBM: model}
		if err := add(mm, gobmPrefix+model, emulator.FluxUnits); err != nil {
			return nil, err
		}
	}
	if !s.NoRecon {
		if err := add(&Model{Name: ReconName, Kind: KindReconstruction}, FieldDeltaPCO2Ship, pco2Units); err != nil {
			return nil, err
		}
	}
	if len(ms.Members) == 0 && s.Only != "" {
		return nil, fmt.Errorf("train ocean: no member %q (members: %v)", s.Only, MemberNames(s.GOBMs, s.NoRecon))
	}
	if len(ms.Members) == 0 {
		return nil, fmt.Errorf("train ocean: no GOBMs and no reconstruction to train")
	}
	if s.ModelsDir != "" {
		if err := ms.Save(s.ModelsDir); err != nil {
			return nil, err
		}
	}
	ok = true
	return ms, nil
}

// resolveSpec fills defaults and reads the grid and ocean fraction from
// the first month's land fraction.
func resolveSpec(c drivers, s TrainSpec) (TrainSpec, grid.Grid, []float32, error) {
	if s.FirstYear == 0 || s.HeldOutYear <= s.FirstYear {
		return s, grid.Grid{}, nil, fmt.Errorf("train ocean: first year %d and held-out year %d: need first < held-out", s.FirstYear, s.HeldOutYear)
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	s.Params = s.Params.WithDefaults(DefaultParams())
	if s.Rounds == 0 {
		s.Rounds = DefaultRounds
	}
	if s.MaxTrainRows == 0 {
		s.MaxTrainRows = DefaultMaxTrainRows
	}
	first := grid.Month{Year: s.FirstYear, Month: 1}
	lf, err := c.raw(first, fieldLandFrac)
	if err != nil {
		return s, grid.Grid{}, nil, fmt.Errorf("train ocean: %w", err)
	}
	if lf.Units != "1" || lf.Check() != nil {
		return s, grid.Grid{}, nil, fmt.Errorf("train ocean: field %q, %s: units %q and %d values on %v", fieldLandFrac, first, lf.Units, len(lf.Values), lf.Grid)
	}
	return s, lf.Grid, oceanFraction(lf.Values), nil
}

// oceanFraction is 1 − land fraction, clamped to 0..1; NaN land counts as
// ocean-free.
func oceanFraction(land []float32) []float32 {
	of := make([]float32, len(land))
	for i, l := range land {
		if l == l {
			of[i] = float32(math.Max(0, math.Min(1, 1-float64(l))))
		}
	}
	return of
}

func oceanCells(oceanFrac []float32) []int {
	var cells []int
	for i, of := range oceanFrac {
		if of > 0 {
			cells = append(cells, i)
		}
	}
	return cells
}

// fixTransferCoeff measures the training years' mean k_w and sets the
// coefficient, rescaled to the target when one is given.
func (ms *Models) fixTransferCoeff(c drivers, g grid.Grid, oceanFrac []float32, s TrainSpec) error {
	months := grid.Range(grid.Month{Year: s.FirstYear, Month: 1}, grid.Month{Year: s.HeldOutYear - 1, Month: 12})
	mean, err := kwMeanCmPerHour(c, g, oceanFrac, months)
	if err != nil {
		return fmt.Errorf("train ocean: %w", err)
	}
	ms.KwMeanCmPerHour = mean
	ms.TransferCoeff = seawater.WanninkhofCoefficient
	if s.KwTargetCmPerHour > 0 {
		ms.TransferCoeff = seawater.WanninkhofCoefficient * s.KwTargetCmPerHour / mean
	}
	s.Logger.Info("ocean transfer velocity", "mean_unscaled_cm_per_hour", mean, "coefficient", ms.TransferCoeff)
	return nil
}

// trainMember trains member mm's emulator of target on the months in
// FirstYear..HeldOutYear that have it and scores it on the held-out year.
func trainMember(ctx context.Context, d drivers, s TrainSpec, g grid.Grid, oceanFrac []float32, cells []int, mm *Model, target, units string) error {
	months := availableMonths(d, target, s.FirstYear, s.HeldOutYear)
	if len(months) == 0 {
		return fmt.Errorf("train ocean member %s: no values of %s in %d-%d", mm.Name, target, s.FirstYear, s.HeldOutYear)
	}
	heldOut := months[len(months)-1].Year
	if heldOut < s.HeldOutYear {
		s.Logger.Info("ocean member holds out its last year", "member", mm.Name, "held_out_year", heldOut)
	}
	es := emulator.TrainSpec{
		Name: mm.Name, Target: target, TargetUnits: units, Grid: g, Spec: Features(),
		TrainMonths: months, HeldOutYear: heldOut, Cells: cells,
		Params: s.Params, Rounds: s.Rounds, EarlyStoppingRounds: s.EarlyStoppingRounds,
		MaxTrainRows: s.MaxTrainRows, SumScale: 1 / emulator.GramsPerGt, SumUnits: "GtC month-1 (full cell area)",
		Logger: s.Logger,
	}
	targetField := func(m grid.Month) (*grid.Field, error) { return d.Field(m, target) }
	var err error
	if mm.Emulator, _, err = emulator.Train(ctx, es, d, targetField); err != nil {
		return fmt.Errorf("train ocean member %s: %w", mm.Name, err)
	}
	if mm.Skill, err = scoreMember(ctx, d, mm, target, months, heldOut, oceanFrac); err != nil {
		mm.Emulator.Close()
		return fmt.Errorf("train ocean member %s: %w", mm.Name, err)
	}
	s.Logger.Info("ocean member trained", "member", mm.Name, "r2", mm.Skill.R2, "rmse", mm.Skill.RMSE,
		"annual_error_gtc", mm.Skill.AnnualErrorGtC())
	return nil
}

// availableMonths lists the months of years first..last that serve the
// target with at least one value.
func availableMonths(d drivers, target string, first, last int) []grid.Month {
	var out []grid.Month
	for _, m := range grid.Range(grid.Month{Year: first, Month: 1}, grid.Month{Year: last, Month: 12}) {
		f, err := d.Field(m, target)
		if err != nil || f == nil {
			continue
		}
		for _, v := range f.Values {
			if v == v {
				out = append(out, m)
				break
			}
		}
	}
	return out
}
