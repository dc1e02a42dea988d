package land

import (
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func TestFireAnomalyCells(t *testing.T) {
	tests := []struct {
		name                  string
		fire, clim, land      float32
		wantFire, wantAnomaly float32 // NaN: off land
		wantGap               int
	}{
		{"normal month", 3, 3, 1, 3, 0, 0},
		{"extreme fire", 50, 2, 0.5, 50, 48, 0},
		{"quiet year", 1, 4, 1, 1, -3, 0},
		{"no fire value keeps the DGVM's fire", nan32, 4, 1, nan32, 0, 1},
		{"no climatology", 5, nan32, 1, 5, 0, 1},
		{"sea", nan32, nan32, 0, nan32, nan32, 0},
	}
	for _, tt := range tests {
		ff := fireAnomaly([]float32{tt.fire}, []float32{tt.clim}, []float32{tt.land})
		if !same(float64(ff.fire[0]), float64(tt.wantFire), 0) || !same(float64(ff.anomaly[0]), float64(tt.wantAnomaly), 0) || ff.gapCells != tt.wantGap {
			t.Errorf("%s: fire %v anomaly %v gaps %d, want %v, %v, %d", tt.name, ff.fire[0], ff.anomaly[0], ff.gapCells, tt.wantFire, tt.wantAnomaly, tt.wantGap)
		}
	}
}

func TestHeatFieldsCells(t *testing.T) {
	tests := []struct {
		name              string
		t2m, mean, sd, lf float32
		want              float32 // 1 heat, 0 not, NaN untestable or sea
	}{
		{"2.1 sigma", 22.1, 20, 1, 1, 1},
		{"exactly 2 sigma is not extreme", 22, 20, 1, 1, 0},
		{"cold extreme is not heat", 16, 20, 1, 1, 0},
		{"partly land counts", 30, 20, 2, 0.1, 1},
		{"no spread cannot be tested", 25, 20, 0, 1, nan32},
		{"one baseline year (NaN sd)", 25, 20, nan32, 1, nan32},
		{"no temperature", nan32, 20, 1, 1, nan32},
		{"sea", 40, 20, 1, 0, nan32},
	}
	for _, tt := range tests {
		cells, n := heatFields([]float32{tt.t2m}, []float32{tt.mean}, []float32{tt.sd}, []float32{tt.lf}, 2)
		wantN := 0
		if tt.want == 1 {
			wantN = 1
		}
		if !same(float64(cells[0]), float64(tt.want), 0) || n != wantN {
			t.Errorf("%s: cell %v (count %d), want %v", tt.name, cells[0], n, tt.want)
		}
	}
}

// heatBox is a heat wave over the Sahel and the Sahara in the held-out
// July: 5 °C above normal, more than twice the interannual SD of the
// quiet world (about 0.78 °C), whose other anomalies stay below it.
var heatBox = boxEvent{South: 10, North: 25, West: -10, East: 30, Amount: 5}

// TestExtremeHeatCells: in the quiet world exactly the land cells of the
// heat wave are flagged, and the reported flux is the net flux of those
// cells.
func TestExtremeHeatCells(t *testing.T) {
	w := newWorldLike(t)
	w.quiet = true
	w.heatEvents[eventMonth] = heatBox
	r := runSynth(t, w, eventMonth, Options{})
	var wantNet float64
	wantW := make([]float32, w.g.Cells())
	wrong := 0
	for i, lf := range w.land {
		lat, lon := w.g.Centre(i)
		in := lf > 0 && heatBox.in(lat, lon)
		if in {
			wantNet += float64(r.Net.Values[i]) * w.g.RowAreaM2(i/w.g.NLon) * float64(lf) / emulator.GramsPerGt
			wantW[i] = lf
		}
		if got := r.HeatCells.Values[i]; (got == 1) != in || (lf > 0 && got != got) {
			wrong++
		}
	}
	if wrong > 0 || r.HeatCellCount == 0 {
		t.Fatalf("%d cells flagged wrongly (%d flagged)", wrong, r.HeatCellCount)
	}
	// 1e-9 GtC: float64 sums of the same terms in another order.
	if math.Abs(r.HeatNetGtC-wantNet) > 1e-9 {
		t.Errorf("heat cells' net flux %.6f GtC, want %.6f", r.HeatNetGtC, wantNet)
	}
	if want := w.g.TotalAreaM2(wantW); math.Abs(r.HeatAreaM2-want) > 1e-6*want {
		t.Errorf("heat area %.4g m2, want %.4g", r.HeatAreaM2, want)
	}
	quiet := runSynth(t, w, grid.Month{Year: synthHeldOutYear, Month: 6}, Options{})
	if quiet.HeatCellCount != 0 || quiet.HeatNetGtC != 0 {
		t.Errorf("June without a heat wave: %d heat cells, %.4f GtC", quiet.HeatCellCount, quiet.HeatNetGtC)
	}
}
