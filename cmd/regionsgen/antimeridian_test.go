package main

import (
	"math"
	"testing"
)

// TestFixAntimeridian covers the three shapes world-atlas has: a ring
// jumping across the antimeridian and back (Russia, Fiji), a ring round
// the South Pole (Antarctica) with world-atlas's zero-area ring along the
// pole, and an ordinary ring.
func TestFixAntimeridian(t *testing.T) {
	crossing := polygon{{{178, 60}, {-178, 60}, {-178, 62}, {178, 62}, {178, 60}}}
	got := fixAntimeridian(crossing)
	if len(got) != 2 {
		t.Fatalf("crossing ring: %d polygons, want the unwrapped one and its shifted copy", len(got))
	}
	if w, e := lonRange(got[0]); w != 178 || e != 182 {
		t.Errorf("crossing ring unwrapped to %g..%g°, want 178..182", w, e)
	}
	if w, e := lonRange(got[1]); w != -182 || e != -178 {
		t.Errorf("shifted copy %g..%g°, want -182..-178", w, e)
	}
	if a := math.Abs(planarArea(got[0][0])); a != 8 {
		t.Errorf("crossing ring area %g square degrees, want 8", a)
	}

	pole := polygon{
		{{-180, -89.999}, {0, -89.999}, {180, -89.999}, {-180, -89.999}},
		{{-180, -70}, {-90, -65}, {0, -70}, {90, -65}, {179, -70}, {-180, -70}},
	}
	got = fixAntimeridian(pole)
	if len(got) != 1 || len(got[0]) != 1 {
		t.Fatalf("polar polygon: %v, want one ring", got)
	}
	r := got[0][0]
	if w, e := lonRange(got[0]); w != -180 || e != 180 || r[len(r)-2][1] != -90 || r[len(r)-1] != r[0] {
		t.Errorf("polar ring %v: not closed through the pole over -180..180°", r)
	}

	plain := polygon{{{10, 10}, {11, 10}, {11, 11}, {10, 10}}}
	if got := fixAntimeridian(plain); len(got) != 1 || len(got[0][0]) != 4 || got[0][0][1] != plain[0][1] {
		t.Errorf("ordinary ring changed: %v", got)
	}
}
