package twin

import (
	"math"
	"testing"
)

// TestShapley: the parts' Shapley values add up to the whole effect and
// share an interaction equally; a part that changes nothing gets nothing.
func TestShapley(t *testing.T) {
	// Heat alone −1, water alone −2, fire nothing alone, but water and
	// fire together another −0.6 (dry fuel burns): water and fire share it.
	v := map[partSet]float64{}
	for s := partSet(0); s <= allParts; s++ {
		if s.has(partHeat) {
			v[s] -= 1
		}
		if s.has(partWater) {
			v[s] -= 2
		}
		if s.has(partWater) && s.has(partFire) {
			v[s] -= 0.6
		}
	}
	got := shapley(v)
	want := map[string]float64{causeHeat: -1, causeWater: -2.3, causeFire: -0.3}
	var sum float64
	for part, w := range want {
		// 1e-12: three sums of a few float64 terms.
		if math.Abs(got[part]-w) > 1e-12 {
			t.Errorf("%s: got %g, want %g", part, got[part], w)
		}
		sum += got[part]
	}
	if math.Abs(sum-(v[allParts]-v[0])) > 1e-12 {
		t.Errorf("values add up to %g, whole effect %g", sum, v[allParts]-v[0])
	}
	if c := mainCause(got); c != causeWater {
		t.Errorf("main cause %q, want water", c)
	}
}

// TestMainCause: the largest effect the way the parts moved the carbon
// together, also when that is an uptake; none without effects.
func TestMainCause(t *testing.T) {
	tests := []struct {
		effects map[string]float64
		want    string
	}{
		{map[string]float64{causeHeat: -0.2, causeWater: -0.6, causeFire: -0.1}, causeWater},
		{map[string]float64{causeHeat: 0.04, causeWater: -0.015, causeFire: -0.001}, causeHeat},
		{map[string]float64{causeHeat: 0.3, causeWater: -0.1, causeFire: -0.25}, causeFire},
		{map[string]float64{}, ""},
	}
	for _, tt := range tests {
		if got := mainCause(tt.effects); got != tt.want {
			t.Errorf("mainCause(%v) = %q, want %q", tt.effects, got, tt.want)
		}
	}
}
