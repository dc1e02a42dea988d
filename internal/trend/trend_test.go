package trend

import (
	"math"
	"testing"
)

// series is 0.01 GtC per year from 0.2 in 2003, with small noise, and an
// extreme of size dip in 2008.
func series(dip float64) ([]int, []float64) {
	noise := []float64{0.001, -0.0015, 0.0005, 0.00175, -0.00075, -0.00125, 0.00025, 0.001, -0.0005, 0.00075, -0.00025}
	var years []int
	var vals []float64
	for y := 2003; y <= 2024; y++ {
		v := 0.2 + 0.01*float64(y-2003) + noise[y%11]
		if y == 2008 {
			v += dip
		}
		years, vals = append(years, y), append(vals, v)
	}
	return years, vals
}

func TestFit(t *testing.T) {
	base := Baseline{FromYear: 2015, ToYear: 2022}
	tests := []struct {
		name string
		dip  float64
	}{
		{"no extreme", 0},
		{"an extreme before the baseline", -0.05},
		{"a large one", -0.5},
	}
	for _, tt := range tests {
		years, vals := series(tt.dip)
		e := Fit(years, vals, base, nil)
		if !e.OK {
			t.Fatalf("%s: not OK", tt.name)
		}
		// 3 % of the slope: the noise's own tilt; the extreme must not add
		// to it (ordinary least squares would tilt by 0.11·dip/… ≈ 3 % for
		// the −0.05 dip, 34 % for −0.5).
		if math.Abs(e.SlopeGtCPerYear-0.01) > 0.0003 {
			t.Errorf("%s: slope %.5f GtC/yr, want 0.01", tt.name, e.SlopeGtCPerYear)
		}
		if got := vals[5] - e.At(2008); math.Abs(got-tt.dip) > 0.003 {
			t.Errorf("%s: 2008 departs by %.4f from the line, want %.4f", tt.name, got, tt.dip)
		}
		if e.SDGtC > 0.002 {
			t.Errorf("%s: baseline sd %.4f, want the noise's ~0.001", tt.name, e.SDGtC)
		}
	}
}

// TestFitLinear: with given weights the fit is linear in the values, so
// the anomalies of parts add up to the anomaly of their sum.
func TestFitLinear(t *testing.T) {
	base := Baseline{FromYear: 2015, ToYear: 2022}
	years, a := series(-0.05)
	_, b := series(0.02)
	sum := make([]float64, len(a))
	for i := range a {
		b[i] = b[i]*0.3 + float64(i%3)*0.01
		sum[i] = a[i] + b[i]
	}
	w := RobustWeights(years, sum, base)
	ea, eb, es := Fit(years, a, base, w), Fit(years, b, base, w), Fit(years, sum, base, w)
	for i, y := range years {
		an := (a[i] - ea.At(y)) + (b[i] - eb.At(y))
		// 1e-12: float64 sums of ~20 terms.
		if got := sum[i] - es.At(y); math.Abs(got-an) > 1e-12 {
			t.Errorf("%d: anomaly of the sum %.6g, sum of the anomalies %.6g", y, got, an)
		}
	}
}

func TestFitIncompleteBaseline(t *testing.T) {
	years, vals := series(0)
	if e := Fit(years[:14], vals[:14], Baseline{FromYear: 2015, ToYear: 2022}, nil); e.OK {
		t.Error("a baseline without 2017–2022 fitted")
	}
}
