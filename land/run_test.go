package land

import (
	"context"
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// canadaFire is a fire event over boreal Canada in July of the held-out
// year: 40 g C m-2 of land in the month on top of the climatological fire
// (which is zero there in the synthetic world).
var (
	eventMonth = grid.Month{Year: synthHeldOutYear, Month: 7}
	canadaFire = boxEvent{South: 50, North: 66, West: -130, East: -60, Amount: 40}
)

// eventGtC is Σ Amount·area·landFraction over the land cells of box e.
func eventGtC(w *synthWorld, e boxEvent) float64 {
	v := make([]float32, w.g.Cells())
	for i := range v {
		if lat, lon := w.g.Centre(i); e.in(lat, lon) {
			v[i] = float32(e.Amount)
		}
	}
	return sumGtC(w.g, v, w.land)
}

func runSynth(t *testing.T, w *synthWorld, m grid.Month, opt Options) *Result {
	t.Helper()
	_, ms, _ := trainedSynth(t)
	clim, err := NewClimatology(w, w.g, ms.ClimFirstYear, ms.ClimLastYear)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), m, Inputs{Cubes: mustCubes(t, w, m), Models: ms, Climatology: clim}, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newWorldLike(t *testing.T) *synthWorld {
	t.Helper()
	w, err := newSynthWorld(grid.Global(2), 2000, synthHeldOutYear, 42)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestFireAnomalyNeitherMissesNorDoubleCounts runs the same month with and
// without a known fire event. Without it the observed fire equals the
// climatology the DGVMs carry, so the net flux must equal NBP (adding the
// ~0.1 GtC of climatological fire again would double-count it); with it
// the net flux must fall by exactly the event (leaving it out would miss
// it), cell by cell.
func TestFireAnomalyNeitherMissesNorDoubleCounts(t *testing.T) {
	quiet := newWorldLike(t)
	fiery := newWorldLike(t)
	fiery.fireEvents[eventMonth] = canadaFire
	base := runSynth(t, quiet, eventMonth, Options{})
	r := runSynth(t, fiery, eventMonth, Options{})
	event := eventGtC(fiery, canadaFire)
	t.Logf("fire %.4f GtC (climatological %.4f), event %.4f GtC, S_LAND %.4f, net %.4f", r.FireGtC, base.FireGtC, event, r.SLandGtC, r.NetGtC)

	// 1e-6 GtC: float32 cell values of order 10 summed over ~5000 cells.
	const tol = 1e-6
	if base.FireGtC < 0.05 {
		t.Fatalf("climatological fire %.4f GtC: the world should burn in July", base.FireGtC)
	}
	if math.Abs(base.FireAnomalyGtC) > tol || math.Abs(base.NetGtC-base.SLandGtC) > tol {
		t.Errorf("no event: fire anomaly %.3g, net − S_LAND %.3g GtC, want 0 (climatological fire counted twice)", base.FireAnomalyGtC, base.NetGtC-base.SLandGtC)
	}
	if math.Abs(r.FireAnomalyGtC-event) > 1e-4*event {
		t.Errorf("fire anomaly %.6f GtC, want the event %.6f", r.FireAnomalyGtC, event)
	}
	if math.Abs(r.FireGtC-base.FireGtC-event) > 1e-4*event {
		t.Errorf("fire %.6f − climatological %.6f = %.6f GtC, want the event %.6f", r.FireGtC, base.FireGtC, r.FireGtC-base.FireGtC, event)
	}
	if r.SLandGtC != base.SLandGtC {
		t.Errorf("S_LAND %.6f with the event, %.6f without: fire must not change the emulated NBP", r.SLandGtC, base.SLandGtC)
	}
	if d := r.NetGtC - base.NetGtC; math.Abs(d+event) > 1e-4*event {
		t.Errorf("net flux changed by %.6f GtC, want −%.6f (the event, missed otherwise)", d, event)
	}
	checkNetCells(t, fiery, r)

	off := runSynth(t, fiery, eventMonth, Options{NoFireAnomaly: true})
	if off.NetGtC != off.SLandGtC || off.FireAnomalyGtC != r.FireAnomalyGtC {
		t.Errorf("NoFireAnomaly: net %.6f, S_LAND %.6f, anomaly %.6f: want net = S_LAND and the anomaly still reported", off.NetGtC, off.SLandGtC, off.FireAnomalyGtC)
	}
}

// checkNetCells: Net = NBPMean − Amount inside the box, NBPMean outside.
func checkNetCells(t *testing.T, w *synthWorld, r *Result) {
	t.Helper()
	bad := 0
	for i, lf := range w.land {
		if !(lf > 0) {
			if !math.IsNaN(float64(r.Net.Values[i])) {
				bad++
			}
			continue
		}
		want := float64(r.NBPMean.Values[i])
		if lat, lon := w.g.Centre(i); canadaFire.in(lat, lon) {
			want -= canadaFire.Amount
		}
		if math.Abs(float64(r.Net.Values[i])-want) > 1e-4 { // float32 subtraction
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d cells with a net flux other than NBP − fire event (NaN off land)", bad)
	}
}

// TestRunSigns: the emulated NBP keeps the DGVMs' sign (into land: the
// northern summer is an uptake, the northern winter a release), fire is
// positive to the atmosphere, and with every source present the result
// is not provisional.
func TestRunSigns(t *testing.T) {
	w, _, _ := trainedSynth(t)
	for _, m := range []grid.Month{{Year: synthHeldOutYear, Month: 1}, {Year: synthHeldOutYear, Month: 7}} {
		r := runSynth(t, w, m, Options{})
		for _, mr := range r.Members {
			truth, err := w.Field(m, NBPField(mr.DGVM))
			if err != nil {
				t.Fatal(err)
			}
			want := sumGtC(w.g, truth.Values, w.land)
			// 0.05 GtC per month: a fifth of the annual target.
			if math.Signbit(mr.GtC) != math.Signbit(want) || math.Abs(mr.GtC-want) > 0.05 {
				t.Errorf("%s %s: emulated NBP %.4f GtC, DGVM %.4f GtC (positive = into land)", m, mr.DGVM, mr.GtC, want)
			}
		}
		if !(r.FireGtC > 0) {
			t.Errorf("%s: fire %.4f GtC, want > 0 (to the atmosphere)", m, r.FireGtC)
		}
	}
	_, ms, _ := trainedSynth(t)
	clim, _ := NewClimatology(w, w.g, ms.ClimFirstYear, ms.ClimLastYear)
	m := grid.Month{Year: synthHeldOutYear, Month: 3}
	r, err := Run(context.Background(), m, Inputs{Cubes: mustCubes(t, w, m), Models: ms, Climatology: clim}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Provisional {
		t.Errorf("provisional with every source present (missing %v)", r.Missing)
	}
}
