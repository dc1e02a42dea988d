package land

import (
	"context"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

var regions2 struct {
	once sync.Once
	set  *regions.Set
	err  error
}

func regionsTwoDegree(t testing.TB) *regions.Set {
	t.Helper()
	regions2.once.Do(func() { regions2.set, regions2.err = regions.Load(grid.Global(2)) })
	if regions2.err != nil {
		t.Fatal(regions2.err)
	}
	return regions2.set
}

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
	r, err := Run(context.Background(), m, Inputs{Cubes: w, Models: ms, Climatology: clim, Regions: regionsTwoDegree(t)}, opt)
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
// it), cell by cell and in every region.
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
	checkFireRegions(t, r, event)

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

// checkFireRegions: the countries partition the land, so their fire
// anomalies add up to the event; Canada holds most of it.
func checkFireRegions(t *testing.T, r *Result, event float64) {
	t.Helper()
	var countries float64
	var special RegionTotal
	for _, rt := range r.Regions {
		switch {
		case rt.Kind == regions.KindCountry:
			countries += rt.FireAnomalyGtC
		case rt.ID == regions.CanadaID:
			special = rt
		}
		if d := rt.NBPGtC - rt.FireAnomalyGtC - rt.NetGtC; math.Abs(d) > 1e-12 {
			t.Errorf("region %s: NBP − fire anomaly − net = %.3g GtC, want 0", rt.ID, d)
		}
	}
	if math.Abs(countries-event) > 1e-4*event {
		t.Errorf("countries' fire anomalies add up to %.6f GtC, want the event %.6f", countries, event)
	}
	if special.ID == "" || special.FireAnomalyGtC < 0.5*event {
		t.Errorf("special/canada fire anomaly %.6f GtC, want most of the event %.6f", special.FireAnomalyGtC, event)
	}
}

// TestRunSigns: the emulated NBP keeps the DGVMs' sign (into land: the
// northern summer is an uptake, the northern winter a release), fire is
// positive to the atmosphere, and E_LUC comes out positive.
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
	s := &ELUCSeries{Source: "test", FirstYear: 2009, GtCPerYear: []float64{1.2, 1.1, 1.0}}
	_, ms, _ := trainedSynth(t)
	clim, _ := NewClimatology(w, w.g, ms.ClimFirstYear, ms.ClimLastYear)
	r, err := Run(context.Background(), grid.Month{Year: synthHeldOutYear, Month: 3}, Inputs{Cubes: w, Models: ms, Climatology: clim, ELUC: s}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := 1.0 * 31 / 366; math.Abs(r.ELUCGtC-want) > 1e-12 || !r.ELUCProjected || r.ELUCSigmaGtC <= 0 {
		t.Errorf("E_LUC %.6f GtC (projected %v, σ %.4f), want %.6f carried forward from 2011, projected", r.ELUCGtC, r.ELUCProjected, r.ELUCSigmaGtC, want)
	}
	if r.Provisional {
		t.Errorf("provisional with every source present (missing %v)", r.Missing)
	}
}

// TestRegionsAddUp: the land bands and the countries each partition the
// land, so their totals add up to the global one; every region's NBP is
// the member mean; the RECCAP2 totals equal Σ NBPMean·area·weight with the
// dense weights of the regions package (an independent path).
func TestRegionsAddUp(t *testing.T) {
	w, _, _ := trainedSynth(t)
	r := runSynth(t, w, grid.Month{Year: synthHeldOutYear, Month: 8}, Options{})
	rs := regionsTwoDegree(t)
	sums := map[string]float64{}
	var global RegionTotal
	for _, rt := range r.Regions {
		sums[rt.Kind] += rt.NBPGtC
		if rt.ID == GlobalID {
			global = rt
		}
		if rt.Kind == regions.KindReccapLand {
			wts, err := rs.Weights(rt.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := w.g.Sum(r.NBPMean.Values, wts) / emulator.GramsPerGt
			if math.Abs(rt.NBPGtC-want) > 1e-6*math.Max(1e-3, math.Abs(want)) {
				t.Errorf("%s: NBP %.8f GtC, Σ NBPMean·area·weight %.8f", rt.ID, rt.NBPGtC, want)
			}
		}
	}
	if math.Abs(global.NBPGtC-r.SLandGtC) > 1e-9 {
		t.Errorf("global region %.8f GtC, S_LAND %.8f", global.NBPGtC, r.SLandGtC)
	}
	// 1e-5 relative: float32 weights summed over ~5000 cells.
	for _, kind := range []string{regions.KindBandLand, regions.KindCountry} {
		if d := sums[kind] - r.SLandGtC; math.Abs(d) > 1e-5*math.Abs(r.SLandGtC) {
			t.Errorf("%s totals add up to %.8f GtC, S_LAND is %.8f", kind, sums[kind], r.SLandGtC)
		}
	}
	for _, id := range []string{"reccap2-land/africa", "band-land/north-20n", "band-land/20s-20n", "band-land/south-20s", regions.AmazoniaID, regions.SoutheastAsiaID, "BRA"} {
		if !slices.ContainsFunc(r.Regions, func(rt RegionTotal) bool { return rt.ID == id }) {
			t.Errorf("region %s missing from the result", id)
		}
	}
	for _, rt := range r.Regions {
		if strings.HasPrefix(rt.Kind, "reccap2-ocean") || rt.Kind == regions.KindBandOcean {
			t.Errorf("ocean region %s in the land result", rt.ID)
		}
	}
}
