package emulator

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/xgb"
)

// DefaultMaxTrainRows is the training-row budget when TrainSpec leaves it
// zero: about 30 s of training at 300 rounds of depth 8 on 2 cores
// (BenchmarkTrain1M in internal/xgb).
const DefaultMaxTrainRows = 1_000_000

// TargetFunc returns the field the emulator learns for month m, on the
// grid, in the spec's target units; NaN cells are not learned or scored.
type TargetFunc func(m grid.Month) (*grid.Field, error)

// TrainSpec describes one emulator to train.
type TrainSpec struct {
	Name        string    // member name for the card, e.g. "fgco2/MPIOM"
	Target      string    // target variable, e.g. "fgco2"
	TargetUnits string    // e.g. "g C m-2 month-1"
	Grid        grid.Grid // zero: the grid of the first month's target
	Spec        FeatureSpec
	// TrainMonths are the months with target data. Those before
	// HeldOutYear are trained on, those in HeldOutYear stop training early
	// and are scored; later months are refused, since they would leak the
	// future into the past.
	TrainMonths []grid.Month
	HeldOutYear int
	Cells       []int // cells to learn and score; nil: every cell
	Params      xgb.Params
	Rounds      int // at most this many rounds; 0: 500
	// EarlyStoppingRounds stops training after this many rounds without
	// improvement on the held-out year; 0: 20.
	EarlyStoppingRounds int
	// MaxTrainRows caps the training rows. When the months hold more target
	// cells than that, each month keeps at most the same number of them
	// (months with fewer keep all), drawn with Params.Seed. 0:
	// DefaultMaxTrainRows; negative: no cap. The held-out months are capped
	// the same way for early stopping, but scored on all their cells.
	MaxTrainRows int
	// SumScale multiplies the area-weighted sums Σ value·area (target units
	// × m²) in the skill report, and SumUnits names the result; e.g. 1e-15
	// and "Pg C month-1" for a target in g C m-2 month-1. 0 and "": 1 and
	// TargetUnits+" m2".
	SumScale float64
	SumUnits string
	Logger   *slog.Logger // nil: no logging
}

// resolved fills defaults and checks the spec.
func (s TrainSpec) resolved() (TrainSpec, error) {
	if s.Target == "" || s.TargetUnits == "" {
		return s, fmt.Errorf("train spec: target %q needs a name and units", s.Target)
	}
	if err := s.Spec.Validate(); err != nil {
		return s, fmt.Errorf("train %s: %w", s.Target, err)
	}
	if err := s.Params.Validate(); err != nil {
		return s, fmt.Errorf("train %s: %w", s.Target, err)
	}
	if s.Grid.Cells() == 0 {
		return s, fmt.Errorf("train %s: no grid", s.Target)
	}
	for _, c := range s.Cells {
		if c < 0 || c >= s.Grid.Cells() {
			return s, fmt.Errorf("train %s: cell %d outside grid %v", s.Target, c, s.Grid)
		}
	}
	if s.Cells == nil {
		s.Cells = allCells(s.Grid.Cells())
	}
	s.Params = s.Params.Resolved()
	s.Rounds = cmpOr(s.Rounds, 500)
	s.EarlyStoppingRounds = cmpOr(s.EarlyStoppingRounds, 20)
	s.MaxTrainRows = cmpOr(s.MaxTrainRows, DefaultMaxTrainRows)
	if s.SumScale == 0 {
		s.SumScale = 1
	}
	if s.SumUnits == "" {
		s.SumUnits = s.TargetUnits + " m2"
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// splitByTime returns the sorted, distinct months before the held-out year
// and those in it; a month after it is an error.
func splitByTime(months []grid.Month, heldOutYear int) (train, held []grid.Month, err error) {
	ms := slices.Clone(months)
	slices.SortFunc(ms, func(a, b grid.Month) int { return a.Sub(b) })
	ms = slices.Compact(ms)
	for _, m := range ms {
		switch {
		case m.Year < heldOutYear:
			train = append(train, m)
		case m.Year == heldOutYear:
			held = append(held, m)
		default:
			return nil, nil, fmt.Errorf("month %s is after the held-out year %d: training must end before it", m, heldOutYear)
		}
	}
	if len(train) == 0 || len(held) == 0 {
		return nil, nil, fmt.Errorf("held-out year %d: %d training months before it and %d in it; need both", heldOutYear, len(train), len(held))
	}
	return train, held, nil
}

// Train fits an emulator of spec.Target: on every month before the held-out
// year, stopping early on that year, which it then scores. It returns the
// model and its card; Save writes both.
func Train(ctx context.Context, spec TrainSpec, data Cubes, target TargetFunc) (*Model, *Card, error) {
	start := time.Now()
	trainMonths, heldMonths, err := splitByTime(spec.TrainMonths, spec.HeldOutYear)
	if err != nil {
		return nil, nil, fmt.Errorf("train %s: %w", spec.Target, err)
	}
	if spec.Grid.Cells() == 0 {
		t, err := target(trainMonths[0])
		if err != nil || t == nil {
			return nil, nil, fmt.Errorf("train %s: target %s: %v", spec.Target, trainMonths[0], err)
		}
		spec.Grid = t.Grid
	}
	s, err := spec.resolved()
	if err != nil {
		return nil, nil, err
	}
	b, err := NewBuilder(s.Grid, s.Spec, data)
	if err != nil {
		return nil, nil, err
	}
	counts, err := countTargets(ctx, &s, trainMonths, target)
	if err != nil {
		return nil, nil, err
	}
	perMonth := rowCap(counts, s.MaxTrainRows)
	trainSet, err := collect(ctx, b, &s, trainMonths, target, perMonth)
	if err != nil {
		return nil, nil, err
	}
	validSet, err := collect(ctx, b, &s, heldMonths, target, perMonth)
	if err != nil {
		return nil, nil, err
	}
	s.Logger.Info("emulator rows", "target", s.Target, "train_rows", trainSet.rows(), "valid_rows", validSet.rows(),
		"train_months", len(trainMonths), "held_out_year", s.HeldOutYear)
	fitStart := time.Now()
	booster, hist, err := fit(ctx, &s, trainSet, validSet)
	if err != nil {
		return nil, nil, err
	}
	fitSeconds := time.Since(fitStart).Seconds()
	modelJSON, err := booster.JSON()
	if err != nil {
		booster.Close()
		return nil, nil, fmt.Errorf("train %s: %w", s.Target, err)
	}
	model := newModel(booster, modelJSON, s.Params.NThread)
	skill, err := score(ctx, model, b, &s, heldMonths, target)
	if err != nil {
		model.Close()
		return nil, nil, err
	}
	card := newCard(&s, trainMonths, trainSet, validSet, hist, skill)
	card.TrainingSeconds = fitSeconds
	card.TotalSeconds = time.Since(start).Seconds()
	model.card = card
	s.Logger.Info("emulator trained", "target", s.Target, "r2", skill.R2, "rmse", skill.RMSE,
		"annual_sum_error", skill.Annual.Error, "seconds", card.TotalSeconds)
	return model, card, nil
}

// fit trains the booster and records the feature names in it.
func fit(ctx context.Context, s *TrainSpec, trainSet, validSet *rowSet) (*xgb.Booster, *xgb.History, error) {
	dtrain, err := xgb.NewDMatrix(trainSet.x, trainSet.rows(), trainSet.ncol, trainSet.y)
	if err != nil {
		return nil, nil, fmt.Errorf("train %s: %w", s.Target, err)
	}
	defer dtrain.Free()
	dvalid, err := xgb.NewDMatrix(validSet.x, validSet.rows(), validSet.ncol, validSet.y)
	if err != nil {
		return nil, nil, fmt.Errorf("train %s: held-out year: %w", s.Target, err)
	}
	defer dvalid.Free()
	booster, hist, err := xgb.Train(ctx, s.Params, dtrain, dvalid, s.Rounds, s.EarlyStoppingRounds)
	if err != nil {
		return nil, nil, fmt.Errorf("train %s: %w", s.Target, err)
	}
	if err := booster.SetFeatureNames(s.Spec.Names()); err != nil {
		booster.Close()
		return nil, nil, fmt.Errorf("train %s: %w", s.Target, err)
	}
	return booster, hist, nil
}

// rowSet is a feature matrix with its labels and the month of each block
// of rows.
type rowSet struct {
	x, y       []float32
	ncol       int
	months     []monthRows
	subsampled bool // some month kept only part of its cells
}

type monthRows struct {
	month grid.Month
	rows  int
}

func (r *rowSet) rows() int { return len(r.y) }

// countTargets returns the number of target cells of each month.
func countTargets(ctx context.Context, s *TrainSpec, months []grid.Month, target TargetFunc) ([]int, error) {
	counts := make([]int, len(months))
	for i, m := range months {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("train %s: %s: %w", s.Target, m, err)
		}
		t, err := targetValues(s, target, m)
		if err != nil {
			return nil, err
		}
		for _, c := range s.Cells {
			if !math.IsNaN(float64(t[c])) {
				counts[i]++
			}
		}
	}
	return counts, nil
}

// rowCap returns the largest per-month cell count k such that
// Σ min(count, k) <= budget, or -1 when no cap is needed (a negative budget
// or counts within it). k is at least 1.
func rowCap(counts []int, budget int) int {
	total, most := 0, 0
	for _, n := range counts {
		total += n
		most = max(most, n)
	}
	if budget < 0 || total <= budget {
		return -1
	}
	rows := func(k int) int {
		r := 0
		for _, n := range counts {
			r += min(n, k)
		}
		return r
	}
	lo, hi := 1, most // rows(lo) may exceed a tiny budget; 1 is the floor
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if rows(mid) <= budget {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// collect builds the rows of every month: the cells with a target value,
// at most perMonth of them (all when negative).
func collect(ctx context.Context, b *Builder, s *TrainSpec, months []grid.Month, target TargetFunc, perMonth int) (*rowSet, error) {
	ncol := len(s.Spec.Features)
	per := len(s.Cells)
	if perMonth >= 0 {
		per = min(per, perMonth)
	}
	set := &rowSet{ncol: ncol, x: make([]float32, 0, len(months)*per*ncol), y: make([]float32, 0, len(months)*per)}
	for _, m := range months {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("train %s: %s: %w", s.Target, m, err)
		}
		t, err := targetValues(s, target, m)
		if err != nil {
			return nil, err
		}
		cells := validCells(s.Cells, t)
		if perMonth >= 0 && len(cells) > perMonth {
			cells = subsample(cells, perMonth, s.Params.Seed, m)
			set.subsampled = true
		}
		if len(cells) == 0 {
			continue
		}
		x, _, _, err := b.Rows(m, cells)
		if err != nil {
			return nil, fmt.Errorf("train %s: %w", s.Target, err)
		}
		set.x = append(set.x, x...)
		for _, c := range cells {
			set.y = append(set.y, t[c])
		}
		set.months = append(set.months, monthRows{m, len(cells)})
	}
	if set.rows() == 0 {
		return nil, fmt.Errorf("train %s: no target values in %s to %s", s.Target, months[0], months[len(months)-1])
	}
	return set, nil
}

// targetValues fetches and checks the target of month m.
func targetValues(s *TrainSpec, target TargetFunc, m grid.Month) ([]float32, error) {
	t, err := target(m)
	if err != nil {
		return nil, fmt.Errorf("train %s: target %s: %w", s.Target, m, err)
	}
	switch {
	case t == nil:
		return nil, fmt.Errorf("train %s: target %s: no field", s.Target, m)
	case t.Grid != s.Grid:
		return nil, fmt.Errorf("train %s: target %s: on grid %v, want %v", s.Target, m, t.Grid, s.Grid)
	case t.Units != s.TargetUnits:
		return nil, fmt.Errorf("train %s: target %s: units %q, want %q", s.Target, m, t.Units, s.TargetUnits)
	}
	if err := t.Check(); err != nil {
		return nil, fmt.Errorf("train %s: target %s: %w", s.Target, m, err)
	}
	for _, c := range s.Cells {
		if v := float64(t.Values[c]); math.IsInf(v, 0) {
			return nil, fmt.Errorf("train %s: target %s: cell %d is %v", s.Target, m, c, v)
		}
	}
	return t.Values, nil
}

func validCells(cells []int, t []float32) []int {
	out := make([]int, 0, len(cells))
	for _, c := range cells {
		if !math.IsNaN(float64(t[c])) {
			out = append(out, c)
		}
	}
	return out
}

// subsample draws n of cells without replacement, the same n for the same
// seed and month, and returns them in ascending order.
func subsample(cells []int, n int, seed int64, m grid.Month) []int {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(m.Year*12+int(m.Month))))
	c := slices.Clone(cells)
	for i := 0; i < n; i++ { // partial Fisher–Yates
		j := i + r.IntN(len(c)-i)
		c[i], c[j] = c[j], c[i]
	}
	c = c[:n]
	slices.Sort(c)
	return c
}
