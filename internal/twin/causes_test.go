package twin

import (
	"context"
	"errors"
	"io"
	"iter"
	"math"
	"slices"
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

// TestCounterfactualReplay: a counterfactual world that computes only the
// chunks under the land events, replaying the written world's sums for
// the others, sums the events' NBP as one that computes every chunk does
// (they differ only through the small change of CO₂ in the cells left
// out), and far from the world with every part, so the test can fail.
func TestCounterfactualReplay(t *testing.T) {
	opt := smallOptions() // 2022–2023: the Canadian fires and the 2023 Amazon drought
	w, set := smallSim(t)
	full := map[string]eventCarbon{}
	for f := range allMonths(t, w) {
		w.addEventCarbon(full, f)
	}
	only := w.eventChunks()
	if !slices.Contains(only, false) {
		t.Fatal("every chunk is under an event: the replay is not exercised")
	}
	all := make([]bool, len(only))
	for i := range all {
		all[i] = true
	}
	ctx := context.Background()
	replayed, err := eventSums(ctx, set, opt, &counterfactual{off: partWater, only: only, replay: w.chunkLog})
	if err != nil {
		t.Fatal(err)
	}
	computed, err := eventSums(ctx, set, opt, &counterfactual{off: partWater, only: all, replay: w.chunkLog})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Canadian wildfires 2023", "Amazon drought 2023-24"} {
		r, c, f := replayed[name].nbpGtC, computed[name].nbpGtC, full[name].nbpGtC
		if math.Abs(r-c) > 1e-4*math.Abs(f-c) {
			t.Errorf("%s: replayed %.6f GtC, computed %.6f (with water %.6f)", name, r, c, f)
		}
		if math.Abs(f-c) < 0.05 {
			t.Errorf("%s: without the water part %.4f GtC, with it %.4f: the drought should matter", name, c, f)
		}
	}
}

// allMonths runs w to its end, yielding each month.
func allMonths(t *testing.T, w *World) iter.Seq[*MonthFields] {
	return func(yield func(*MonthFields) bool) {
		for {
			f, err := w.Next(context.Background())
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !yield(f) {
				return
			}
		}
	}
}
