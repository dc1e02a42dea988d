package land

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
	"github.com/carbonbudget/carbonbudget/internal/twin"
)

// twinCubes holds a twin world run in memory as the cube would carry it:
// the land drivers in canonical units (precipitation as the month's total),
// fire as GFED-style observations (the twin's fire), atmospheric CO2 as a
// constant field, and the DGVMs' NBP up to the year before the last (their
// one-year lag). It keeps the truth beside.
type twinCubes struct {
	g      grid.Grid
	land   []float32
	months map[grid.Month]*twinMonth
	dgvms  []string
}

type twinMonth struct {
	fields map[string]*grid.Field
	nbp    []float32 // true S_LAND per cell (fire and drought mortality included)
	budget twin.MonthBudget
}

func (t *twinCubes) Field(m grid.Month, name string) (*grid.Field, error) {
	if name == fieldLandFrac {
		return &grid.Field{Name: name, Units: "1", Grid: t.g, Values: t.land}, nil
	}
	tm, ok := t.months[m]
	if !ok {
		return nil, fmt.Errorf("twin: no cube for %s", m)
	}
	f, ok := tm.fields[name]
	if !ok {
		return nil, fmt.Errorf("cube %s: no field %q", m, name)
	}
	return f, nil
}

// runTwin runs the twin world of opt and keeps its land months.
func runTwin(tb testing.TB, opt twin.Options) *twinCubes {
	tc := &twinCubes{g: grid.MustNew(opt.ResDeg), months: map[grid.Month]*twinMonth{}, dgvms: twin.DGVMNames[:]}
	w, err := twin.EachMonth(context.Background(), opt, func(mf *twin.MonthFields) error {
		tc.months[mf.Month] = tc.month(mf, opt)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	tc.land = w.LandFraction()
	return tc
}

func (t *twinCubes) month(mf *twin.MonthFields, opt twin.Options) *twinMonth {
	tm := &twinMonth{fields: map[string]*grid.Field{}, nbp: mf.NBP, budget: mf.Budget}
	put := func(name, units string, v []float32) {
		tm.fields[name] = &grid.Field{Name: name, Units: units, Grid: t.g, Values: v}
	}
	days := float32(mf.Month.Days())
	tp := make([]float32, len(mf.PrecipMmPerDay))
	for i, p := range mf.PrecipMmPerDay {
		tp[i] = p * days
	}
	xco2 := make([]float32, len(tp))
	for i := range xco2 {
		xco2[i] = float32((mf.Budget.CO2StartPPM + mf.Budget.CO2EndPPM) / 2)
	}
	put(fieldT2m, "degC", mf.T2mC)
	put(fieldTp, "mm month-1", tp)
	put(fieldSsrd, "W m-2", mf.SsrdWPerM2)
	put(fieldSwvl1, "m3 m-3", mf.Swvl1)
	put(fieldNDVI, "1", mf.NDVI)
	put(fieldFire, emulator.FluxUnits, mf.Fire)
	put(fieldXCO2, emulator.XCO2Units, xco2)
	if mf.Month.Year <= opt.ModelLastYear() {
		for j, name := range t.dgvms {
			put(NBPField(name), emulator.FluxUnits, mf.NBPModel[j])
		}
	}
	return tm
}

// BenchmarkTwinSkill is the twin-world skill test of issue 8 on the
// default twin world (2000–2024 at 1°, seed 42; TWIN_RES=2 for the 2°
// world). The DGVM files stop in 2023, so every emulator is trained on
// 2000–2022 and scored on 2023 against its DGVM (cell R² ≥ 0.9, annual
// global NBP within 0.25 GtC/yr); the timed part is that training (three
// members on 24 years). The ensemble then runs every month of 2015–2024,
// and its net land flux is compared with the twin's true S_LAND: within
// 0.4 GtC/yr in 2023 and 2024, the weak-sink year 2023 detected as a
// negative anomaly against 2015–2022 of at least half the true size, and
// the three RECCAP2 land regions with the largest declines those of the
// truth (the ranking by absolute anomaly is logged too). It fails when a target is missed.
func BenchmarkTwinSkill(b *testing.B) {
	opt := twin.DefaultOptions()
	if r, err := strconv.ParseFloat(os.Getenv("TWIN_RES"), 64); err == nil {
		opt.ResDeg = r
	}
	tc := runTwin(b, opt)
	rs, err := regions.Load(tc.g)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ms, err := Train(context.Background(), tc, TrainSpec{FirstYear: opt.FromYear, HeldOutYear: opt.ModelLastYear(), DGVMs: tc.dgvms})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		memberSkill(b, ms)
		ensembleSkill(b, tc, ms, rs, opt)
		ms.Close()
		b.StartTimer()
	}
}

func memberSkill(b *testing.B, ms *Models) {
	for _, mm := range ms.Members {
		sk := mm.Skill
		e := sk.AnnualErrorGtC()
		b.ReportMetric(sk.R2, "R2_"+mm.DGVM)
		b.ReportMetric(e, "GtC_err_"+mm.DGVM)
		b.Logf("%s (held out %d): R² %.4f (area-weighted %.4f), RMSE %.3f g C m-2 month-1, annual %.3f GtC vs DGVM %.3f (error %+.3f), trend %+v, %d trees",
			mm.DGVM, sk.HeldOutYear, sk.R2, sk.R2AreaWeighted, sk.RMSE, sk.AnnualPredictedGtC, sk.AnnualTrueGtC, e, mm.Trend, mm.Emulator.Card().BestIteration+1)
		if sk.R2 < 0.9 || math.Abs(e) > 0.25 {
			b.Errorf("%s: R² %.4f, annual error %+.3f GtC/yr; want R² >= 0.9 and |error| <= 0.25", mm.DGVM, sk.R2, e)
		}
	}
}

// yearly holds annual sums by year and region id, GtC/yr.
type yearly map[int]map[string]float64

func (y yearly) add(year int, id string, v float64) {
	if y[year] == nil {
		y[year] = map[string]float64{}
	}
	y[year][id] += v
}

// anomaly is year's value minus the mean of first..last.
func (y yearly) anomaly(year int, id string, first, last int) float64 {
	var base float64
	for yr := first; yr <= last; yr++ {
		base += y[yr][id]
	}
	return y[year][id] - base/float64(last-first+1)
}

func ensembleSkill(b *testing.B, tc *twinCubes, ms *Models, rs *regions.Set, opt twin.Options) {
	ours, nbpOnly, truth := yearly{}, yearly{}, yearly{}
	for _, m := range grid.Range(grid.Month{Year: DefaultBaselineFirstYear, Month: 1}, grid.Month{Year: opt.ToYear, Month: 12}) {
		r, err := Run(context.Background(), m, Inputs{Cubes: mustCubes(b, tc, m), Models: ms}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		ours.add(m.Year, regions.GlobalID, r.NetGtC)
		nbpOnly.add(m.Year, regions.GlobalID, r.SLandGtC)
		// The stage has no regions (the budget sums them): sum its fields
		// here as the truth's below.
		net, nbp := rs.SumLand(r.Net.Values), rs.SumLand(r.NBPMean.Values)
		for j, reg := range rs.Regions() {
			if reg.ID != regions.GlobalID {
				ours.add(m.Year, reg.ID, net[j]/emulator.GramsPerGt)
				nbpOnly.add(m.Year, reg.ID, nbp[j]/emulator.GramsPerGt)
			}
		}
		ours.add(m.Year, "sigma2", r.SigmaGtC) // summed as fully correlated below
		ours.add(m.Year, "fire", r.FireGtC)
		ours.add(m.Year, "fire_anomaly", r.FireAnomalyGtC)
		tm := tc.months[m]
		for _, v := range tm.budget.DGVM {
			truth.add(m.Year, "dgvm_mean", v/float64(len(tm.budget.DGVM)))
		}
		truth.add(m.Year, "fire", tm.budget.Fire)
		truth.add(m.Year, regions.GlobalID, tm.budget.SLand)
		for j, v := range rs.SumLand(tm.nbp) {
			if id := rs.Regions()[j].ID; id != regions.GlobalID { // the budget's own sum above
				truth.add(m.Year, id, v/emulator.GramsPerGt)
			}
		}
	}
	for year := DefaultBaselineFirstYear; year <= opt.ToYear; year++ {
		b.Logf("%d: truth %.3f, DGVM mean %.3f, ours NBP %.3f net %.3f; fire %.3f (truth %.3f), anomaly %.3f", year, truth[year][regions.GlobalID],
			truth[year]["dgvm_mean"], nbpOnly[year][regions.GlobalID], ours[year][regions.GlobalID], ours[year]["fire"], truth[year]["fire"], ours[year]["fire_anomaly"])
	}
	for _, year := range []int{opt.ModelLastYear(), opt.ToYear} {
		got, want := ours[year][regions.GlobalID], truth[year][regions.GlobalID]
		b.ReportMetric(got-want, fmt.Sprintf("GtC_err_net_%d", year))
		b.Logf("%d: net land flux %.3f GtC (NBP alone %.3f, σ %.3f) vs true S_LAND %.3f (error %+.3f)",
			year, got, nbpOnly[year][regions.GlobalID], ours[year]["sigma2"], want, got-want)
		if math.Abs(got-want) > 0.4 {
			b.Errorf("%d: ensemble net land flux %.3f GtC/yr, truth %.3f; want within 0.4", year, got, want)
		}
	}
	const weak = 2023
	first, last := DefaultBaselineFirstYear, DefaultBaselineLastYear
	got, want := ours.anomaly(weak, regions.GlobalID, first, last), truth.anomaly(weak, regions.GlobalID, first, last)
	b.ReportMetric(got, "GtC_anom_2023")
	b.Logf("%d anomaly vs %d-%d: ours %+.3f GtC (NBP alone %+.3f), truth %+.3f", weak, first, last, got, nbpOnly.anomaly(weak, regions.GlobalID, first, last), want)
	if !(want < 0) || !(got < 0) || got > 0.5*want {
		b.Errorf("%d anomaly %+.3f GtC/yr, truth %+.3f: want negative and at least half the true size", weak, got, want)
	}
	gotTop, wantTop := topRegions(ours, rs, weak, first, last), topRegions(truth, rs, weak, first, last)
	b.Logf("%d RECCAP2 anomalies, largest decline first: ours %v, truth %v", weak, gotTop, wantTop)
	if !slices.Equal(sortedIDs(gotTop[:3]), sortedIDs(wantTop[:3])) {
		b.Errorf("the three RECCAP2 regions with the largest decline %v, truth's %v", gotTop[:3], wantTop[:3])
	}
	byAbs := func(r []regionAnomaly) []regionAnomaly {
		r = slices.Clone(r)
		sort.SliceStable(r, func(i, j int) bool { return math.Abs(r[i].GtC) > math.Abs(r[j].GtC) })
		return r[:3]
	}
	b.Logf("%d top three by |anomaly| (reported, not asserted): ours %v, truth %v", weak, byAbs(gotTop), byAbs(wantTop))
}

// regionAnomaly is a region's anomaly, for ranking.
type regionAnomaly struct {
	ID  string
	GtC float64
}

func (r regionAnomaly) String() string { return fmt.Sprintf("%s %+.3f", r.ID, r.GtC) }

// topRegions ranks the RECCAP2 land regions by their anomaly, the largest
// decline of the sink first: in a weak-sink year the pattern is where the
// sink fell.
func topRegions(y yearly, rs *regions.Set, year, first, last int) []regionAnomaly {
	var out []regionAnomaly
	for _, r := range rs.Regions() {
		if r.Kind == regions.KindReccapLand {
			out = append(out, regionAnomaly{r.ID, y.anomaly(year, r.ID, first, last)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GtC < out[j].GtC })
	return out
}

func sortedIDs(rs []regionAnomaly) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	sort.Strings(ids)
	return ids
}
