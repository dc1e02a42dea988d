package mapimg

import (
	"math"
	"testing"
)

func TestLimit(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		values []float32
		q      float64
		want   float64
	}{
		{[]float32{-4, 1, 2, 3, nan}, 1, 4},   // |−4| is the largest; NaN ignored
		{[]float32{-4, 1, 2, 3, nan}, 0.5, 2}, // the middle of 1, 2, 3, 4
		{[]float32{nan, nan}, 0.98, 1},        // nothing to scale by
		{[]float32{0, 0}, 0.98, 1e-12},        // never a zero divisor
	}
	for _, tt := range tests {
		if got := limit(tt.values, tt.q); got != tt.want {
			t.Errorf("limit(%v, %g) = %g, want %g", tt.values, tt.q, got, tt.want)
		}
	}
}

// TestDiverging: the scale runs from RdBu's dark blue through its neutral
// centre to its dark red, clamps outside ±1, and is blue below zero and
// red above.
func TestDiverging(t *testing.T) {
	if got := Diverging(-1); got != rdBu[0] {
		t.Errorf("Diverging(-1) = %v, want %v", got, rdBu[0])
	}
	if got := Diverging(0); got != rdBu[5] {
		t.Errorf("Diverging(0) = %v, want the neutral %v", got, rdBu[5])
	}
	if Diverging(1) != rdBu[10] || Diverging(7) != rdBu[10] || Diverging(-7) != rdBu[0] {
		t.Error("Diverging does not clamp to the ends")
	}
	for x := -1.0; x <= 1; x += 0.05 {
		c := Diverging(x)
		if x < -0.05 && c.B <= c.R || x > 0.05 && c.R <= c.B {
			t.Errorf("Diverging(%.2f) = %v: negative must be blue, positive red", x, c)
		}
	}
}
