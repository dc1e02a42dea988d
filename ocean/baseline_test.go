package ocean

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// history makes monthly totals for years a..b: global = 0.2 + 0.01·(year −
// a) + 0.03·month/12, and one region at half of that.
func history(a, b int) []MonthTotals {
	var h []MonthTotals
	for _, m := range grid.Range(grid.Month{Year: a, Month: 1}, grid.Month{Year: b, Month: 12}) {
		v := 0.2 + 0.01*float64(m.Year-a) + 0.03*float64(m.Month)/12
		h = append(h, MonthTotals{Month: m, GtC: map[string]float64{GlobalID: v, "band-ocean/north": v / 2}})
	}
	return h
}

func TestBaseline(t *testing.T) {
	b, err := NewBaseline(0, 0, history(2010, 2024))
	if err != nil {
		t.Fatal(err)
	}
	if b.FirstYear != 2015 || b.LastYear != 2022 {
		t.Errorf("default baseline %d-%d, want 2015-2022", b.FirstYear, b.LastYear)
	}
	// Mean over 2015..2022 of 0.01·(year−2010) is 0.01·8.5; July adds 0.0175.
	want := 0.2 + 0.085 + 0.03*7/12
	got, ok := b.MeanGtC(GlobalID, grid.Month{Year: 2030, Month: 7})
	if !ok || math.Abs(got-want) > 1e-12 {
		t.Errorf("July baseline %.12f (%v), want %.12f", got, ok, want)
	}
	r := &Result{Month: grid.Month{Year: 2023, Month: 7}, GtC: 0.5,
		Regions: []RegionTotal{{ID: "band-ocean/north", GtC: 0.3}, {ID: "reccap2-ocean/arctic", GtC: 0.01}}}
	r.applyBaseline(b)
	if !r.HasAnomaly || math.Abs(r.AnomalyGtC-(0.5-want)) > 1e-12 {
		t.Errorf("global anomaly %.6f (%v), want %.6f", r.AnomalyGtC, r.HasAnomaly, 0.5-want)
	}
	if rt := r.Regions[0]; !rt.HasAnomaly || math.Abs(rt.AnomalyGtC-(0.3-want/2)) > 1e-12 {
		t.Errorf("band anomaly %.6f (%v), want %.6f", rt.AnomalyGtC, rt.HasAnomaly, 0.3-want/2)
	}
	if rt := r.Regions[1]; rt.HasAnomaly {
		t.Errorf("a region without baseline got anomaly %v", rt.AnomalyGtC)
	}
	tot := r.Totals()
	if tot.GtC[GlobalID] != 0.5 || tot.GtC["band-ocean/north"] != 0.3 || len(tot.GtC) != 3 {
		t.Errorf("totals %v", tot.GtC)
	}
}

func TestBaselineErrors(t *testing.T) {
	gap := history(2015, 2022)
	gap = append(gap[:30], gap[31:]...) // drop 2017-07
	ragged := history(2015, 2022)
	ragged[40].GtC = map[string]float64{GlobalID: 1}
	nan := history(2015, 2022)
	nan[5].GtC[GlobalID] = math.NaN()
	tests := []struct {
		name    string
		a, b    int
		h       []MonthTotals
		wantErr string
	}{
		{"gap", 0, 0, gap, "no totals for 2017-07"},
		{"ragged regions", 0, 0, ragged, "2018-05 has regions"},
		{"NaN", 0, 0, nan, "2015-06 region global total is NaN"},
		{"reversed", 2022, 2015, history(2015, 2022), "years 2022-2015"},
		{"too short", 2014, 2022, history(2015, 2022), "no totals for 2014-01"},
	}
	for _, tt := range tests {
		_, err := NewBaseline(tt.a, tt.b, tt.h)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.wantErr)
		}
	}
}

// TestRunAnomaly: Run takes anomalies against a baseline built from its own
// earlier results.
func TestRunAnomaly(t *testing.T) {
	w, ms := trained(t)
	var h []MonthTotals
	for _, m := range grid.Range(grid.Month{Year: 2010, Month: 1}, grid.Month{Year: 2011, Month: 12}) {
		r, err := Run(context.Background(), m, Inputs{Cubes: w, Models: ms}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		h = append(h, r.Totals())
	}
	b, err := NewBaseline(2010, 2011, h)
	if err != nil {
		t.Fatal(err)
	}
	m := grid.Month{Year: worldHeldOut, Month: 5}
	r, err := Run(context.Background(), m, Inputs{Cubes: w, Models: ms, Baseline: b}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := r.GtC - (h[4].GtC[GlobalID]+h[16].GtC[GlobalID])/2
	if !r.HasAnomaly || math.Abs(r.AnomalyGtC-want) > 1e-12 {
		t.Errorf("May %d anomaly %.6f (%v), want %.6f", worldHeldOut, r.AnomalyGtC, r.HasAnomaly, want)
	}
}
