package ocean

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/xgb"
)

// The shared synthetic world: 2° grid, 2001–2012, held-out year 2012.
const (
	worldFirstYear = 2001
	worldHeldOut   = 2012
)

var (
	trainedOnce  sync.Once
	trainedWorld *synthWorld
	trainedSet   *Models
	trainedErr   error
)

// testSpec trains quickly: shallow trees and a small row budget keep the
// package's tests under a minute on 2 cores.
func testSpec() TrainSpec {
	return TrainSpec{
		FirstYear: worldFirstYear, HeldOutYear: worldHeldOut, GOBMs: testGOBMs,
		Params: xgb.Params{MaxDepth: 7, Eta: 0.2, NThread: 2}, Rounds: 300, MaxTrainRows: 150_000,
	}
}

// trained returns the world and its members, trained once per test binary.
func trained(t testing.TB) (*synthWorld, *Models) {
	t.Helper()
	w, ms, err := trainedSynth()
	if err != nil {
		t.Fatalf("train on the synthetic world: %v", err)
	}
	return w, ms
}

// trainedSynth trains the synthetic world's members once per test binary.
func trainedSynth() (*synthWorld, *Models, error) {
	trainedOnce.Do(func() {
		trainedWorld, trainedErr = newSynthWorld(grid.Global(2), worldFirstYear, worldHeldOut, 42)
		if trainedErr != nil {
			return
		}
		trainedSet, trainedErr = Train(context.Background(), trainedWorld, testSpec())
	})
	return trainedWorld, trainedSet, trainedErr
}

func heldOutMonths() []grid.Month {
	return grid.Range(grid.Month{Year: worldHeldOut, Month: 1}, grid.Month{Year: worldHeldOut, Month: 12})
}

// TestGOBMEmulatorSkill: each emulator reproduces its GOBM's held-out year
// (R² ≥ 0.9 on monthly cells, annual global sink within 0.1 GtC/yr).
func TestGOBMEmulatorSkill(t *testing.T) {
	w, ms := trained(t)
	for _, mm := range ms.Members {
		if mm.Kind != KindGOBM {
			continue
		}
		card := mm.Emulator.Card()
		if card.HeldOutYear != worldHeldOut || card.Skill.R2 < 0.9 {
			t.Errorf("%s: held-out %d R² = %.3f, want year %d and R² >= 0.9", mm.Name, card.HeldOutYear, card.Skill.R2, worldHeldOut)
		}
		var predGtC, trueGtC float64
		for _, m := range heldOutMonths() {
			r, err := Run(context.Background(), m, Inputs{Cube: mustCube(t, w, m), Models: ms}, Options{NoRecon: true, EqualWeights: true})
			if err != nil {
				t.Fatal(err)
			}
			truth, _ := w.Field(m, gobmPrefix+mm.GOBM)
			of := oceanFraction(w.land)
			trueGtC += w.g.Sum(truth.Values, of) / emulator.GramsPerGt
			for _, mr := range r.Members {
				if mr.Name == mm.Name {
					predGtC += mr.GtC
				}
			}
		}
		t.Logf("%s: R² %.4f, RMSE %.4f g C m-2 month-1, annual %.3f GtC/yr vs GOBM %.3f", mm.Name, card.Skill.R2, card.Skill.RMSE, predGtC, trueGtC)
		if math.Abs(predGtC-trueGtC) > 0.1 {
			t.Errorf("%s: annual global %.3f GtC/yr, GOBM %.3f: error above 0.1", mm.Name, predGtC, trueGtC)
		}
		if trueGtC < 0.5 {
			t.Errorf("%s: the synthetic GOBM sink %.3f GtC/yr is implausibly small: the test world is broken", mm.Name, trueGtC)
		}
	}
}

// TestReconstructionRecoversPCO2: from ship samples of about 6% of ocean
// cells a month, the reconstruction recovers the full held-out pCO2 field
// and the global flux.
func TestReconstructionRecoversPCO2(t *testing.T) {
	w, ms := trained(t)
	of := oceanFraction(w.land)
	var ss, n, predGtC, trueGtC float64
	var varAcc welford
	for _, m := range heldOutMonths() {
		r, err := Run(context.Background(), m, Inputs{Cube: mustCube(t, w, m), Models: ms}, Options{NoGOBMs: true, NoRiverAdjustment: true})
		if err != nil {
			t.Fatal(err)
		}
		pco2, uptake := w.truth(m)
		for i, v := range pco2 {
			if v == v && of[i] > 0 {
				d := float64(r.PCO2Sea.Values[i] - v)
				ss += d * d
				n++
				varAcc.add(float64(v))
			}
		}
		predGtC += r.GtC
		trueGtC += w.g.Sum(uptake, of) / emulator.GramsPerGt
		if r.ShipCells == 0 || !(r.ShipRMSEUatm < 6) {
			t.Errorf("%s: %d ship cells, misfit %.2f µatm: want ship data scored with misfit near the 2.5 µatm noise", m, r.ShipCells, r.ShipRMSEUatm)
		}
	}
	rmse := math.Sqrt(ss / n)
	t.Logf("pCO2 RMSE %.2f µatm over %d ocean cell-months (truth SD %.1f); annual flux %.3f GtC/yr vs true %.3f",
		rmse, int(n), varAcc.sd(), predGtC, trueGtC)
	if rmse > 6 {
		t.Errorf("pCO2 RMSE %.2f µatm, want <= 6", rmse)
	}
	if math.Abs(predGtC-trueGtC) > 0.15 {
		t.Errorf("annual flux %.3f GtC/yr, true %.3f: error above 0.15", predGtC, trueGtC)
	}
}

type welford struct{ n, mean, m2 float64 }

func (a *welford) add(x float64) {
	a.n++
	d := x - a.mean
	a.mean += d / a.n
	a.m2 += d * (x - a.mean)
}

func (a *welford) sd() float64 { return math.Sqrt(a.m2 / a.n) }
