package ocean

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/xgb"
)

// expectedUniformUptakeGtC works the bulk formula out by hand (science.md
// §4), independently of internal/seawater, for the uniform world: ΔpCO2 =
// −20 µatm at 15 °C, 35 PSU, <U²> = 50 m² s⁻², no ice, over the whole
// ocean for a month of the given length.
func expectedUniformUptakeGtC(g grid.Grid, oceanFrac []float32, days int) float64 {
	t := uniformSST
	sc := 2116.8 - 136.25*t + 4.7353*t*t - 0.092307*t*t*t + 0.0007555*t*t*t*t // Wanninkhof 2014
	kwCmPerHour := 0.251 * uniformWindSq / math.Sqrt(sc/660)
	tK := (t + 273.15) / 100
	s := uniformSO
	k0 := math.Exp(-58.0931 + 90.5069/tK + 22.2940*math.Log(tK) + s*(0.027766-0.025888*tK+0.0050578*tK*tK)) // Weiss 1974, mol L-1 atm-1
	// cm/hr × 0.24 = m/day; × mol L-1 atm-1 × µatm = mmol m-2 day-1.
	seaToAirMmolPerM2PerDay := kwCmPerHour * 0.24 * k0 * uniformDelta
	uptakeGPerM2 := -seaToAirMmolPerM2PerDay * 1e-3 * 12.011 * float64(days)
	var oceanAreaM2 float64
	for i, of := range oceanFrac {
		oceanAreaM2 += g.RowAreaM2(i/g.NLon) * float64(of)
	}
	return uptakeGPerM2 * oceanAreaM2 / 1e15
}

// TestUniformUndersaturation: a month of uniform undersaturation gives
// uptake (positive) of the magnitude the bulk formula gives by hand, in
// GtC, and the river adjustment adds exactly its monthly share.
func TestUniformUndersaturation(t *testing.T) {
	w, err := newSynthWorld(grid.Global(2), 2001, 2003, 1)
	if err != nil {
		t.Fatal(err)
	}
	w.uniform = true
	ms, err := Train(context.Background(), w, TrainSpec{FirstYear: 2001, HeldOutYear: 2003, NoRecon: false,
		Params: xgb.Params{MaxDepth: 2, Eta: 0.5, NThread: 2}, Rounds: 60, MaxTrainRows: 20_000})
	if err != nil {
		t.Fatal(err)
	}
	defer ms.Close()
	m := grid.Month{Year: 2003, Month: 2} // 28 days
	of := oceanFraction(w.land)
	want := expectedUniformUptakeGtC(w.g, of, 28)
	r, err := Run(context.Background(), m, Inputs{Cube: mustCube(t, w, m), Models: ms}, Options{NoRiverAdjustment: true})
	if err != nil {
		t.Fatal(err)
	}
	// 1e-4 relative: the trees learn the constant −20 µatm to float32
	// precision; the hand formula and the package agree to rounding.
	if r.GtC <= 0 || math.Abs(r.GtC-want) > 1e-4*want {
		t.Fatalf("uniform ΔpCO2 −20 µatm in Feb 2003: uptake %.6f GtC, want +%.6f GtC (hand-computed bulk formula)", r.GtC, want)
	}
	t.Logf("uniform −20 µatm: %.4f GtC in February (%.2f GtC/yr rate)", r.GtC, r.GtC*365/28)
	withRiver, err := Run(context.Background(), m, Inputs{Cube: mustCube(t, w, m), Models: ms}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	river := 0.65 * 28 / 365
	if d := withRiver.GtC - r.GtC; math.Abs(d-river) > 1e-6 || math.Abs(withRiver.RiverAdjustmentGtC-river) > 1e-12 {
		t.Errorf("river adjustment added %.8f GtC (reported %.8f), want 0.65 GtC/yr × 28/365 = %.8f", d, withRiver.RiverAdjustmentGtC, river)
	}
	if ms.TransferCoeff != 0.251 {
		t.Errorf("transfer coefficient %v without a target, want 0.251", ms.TransferCoeff)
	}
}

// TestProvisional: a month without ship data is provisional, still gets a
// reconstruction from the drivers, and reports socat missing; a month with
// ship data is not, and is scored against it.
func TestProvisional(t *testing.T) {
	w, ms := trained(t)
	late := grid.Month{Year: worldHeldOut, Month: 11}
	on := grid.Month{Year: worldHeldOut, Month: 10}
	w.noShip[late] = true
	defer delete(w.noShip, late)
	tests := []struct {
		m       grid.Month
		missing []string
		want    bool
	}{
		{on, nil, false},
		{late, nil, true},
		{on, []string{SourceSOCAT}, true},      // the cube says socat is late
		{on, []string{"carbonmonitor"}, false}, // not an ocean source
	}
	for _, tt := range tests {
		c := mustCube(t, w, tt.m)
		c.Missing = append(c.Missing, tt.missing...)
		r, err := Run(context.Background(), tt.m, Inputs{Cube: c, Models: ms}, Options{})
		if err != nil {
			t.Fatalf("%s missing %v: %v", tt.m, tt.missing, err)
		}
		if r.Provisional != tt.want || r.Provisional != slices.Contains(r.Missing, SourceSOCAT) {
			t.Errorf("%s missing %v: provisional %v (Missing %v), want %v", tt.m, tt.missing, r.Provisional, r.Missing, tt.want)
		}
		if r.PCO2Sea == nil || !(r.GtC > 0) {
			t.Errorf("%s: no reconstruction or no uptake (%.4f GtC)", tt.m, r.GtC)
		}
		if noShip := w.noShip[tt.m]; noShip != (r.ShipCells == 0) || noShip != math.IsNaN(r.ShipRMSEUatm) {
			t.Errorf("%s: %d ship cells, misfit %v; want none exactly when the ship data is late", tt.m, r.ShipCells, r.ShipRMSEUatm)
		}
	}
}

// TestEnsemble: GCB weights (half GOBMs, half data product), the mean is
// the weighted mean of the members both per cell and in total, σ the
// sample SD of the member totals, and the per-cell spread is zero only
// where members agree.
func TestEnsemble(t *testing.T) {
	w, ms := trained(t)
	m := grid.Month{Year: worldHeldOut, Month: 3}
	r, err := Run(context.Background(), m, Inputs{Cube: mustCube(t, w, m), Models: ms}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Members) != 3 {
		t.Fatalf("%d members, want 2 GOBMs and the reconstruction", len(r.Members))
	}
	var mean, sum float64
	for _, mr := range r.Members {
		want := 0.25
		if mr.Kind == KindReconstruction {
			want = 0.5
		}
		if mr.Weight != want {
			t.Errorf("%s weight %v, want %v", mr.Name, mr.Weight, want)
		}
		mean += mr.Weight * mr.GtC
		sum += mr.GtC
	}
	avg := sum / 3
	var ss float64
	for _, mr := range r.Members {
		ss += (mr.GtC - avg) * (mr.GtC - avg)
	}
	if math.Abs(r.GtC-mean) > 1e-12 || math.Abs(r.SigmaGtC-math.Sqrt(ss/2)) > 1e-12 {
		t.Errorf("GtC %.6f σ %.6f, want weighted mean %.6f and sample SD %.6f", r.GtC, r.SigmaGtC, mean, math.Sqrt(ss/2))
	}
	of := oceanFraction(w.land)
	if fromGrid := w.g.Sum(r.UptakeMean.Values, of) / emulator.GramsPerGt; math.Abs(fromGrid-r.GtC) > 1e-6*math.Abs(r.GtC) {
		t.Errorf("the mean field sums to %.6f GtC, the total is %.6f", fromGrid, r.GtC)
	}
	for i, v := range r.UptakeMean.Values {
		if (of[i] > 0) == (v != v) || (of[i] > 0) == (r.UptakeSD.Values[i] != r.UptakeSD.Values[i]) {
			t.Fatalf("cell %d: ocean fraction %v, mean %v, SD %v: want values exactly on ocean cells", i, of[i], v, r.UptakeSD.Values[i])
		}
	}
	eq, err := Run(context.Background(), m, Inputs{Cube: mustCube(t, w, m), Models: ms}, Options{EqualWeights: true})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(eq.GtC-avg) > 1e-12 {
		t.Errorf("equal weights: %.6f GtC, want the member average %.6f", eq.GtC, avg)
	}
}
