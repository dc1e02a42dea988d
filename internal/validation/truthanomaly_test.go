package validation

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/regions"
	"github.com/carbonbudget/carbonbudget/internal/trend"
)

// TestTruthAnomalyZ: the truth's anomaly of a finding's region and period
// is taken against the same calendar month (or year) of the baseline, in
// σ of its year-to-year variability; a July finding reads only Julys, an
// annual one the sums of twelve months.
func TestTruthAnomalyZ(t *testing.T) {
	g := grid.MustNew(2)
	set, err := regions.Load(g)
	if err != nil {
		t.Fatal(err)
	}
	// Uniform fluxes (g C m⁻² of land or ocean per month): July of year y
	// has land flux julyLand[y], every other month 1; ocean and fire are
	// constant.
	julyLand := map[int]float32{2015: 1, 2016: 2, 2017: 2, 2018: 1, 2019: 1, 2020: 2, 2021: 2, 2022: 1, 2023: -4}
	cols := &truthColumns{ctx: context.Background(), cols: map[grid.Month]map[string][]float32{}}
	fill := func(v float32) []float32 {
		f := make([]float32, g.Cells())
		for i := range f {
			f[i] = v
		}
		return f
	}
	for y := 2015; y <= 2023; y++ {
		for mo := time.January; mo <= time.December; mo++ {
			land := float32(1)
			if mo == time.July {
				land = julyLand[y]
			}
			cols.cols[grid.Month{Year: y, Month: mo}] = map[string][]float32{"nbp": fill(land), "ocean_sink": fill(2), "fire": fill(0.1)}
		}
	}
	ones := fill(1)
	landArea := set.SumLand(ones)
	gi := map[string]int{}
	for i, r := range set.Regions() {
		gi[r.ID] = i
	}
	globeLandGtC := landArea[gi[regions.GlobalID]] / 1e15
	// Baseline Julys 1, 2, 2, 1, 1, 2, 2, 1: no trend, mean 1.5, sample sd sqrt(8·0.25/7)
	// per unit flux.
	sdUnit := math.Sqrt(8 * 0.25 / 7)
	tests := []struct {
		period, comp string
		anomaly      float64 // GtC
		z            float64
	}{
		{"2023-07", lake.CompLand, -5.5 * globeLandGtC, -5.5 / sdUnit},
		{"2023", lake.CompLand, -5.5 * globeLandGtC, -5.5 / sdUnit}, // the other months are equal every year
		{"2023-06", lake.CompLand, 0, 0},                            // no variability: z 0
	}
	treg := newTruthRegional(set)
	for _, tt := range tests {
		f := lake.Finding{Period: tt.period, RegionID: regions.GlobalID, Component: tt.comp, AnomalyGtC: -1}
		an, z, err := treg.anomalyZ(set, cols, f, Scoring{Base: trend.Baseline{FromYear: 2015, ToYear: 2022}, FirstYear: 2015, K: 2})
		if err != nil {
			t.Fatalf("%s %s: %v", tt.period, tt.comp, err)
		}
		// 1e-6 relative: float32 fluxes summed over ~1e4 cells.
		if math.Abs(an-tt.anomaly) > 1e-6*math.Abs(globeLandGtC) || math.Abs(z-tt.z) > 1e-5*math.Max(1, math.Abs(tt.z)) {
			t.Errorf("%s %s: got anomaly %g GtC, z %g; want %g GtC, z %g", tt.period, tt.comp, an, z, tt.anomaly, tt.z)
		}
	}
	if _, _, err := treg.anomalyZ(set, cols, lake.Finding{Period: "2024-07", RegionID: regions.GlobalID, Component: lake.CompLand}, Scoring{Base: trend.Baseline{FromYear: 2015, ToYear: 2022}, FirstYear: 2015, K: 2}); err == nil {
		t.Error("a period without truth scored")
	}
}

// TestTruthAgrees: a finding is real when the truth departs by k σ on the
// finding's side; the truth's anomaly the other way, or smaller, is not.
func TestTruthAgrees(t *testing.T) {
	tests := []struct {
		anomaly, z float64
		want       bool
	}{
		{-0.1, -2.5, true}, {0.1, 2, true}, {-0.1, 2.5, false}, {-0.1, -1.9, false}, {0.1, 0, false},
	}
	for _, tt := range tests {
		if got := truthAgrees(lake.Finding{AnomalyGtC: tt.anomaly}, tt.z, 2); got != tt.want {
			t.Errorf("truthAgrees(anomaly %g, truth z %g) = %v, want %v", tt.anomaly, tt.z, got, tt.want)
		}
	}
}
