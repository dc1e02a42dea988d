package twin

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// defaultRun is the default world (seed 42, 2000–2024, 1°) run in memory
// with what the calibration tests look at.
type defaultRun struct {
	months     []MonthBudget
	annual     []MonthBudget
	shipRows   map[int]int
	shipNAtl   int // observations per 1e6 km² of ocean
	shipSouth  int
	shipSouthW int // Southern Ocean, austral winter (JJA)
	shipSouthS int // Southern Ocean, austral summer (DJF)
	canadaFire map[int]float64
}

func runDefaultWorld(t *testing.T) *defaultRun {
	t.Helper()
	if testing.Short() {
		t.Skip("the 25-year world at 1° takes tens of seconds; run without -short")
	}
	opt := DefaultOptions()
	g := grid.MustNew(opt.ResDeg)
	set, err := regions.Load(g)
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(set, opt)
	if err != nil {
		t.Fatal(err)
	}
	run := &defaultRun{shipRows: map[int]int{}, canadaFire: map[int]float64{}}
	canada, err := set.Weights(regionCanada)
	if err != nil {
		t.Fatal(err)
	}
	var nAtl, south float64 // ocean areas, 1e6 km²
	for i, lf := range w.geo.land {
		lat, lon := g.Centre(i)
		a := g.RowAreaM2(i/g.NLon) * float64(1-lf) / 1e12
		if inNorthAtlantic(lat, lon) {
			nAtl += a
		}
		if lat < -40 {
			south += a
		}
	}
	var nA, nS int
	for f := range allMonths(t, w) {
		run.months = append(run.months, f.Budget)
		for _, o := range w.sampleShips(f) {
			run.shipRows[f.Month.Year]++
			switch {
			case inNorthAtlantic(o.latDeg, o.lonDeg):
				nA++
			case o.latDeg < -40:
				nS++
				if m := f.Month.Month; m >= 6 && m <= 8 {
					run.shipSouthW++
				} else if m == 12 || m <= 2 {
					run.shipSouthS++
				}
			}
		}
		for i, v := range f.Fire {
			if canada[i] > 0 {
				run.canadaFire[f.Month.Year] += float64(v) * float64(canada[i]) * g.RowAreaM2(i/g.NLon) * 1e-15
			}
		}
	}
	run.shipNAtl, run.shipSouth = int(float64(nA)/nAtl), int(float64(nS)/south)
	run.annual = AnnualBudget(run.months)
	return run
}

func inNorthAtlantic(lat, lon float64) bool { return lat > 20 && lat < 70 && lon > -80 && lon < 20 }

func (r *defaultRun) year(y int) MonthBudget { return r.annual[y-r.annual[0].Month.Year] }

// TestDefaultWorld checks the figures of the "Done when" on the
// default world. Tolerances are the issue's.
func TestDefaultWorld(t *testing.T) {
	run := runDefaultWorld(t)
	t.Run("budget closes", func(t *testing.T) {
		for _, b := range run.months {
			// 1e-9 GtC: float64 sums of a few terms.
			if res := b.EFos + b.ELUC - b.GAtm - b.SOcean - b.SLand - b.SCement - b.BIm; math.Abs(res) > 1e-9 || b.BIm != 0 {
				t.Fatalf("%s: identity off by %g GtC, B_IM %g", b.Month, res, b.BIm)
			}
			if d := (b.CO2EndPPM - b.CO2StartPPM) * gtcPerPPM; math.Abs(d-b.GAtm) > 1e-9 {
				t.Fatalf("%s: CO2 rose %g GtC, G_ATM %g", b.Month, d, b.GAtm)
			}
		}
	})
	t.Run("fossil within 2% of GCB", func(t *testing.T) {
		for _, a := range run.annual {
			want, _ := GCBFossilGtCPerYear(a.Month.Year)
			if math.Abs(a.EFos-want) > 0.02*want {
				t.Errorf("%d: E_FOS %.3f, GCB %.3f", a.Month.Year, a.EFos, want)
			}
		}
	})
	t.Run("ocean sink", func(t *testing.T) { checkOcean(t, run) })
	t.Run("land sink", func(t *testing.T) { checkLand(t, run) })
	t.Run("atmosphere", func(t *testing.T) { checkAtmosphere(t, run) })
	t.Run("fire", func(t *testing.T) {
		var mean float64
		for _, a := range run.annual {
			mean += a.Fire / float64(len(run.annual))
		}
		// GFED4s: about 2.1 GtC/yr of fire carbon.
		if mean < 1.5 || mean > 3 {
			t.Errorf("mean fire %.2f GtC/yr, want 1.5-3", mean)
		}
		var base float64
		for y := 2015; y <= 2022; y++ {
			base += run.canadaFire[y] / 8
		}
		// Canada 2023: 0.58 ± 0.10 GtC/yr of fire (Ke et al. 2024).
		if d := run.canadaFire[2023] - base; d < 0.3 || d > 0.9 {
			t.Errorf("Canada 2023 fire %.2f GtC above its 2015-2022 mean, want 0.3-0.9", d)
		}
	})
	t.Run("ships", func(t *testing.T) { checkShips(t, run) })
}

func checkOcean(t *testing.T, run *defaultRun) {
	first, last := run.year(2000).SOcean, run.year(2024).SOcean
	if math.Abs(first-2.2) > 0.3 || math.Abs(last-3.3) > 0.35 {
		t.Errorf("S_OCEAN %.2f in 2000 and %.2f in 2024, want about 2.2 and 3.3", first, last)
	}
	var twin, gcb float64
	for _, a := range run.annual {
		v, _ := GCBOceanSinkGtCPerYear(a.Month.Year)
		twin += a.SOcean / 25
		gcb += v / 25
	}
	if math.Abs(twin-gcb) > 0.3 {
		t.Errorf("S_OCEAN 2000-2024 mean %.2f, GCB %.2f: more than 0.3 apart", twin, gcb)
	}
	t.Logf("S_OCEAN 2000 %.2f, 2024 %.2f, mean %.2f (GCB %.2f)", first, last, twin, gcb)
}

func checkLand(t *testing.T, run *defaultRun) {
	var s []float64
	for _, a := range run.annual {
		s = append(s, a.SLand)
	}
	mean := meanOf(s)
	if mean < 2 || mean > 3 {
		t.Errorf("S_LAND mean %.2f, want 2-3 GtC/yr", mean)
	}
	// Strong El Niño years against the neutral or La Niña year before.
	for _, p := range [][2]int{{2015, 2014}, {2023, 2022}, {2024, 2022}} {
		if d := run.year(p[1]).SLand - run.year(p[0]).SLand; d < 1 {
			t.Errorf("S_LAND %d is %.2f, only %.2f below %d", p[0], run.year(p[0]).SLand, d, p[1])
		}
	}
	// Interannual variability: GCB 2025's S_LAND 2000-2024 has a detrended
	// standard deviation of 0.5 GtC/yr; the atmospheric growth rate, which
	// the land dominates, varies by 0.85 GtC/yr.
	if sd := detrendedSD(s); sd < 0.4 || sd > 1.1 {
		t.Errorf("S_LAND detrended sd %.2f, want 0.4-1.1", sd)
	}
	t.Logf("S_LAND mean %.2f, detrended sd %.2f; 2014 %.2f 2015 %.2f 2022 %.2f 2023 %.2f 2024 %.2f", mean, detrendedSD(s),
		run.year(2014).SLand, run.year(2015).SLand, run.year(2022).SLand, run.year(2023).SLand, run.year(2024).SLand)
}

// elNinoYears are years of or just after a strong El Niño (NDJ ONI ≥ 1.5):
// 2009/10, 2015/16, 2023/24.
var elNinoYears = map[int]bool{2010: true, 2015: true, 2016: true, 2023: true, 2024: true}

func checkAtmosphere(t *testing.T, run *defaultRun) {
	maxYear, maxGrowth := 0, 0.0
	minAmp, maxAmp := math.Inf(1), math.Inf(-1)
	for _, a := range run.annual {
		y := a.Month.Year
		growth := a.GAtm / gtcPerPPM
		if growth < 1.5 || growth > 4 {
			t.Errorf("%d: growth %.2f ppm/yr, want 1.5-4", y, growth)
		}
		if growth > maxGrowth {
			maxYear, maxGrowth = y, growth
		}
		if y == run.annual[0].Month.Year || y == run.annual[len(run.annual)-1].Month.Year {
			continue // the running mean needs six months either side
		}
		amp := seasonalAmplitude(run.months, y)
		if amp < 3 || amp > 8 {
			t.Errorf("%d: seasonal amplitude %.2f ppm, want 3-8", y, amp)
		}
		minAmp, maxAmp = math.Min(minAmp, amp), math.Max(maxAmp, amp)
	}
	if !elNinoYears[maxYear] {
		t.Errorf("highest growth %.2f ppm/yr in %d, not an El Niño year", maxGrowth, maxYear)
	}
	t.Logf("highest growth %.2f ppm/yr in %d; seasonal amplitude %.2f-%.2f ppm; CO2 Jan 2000 %.2f, Dec 2024 %.2f ppm",
		maxGrowth, maxYear, minAmp, maxAmp, run.months[0].CO2StartPPM, run.months[len(run.months)-1].CO2EndPPM)
}

// seasonalAmplitude is the peak-to-trough range of year y's monthly mean
// CO2 after removing a centred 12-month running mean.
func seasonalAmplitude(months []MonthBudget, y int) float64 {
	mean := func(i int) float64 { return (months[i].CO2StartPPM + months[i].CO2EndPPM) / 2 }
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, b := range months {
		if b.Month.Year != y || i < 6 || i+6 >= len(months) {
			continue
		}
		var ma float64
		for j := i - 6; j < i+6; j++ {
			ma += mean(j)
		}
		ma = (ma + 0.5*(mean(i+6)-mean(i-6))) / 12
		lo, hi = math.Min(lo, mean(i)-ma), math.Max(hi, mean(i)-ma)
	}
	return hi - lo
}

func checkShips(t *testing.T, run *defaultRun) {
	for y, n := range run.shipRows {
		if n < 10_000 || n > 900_000 {
			t.Errorf("%d: %d ship rows, want tens to hundreds of thousands", y, n)
		}
	}
	if run.shipNAtl < 5*run.shipSouth {
		t.Errorf("North Atlantic %d obs per 1e6 km² vs Southern Ocean %d: want at least 5 times denser", run.shipNAtl, run.shipSouth)
	}
	if run.shipSouthW*2 > run.shipSouthS {
		t.Errorf("Southern Ocean: %d obs in austral winter vs %d in summer: want less than half", run.shipSouthW, run.shipSouthS)
	}
	t.Logf("ship rows 2000 %d, 2024 %d; per 1e6 km²: North Atlantic %d, Southern Ocean %d; Southern Ocean JJA %d, DJF %d",
		run.shipRows[2000], run.shipRows[2024], run.shipNAtl, run.shipSouth, run.shipSouthW, run.shipSouthS)
}

func meanOf(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// detrendedSD is the standard deviation of the residuals from a linear
// fit.
func detrendedSD(v []float64) float64 {
	n := float64(len(v))
	var sx, sy, sxx, sxy float64
	for i, y := range v {
		x := float64(i)
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	b := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	a := (sy - b*sx) / n
	var ss float64
	for i, y := range v {
		r := y - a - b*float64(i)
		ss += r * r
	}
	return math.Sqrt(ss / (n - 2))
}

// TestEachMonth hands every month to fn once, in order, and stops at fn's
// first error.
func TestEachMonth(t *testing.T) {
	var got []grid.Month
	w, err := EachMonth(context.Background(), smallOptions(), func(f *MonthFields) error {
		got = append(got, f.Month)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := smallOptions().Months(); !slices.Equal(got, want) {
		t.Errorf("months %v, want %v", got, want)
	}
	if len(w.LandFraction()) != w.Grid().Cells() {
		t.Errorf("land fraction of %d cells on a %d-cell grid", len(w.LandFraction()), w.Grid().Cells())
	}
	stop := errors.New("stop")
	n := 0
	if _, err := EachMonth(context.Background(), smallOptions(), func(*MonthFields) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("fn's error: EachMonth returned %v after %d months, want stop after 1", err, n)
	}
}

// TestENSOExtremes: the strong ENSO phases the truth records are those of
// the twin's ONI (|ONI| ≥ 1 °C for three months or more): the 2015–16 El
// Niño (real ONI) is one, and every phase lies in the simulated years.
func TestENSOExtremes(t *testing.T) {
	opt := DefaultOptions()
	xs := ensoExtremes(opt)
	found := false
	for _, x := range xs {
		from, err1 := grid.ParseMonth(x.From)
		to, err2 := grid.ParseMonth(x.To)
		if err1 != nil || err2 != nil || to.Sub(from) < 2 || from.Year < opt.FromYear || to.Year > opt.ToYear || x.Kind != "enso" || !x.Both {
			t.Errorf("bad ENSO extreme %+v", x)
		}
		found = found || (from.Year == 2015 && strings.HasPrefix(x.Name, "El Niño"))
	}
	if !found {
		t.Errorf("no 2015 El Niño among %+v", xs)
	}
}
