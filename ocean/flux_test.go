package ocean

import (
	"log/slog"
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func TestFillOcean(t *testing.T) {
	g := grid.Grid{West: -180, North: 90, DLon: 90, DLat: 60, NLon: 4, NLat: 3}
	nan := float32(math.NaN())
	// Row 1 col 0 is ocean without a value; col 3 wraps to col 0's
	// neighbours; row 2 col 2 is land with a stray value.
	values := []float32{
		1, 2, 3, 4,
		nan, 6, 7, 8,
		9, 10, 11, 12,
	}
	of := []float32{
		1, 1, 1, 1,
		0.5, 1, 1, 1,
		1, 1, 0, 1,
	}
	n := fillOcean(g, values, of)
	// Neighbours of (1,0): row 0 cols 3,0,1 -> 4,1,2; row 1 cols 3,1 -> 8,6;
	// row 2 cols 3,0,1 -> 12,9,10: mean 52/8 = 6.5.
	if n != 1 || values[4] != 6.5 || values[10] == values[10] {
		t.Errorf("filled %d, cell (1,0) = %v, land cell = %v; want 1, 6.5 and NaN", n, values[4], values[10])
	}
	// An ocean without any value has nothing to fill from.
	empty := []float32{nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan}
	if n := fillOcean(g, empty, of); n != 0 || empty[0] == empty[0] {
		t.Errorf("filled %d cells of an empty ocean (cell 0 = %v), want 0 and NaN", n, empty[0])
	}
}

// TestRiverField: the spread adjustment sums to the month's share of 0.65
// GtC/yr, each band to its Lacroix et al. (2020) share, and a year of it to
// 0.65.
func TestRiverField(t *testing.T) {
	g := grid.Global(2)
	w, err := newSynthWorld(g, 2001, 2001, 1)
	if err != nil {
		t.Fatal(err)
	}
	of := oceanFraction(w.land)
	var year float64
	for _, m := range grid.Range(grid.Month{Year: 2024, Month: 1}, grid.Month{Year: 2024, Month: 12}) {
		f, gtc := riverField(g, of, m)
		sum := g.Sum(f, of) / emulator.GramsPerGt
		want := 0.65 * float64(m.Days()) / 366
		// 1e-6 relative: float32 per-cell values summed in float64.
		if math.Abs(sum-want) > 1e-6*want || math.Abs(gtc-want) > 1e-12 {
			t.Errorf("%s: field sums to %.9f, reported %.9f, want %.9f", m, sum, gtc, want)
		}
		year += sum
	}
	if math.Abs(year-0.65) > 1e-6 {
		t.Errorf("2024 total %.9f GtC, want 0.65", year)
	}
	f, _ := riverField(g, of, grid.Month{Year: 2023, Month: 1})
	north := make([]float32, len(of))
	for i := range of {
		if lat, _ := g.Centre(i); lat > 30 {
			north[i] = of[i]
		}
	}
	if got, want := g.Sum(f, north)/emulator.GramsPerGt, 0.14*31/365; math.Abs(got-want) > 1e-6*want {
		t.Errorf("north of 30°N: %.9f GtC in January, want %.9f", got, want)
	}
}

func TestMemberWeights(t *testing.T) {
	tests := []struct {
		kinds []string
		equal bool
		want  []float64
	}{
		{[]string{KindGOBM, KindGOBM, KindGOBM, KindReconstruction}, false, []float64{1.0 / 6, 1.0 / 6, 1.0 / 6, 0.5}},
		{[]string{KindGOBM, KindGOBM, KindGOBM, KindReconstruction}, true, []float64{0.25, 0.25, 0.25, 0.25}},
		{[]string{KindGOBM, KindGOBM}, false, []float64{0.5, 0.5}},
		{[]string{KindReconstruction}, false, []float64{1}},
	}
	for _, tt := range tests {
		got := memberWeights(tt.kinds, tt.equal)
		for i := range got {
			if math.Abs(got[i]-tt.want[i]) > 1e-15 {
				t.Errorf("weights(%v, equal %v) = %v, want %v", tt.kinds, tt.equal, got, tt.want)
				break
			}
		}
	}
}

// TestKwRescaling: with a target, the coefficient makes the training
// period's mean transfer velocity equal to it.
func TestKwRescaling(t *testing.T) {
	w, err := newSynthWorld(grid.Global(2), 2001, 2002, 3)
	if err != nil {
		t.Fatal(err)
	}
	of := oceanFraction(w.land)
	months := grid.Range(grid.Month{Year: 2001, Month: 1}, grid.Month{Year: 2001, Month: 12})
	mean, err := kwMeanCmPerHour(drivers{w.Cube}, w.g, of, months)
	if err != nil {
		t.Fatal(err)
	}
	// The synthetic winds (5–10 m/s) put the mean in the 10–25 cm/hr range
	// of real products.
	if mean < 10 || mean > 25 {
		t.Errorf("mean k_w %.2f cm/hr, want 10–25", mean)
	}
	ms := &Models{}
	if err := ms.fixTransferCoeff(drivers{w.Cube}, w.g, of, TrainSpec{FirstYear: 2001, HeldOutYear: 2002, KwTargetCmPerHour: SeaFluxKwTargetCmPerHour, Logger: discard()}); err != nil {
		t.Fatal(err)
	}
	if got := ms.TransferCoeff * mean / 0.251; math.Abs(got-16.5) > 1e-9 {
		t.Errorf("rescaled coefficient %.5f gives mean k_w %.6f, want 16.5", ms.TransferCoeff, got)
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestShipCorrection: residuals of +6 µatm at ship cells in the North
// Atlantic spread to the cells around them and fade to nothing far away;
// dense data pull the correction close to the residual, through the
// prior.
func TestShipCorrection(t *testing.T) {
	g := grid.Global(1)
	residual := make([]float32, g.Cells())
	var cells []int
	for i := range residual {
		residual[i] = float32(math.NaN())
		lat, lon := g.Centre(i)
		if lat > 40 && lat < 50 && lon > -40 && lon < -20 {
			residual[i] = 6
		}
		cells = append(cells, i)
	}
	corr := shipCorrection(g, residual, cells, DefaultCorrectionLengthKm, correctionPrior)
	at := func(lat, lon float64) float32 {
		i, _ := g.Locate(lat, lon)
		return corr[i]
	}
	if v := at(45, -30); v < 5 || v > 6 {
		t.Errorf("inside the sampled box: correction %v, want 5–6 µatm (6, shrunk a little)", v)
	}
	if v := at(45, -5); !(v > 0.2 && v < at(45, -30)) {
		t.Errorf("1,000 km east of the box: correction %v, want between 0.2 and the box's value", v)
	}
	if v := at(-45, 100); v != 0 {
		t.Errorf("far from any ship: correction %v, want 0", v)
	}
}
