package ocean

import (
	"math"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestBoxMean compares the running-sum box mean with a brute-force one on
// a small grid, across the dateline and at the poles.
func TestBoxMean(t *testing.T) {
	g := grid.Global(30) // 12 × 6
	v := make([]float32, g.Cells())
	for i := range v {
		v[i] = float32(hashNoise(uint64(i)))
	}
	v[7] = float32(math.NaN())
	got := boxMean(g, v, 60) // ±2 cells
	for r := 0; r < g.NLat; r++ {
		for c := 0; c < g.NLon; c++ {
			var s float64
			n := 0
			for rr := max(0, r-2); rr <= min(g.NLat-1, r+2); rr++ {
				for dc := -2; dc <= 2; dc++ {
					x := v[rr*g.NLon+(c+dc+g.NLon)%g.NLon]
					if x == x {
						s += float64(x)
					}
					n++
				}
			}
			want := s / float64(n)
			// 1e-6: float32 output of float64 running sums.
			if d := math.Abs(float64(got[r*g.NLon+c]) - want); d > 1e-6 {
				t.Fatalf("row %d col %d: box mean %v, brute force %v", r, c, got[r*g.NLon+c], want)
			}
		}
	}
}

// TestDeltaPCO2Ship: the reconstruction's target is the ship fCO2 turned
// into pCO2 and less the air's pCO2, NaN without ship data.
func TestDeltaPCO2Ship(t *testing.T) {
	w, err := newSynthWorld(grid.Global(2), 2001, 2001, 5)
	if err != nil {
		t.Fatal(err)
	}
	w.uniform = true
	m := grid.Month{Year: 2001, Month: 6}
	f, err := drivers{w.Cube}.Field(m, FieldDeltaPCO2Ship)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, v := range f.Values {
		if v != v {
			continue
		}
		n++
		// 1e-3 µatm: float32 fCO2 of about 380 µatm.
		if math.Abs(float64(v)-uniformDelta) > 1e-3 {
			t.Fatalf("cell %d: ΔpCO2 %v, want %v", i, v, uniformDelta)
		}
	}
	if n == 0 {
		t.Fatal("no ship cell")
	}
}

// TestHanded: Run's drivers serve the handed cube's fields and CO2, and
// fail, naming the month, for a month not handed or a cube without CO2.
func TestHanded(t *testing.T) {
	g := grid.Global(30)
	m := grid.Month{Year: 2023, Month: 5}
	sst := grid.NewField(g, fieldSST, "degC")
	d := drivers{handed(&cube.Cube{Month: m, Grid: g, Fields: map[string]*grid.Field{fieldSST: sst}, XCO2PPM: 421.3})}
	if f, err := d.Field(m, fieldSST); err != nil || f != sst {
		t.Errorf("Field(sst) = %v, %v; want the cube's field", f, err)
	}
	if x, err := d.xco2PPM(m); err != nil || x != 421.3 {
		t.Errorf("xco2PPM = %v, %v; want 421.3", x, err)
	}
	if _, err := d.Field(m.Add(-1), fieldSST); err == nil || !strings.Contains(err.Error(), "2023-04") {
		t.Errorf("Field of a month not handed: %v, want an error naming 2023-04", err)
	}
	if _, err := d.Field(m, fieldMSL); err == nil || !strings.Contains(err.Error(), `"msl"`) {
		t.Errorf("Field of a missing variable: %v, want an error naming msl", err)
	}
	noCO2 := drivers{handed(&cube.Cube{Month: m, Grid: g, Fields: map[string]*grid.Field{}})}
	if _, err := noCO2.xco2PPM(m); err == nil || !strings.Contains(err.Error(), "2023-05") {
		t.Errorf("xco2PPM of a cube without CO2: %v, want an error naming 2023-05", err)
	}
}
