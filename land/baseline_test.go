package land

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// history makes monthly totals for years first..last: region "R" has NBP
// year/1000 + month/100 GtC and fire 0.01·month, the globe twice that.
func history(first, last int) []MonthTotals {
	var h []MonthTotals
	for _, m := range grid.Range(grid.Month{Year: first, Month: 1}, grid.Month{Year: last, Month: 12}) {
		r := Totals{NBPGtC: float64(m.Year)/1000 + float64(m.Month)/100, FireGtC: 0.01 * float64(m.Month)}
		r.NetGtC = r.NBPGtC
		g := Totals{2 * r.NBPGtC, 2 * r.FireGtC, 0, 2 * r.NetGtC}
		h = append(h, MonthTotals{Month: m, Totals: map[string]Totals{"R": r, GlobalID: g}})
	}
	return h
}

func TestNewBaseline(t *testing.T) {
	b, err := NewBaseline(0, 0, history(2013, 2024))
	if err != nil {
		t.Fatal(err)
	}
	if b.FirstYear != 2015 || b.LastYear != 2022 {
		t.Fatalf("default baseline %d-%d, want 2015-2022", b.FirstYear, b.LastYear)
	}
	got, ok := b.Mean("R", grid.Month{Year: 2030, Month: 4})
	// 2015..2022 averages to 2018.5; other years are ignored.
	want := Totals{NBPGtC: 2.0185 + 0.04, FireGtC: 0.04, NetGtC: 2.0185 + 0.04}
	if !ok || math.Abs(got.NBPGtC-want.NBPGtC) > 1e-12 || math.Abs(got.FireGtC-want.FireGtC) > 1e-12 || math.Abs(got.NetGtC-want.NetGtC) > 1e-12 {
		t.Errorf("April baseline of R: %+v, want %+v", got, want)
	}
	if _, ok := b.Mean("nowhere", grid.Month{Year: 2023, Month: 1}); ok {
		t.Error("a region without history has a baseline")
	}

	gap := history(2015, 2022)
	gap = append(gap[:30], gap[31:]...)
	if _, err := NewBaseline(2015, 2022, gap); err == nil || !strings.Contains(err.Error(), "2017-07") {
		t.Errorf("history without 2017-07: error %v, want one naming the month", err)
	}
	odd := history(2015, 2022)
	delete(odd[40].Totals, "R")
	if _, err := NewBaseline(2015, 2022, odd); err == nil || !strings.Contains(err.Error(), "regions") {
		t.Errorf("a month without region R: error %v", err)
	}
	bad := history(2015, 2022)
	bad[3].Totals["R"] = Totals{NBPGtC: math.NaN()}
	if _, err := NewBaseline(2015, 2022, bad); err == nil || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("a NaN total: error %v", err)
	}
}

// TestRunAnomalies: with a baseline, every reported anomaly is the month's
// total minus the baseline mean of its calendar month, for the globe and
// each region; the month's Totals feed the next baseline.
func TestRunAnomalies(t *testing.T) {
	w, ms, clim := trainedSynth(t)
	m := grid.Month{Year: synthHeldOutYear, Month: eventMonth.Month}
	rs := regionsTwoDegree(t)
	in := Inputs{Cubes: w, Models: ms, Climatology: clim, Regions: rs}
	r, err := Run(context.Background(), m, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A baseline in which every month equals this one, minus 0.1 GtC of
	// NBP in every region: all NBP anomalies must be +0.1.
	tot := r.Totals()
	var hist []MonthTotals
	for _, hm := range grid.Range(grid.Month{Year: 2003, Month: 1}, grid.Month{Year: 2004, Month: 12}) {
		shifted := map[string]Totals{}
		for id, v := range tot.Totals {
			v.NBPGtC -= 0.1
			shifted[id] = v
		}
		hist = append(hist, MonthTotals{Month: hm, Totals: shifted})
	}
	in.Baseline, err = NewBaseline(2003, 2004, hist)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Run(context.Background(), m, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// 1e-9 GtC: differences of float64 sums of the same values.
	if !a.HasAnomaly || math.Abs(a.Anomaly.NBPGtC-0.1) > 1e-9 || math.Abs(a.Anomaly.NetGtC) > 1e-9 || math.Abs(a.Anomaly.FireGtC) > 1e-9 {
		t.Errorf("global anomaly %+v (has %v), want NBP +0.1 and nothing else", a.Anomaly, a.HasAnomaly)
	}
	for _, rt := range a.Regions {
		if !rt.HasAnomaly || math.Abs(rt.Anomaly.NBPGtC-0.1) > 1e-9 {
			t.Fatalf("region %s anomaly %+v (has %v), want NBP +0.1", rt.ID, rt.Anomaly, rt.HasAnomaly)
		}
	}
	if len(tot.Totals) != len(r.Regions) {
		t.Errorf("Totals has %d regions, the result %d (the globe is one of them)", len(tot.Totals), len(r.Regions))
	}
}
