package land

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/xgb"
)

// The trained synthetic ensemble is shared by the tests: training takes
// most of the package's test time.
var synth struct {
	once   sync.Once
	w      *synthWorld
	models *Models
	clim   *Climatology
	err    error
}

// Synthetic training setup: 2° world, 2001–2011 trained, 2012 held out.
const (
	synthFirstYear   = 2001
	synthHeldOutYear = 2012
)

func trainedSynth(t testing.TB) (*synthWorld, *Models, *Climatology) {
	t.Helper()
	if err := trainSynth(); err != nil {
		t.Fatal(err)
	}
	return synth.w, synth.models, synth.clim
}

// trainSynth trains the synthetic world's members once per test binary.
func trainSynth() error {
	synth.once.Do(func() {
		synth.w, synth.err = newSynthWorld(grid.Global(2), 2000, synthHeldOutYear, 42)
		if synth.err != nil {
			return
		}
		synth.models, synth.err = Train(context.Background(), synth.w, TrainSpec{
			FirstYear: synthFirstYear, HeldOutYear: synthHeldOutYear, DGVMs: testDGVMs,
			MaxTrainRows: 50_000, Rounds: 150, Params: xgb.Params{NThread: 1},
		})
		if synth.err != nil {
			return
		}
		synth.clim, synth.err = NewClimatology(synth.w, synth.w.g, synth.models.ClimFirstYear, synth.models.ClimLastYear)
	})
	return synth.err
}

// TestTrainLearnsKnownDGVM: every emulator reproduces its DGVM's known
// NBP law on the held-out year to the targets (cell R² ≥ 0.9,
// annual global NBP within 0.25 GtC/yr).
func TestTrainLearnsKnownDGVM(t *testing.T) {
	_, ms, _ := trainedSynth(t)
	if len(ms.Members) != len(testDGVMs) {
		t.Fatalf("got %d members, want %d", len(ms.Members), len(testDGVMs))
	}
	for _, mm := range ms.Members {
		sk := mm.Skill
		t.Logf("%s: R2 %.4f (area-weighted %.4f), RMSE %.3f g C m-2 month-1, annual %.3f vs %.3f GtC/yr, trend %+v, best iteration %d",
			mm.Name, sk.R2, sk.R2AreaWeighted, sk.RMSE, sk.AnnualPredictedGtC, sk.AnnualTrueGtC, mm.Trend, mm.Emulator.Card().BestIteration)
		if sk.HeldOutYear != synthHeldOutYear || sk.Months != 12 {
			t.Errorf("%s: held out %d with %d months, want %d with 12", mm.Name, sk.HeldOutYear, sk.Months, synthHeldOutYear)
		}
		if sk.R2 < 0.9 {
			t.Errorf("%s: held-out R2 %.4f, want >= 0.9", mm.Name, sk.R2)
		}
		if e := math.Abs(sk.AnnualErrorGtC()); e > 0.25 {
			t.Errorf("%s: annual global NBP error %.3f GtC/yr, want within 0.25", mm.Name, e)
		}
		// A cell in its growing season (productivity 0.8, respiration 0.5)
		// 10 ppm above the reference.
		if off := mm.Trend.Offset([nTrendWeights]float32{0.8, 0.5}, mm.Trend.RefPPM+10); off <= 0 {
			t.Errorf("%s: CO2 trend %+v adds %g, want > 0 (the world's NBP grows with CO2)", mm.Name, mm.Trend, off)
		}
	}
}
