package nowcast

import (
	"math"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest/noaa"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/realdata"
)

// A trend rising by 0.2 ppm a month grows 2.4 ppm a year whatever its
// level; a missing December leaves the year undefined.
func TestNOAAGrowthLinear(t *testing.T) {
	trend := Monthly{}
	for m := (grid.Month{Year: 1999, Month: 1}); m.Year < 2002; m = m.Add(1) {
		trend[m] = 370 + 0.2*float64(m.Sub(grid.Month{Year: 1999, Month: 1}))
	}
	g, ok := NOAAGrowth(trend, GlobalWindow, 2000)
	if !ok || math.Abs(g-2.4) > 1e-9 { // 1e-9: float64 sums of values near 370
		t.Errorf("NOAAGrowth(2000) = %v, %v; want 2.4", g, ok)
	}
	delete(trend, grid.Month{Year: 2000, Month: time.December})
	if _, ok := NOAAGrowth(trend, GlobalWindow, 2000); ok {
		t.Error("NOAAGrowth(2000) defined without December 2000")
	}
	if _, ok := NOAAGrowth(trend, GlobalWindow, 2001); ok {
		t.Error("NOAAGrowth(2001) defined without January 2002")
	}
}

// NOAA's method on the monthly trend column reproduces NOAA's published
// annual growth. Tolerance 0.05 ppm/yr: both files round to 0.01 ppm and
// are of different vintages (the monthly file of December 2025, the global
// growth file of June 2026; the Mauna Loa growth file of October 2022
// against a monthly file of February 2026), and NOAA revises recent years
// by a few hundredths between vintages; the largest differences found are
// 0.045 ppm/yr (global) and 0.025 (Mauna Loa). With the global window
// on Mauna Loa (Dec–Jan instead of Nov–Feb) they reach 0.38 ppm/yr.
func TestNOAAGrowthReproducesNOAA(t *testing.T) {
	for _, c := range []struct {
		monthly, growth string
		w               Window
		from, to        int
	}{
		{"co2_mm_gl.txt", "co2_gr_gl.csv", GlobalWindow, 1980, 2024},
		{"co2_mm_mlo.txt", "co2_gr_mlo_vintage2022-10.txt", MLOWindow, 1960, 2021},
	} {
		m, err := noaa.ReadMonthlyFile(realdata.Path(t, "noaa_gml", c.monthly))
		if err != nil {
			t.Fatal(err)
		}
		a, err := noaa.ReadAnnualFile(realdata.Path(t, "noaa_gml", c.growth))
		if err != nil {
			t.Fatal(err)
		}
		rec, want := RecordOf(m), GrowthOf(a)
		var worst float64
		for y := c.from; y <= c.to; y++ {
			got, ok := NOAAGrowth(rec.TrendPPM, c.w, y)
			if !ok {
				t.Errorf("%s: no growth for %d", c.monthly, y)
				continue
			}
			d := math.Abs(got - want[y])
			worst = max(worst, d)
			if d > 0.05 {
				t.Errorf("%s %d: growth %.3f, %s says %.2f", c.monthly, y, got, c.growth, want[y])
			}
		}
		t.Logf("%s against %s, %d–%d: largest difference %.3f ppm/yr", c.monthly, c.growth, c.from, c.to, worst)
	}
}
