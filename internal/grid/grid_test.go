package grid

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestAreasSumToSphere(t *testing.T) {
	want := 4 * math.Pi * EarthRadiusM * EarthRadiusM
	for _, res := range SupportedResolutions {
		g := MustNew(res)
		var got float64
		for _, a := range g.AreasM2() {
			got += a
		}
		// 1e-9 relative: float64 sum of up to 1e6 positive terms.
		if rel := math.Abs(got-want) / want; rel > 1e-9 {
			t.Errorf("%v: Σ area = %.6e m², want 4πR² = %.6e (rel %.2e)", g, got, want, rel)
		}
		if got := g.TotalAreaM2(nil); math.Abs(got-want)/want > 1e-9 {
			t.Errorf("%v: TotalAreaM2 = %.6e, want %.6e", g, got, want)
		}
	}
}

func TestNewRejectsUnsupported(t *testing.T) {
	if _, err := New(0.3); err == nil {
		t.Fatal("New(0.3) succeeded, want an error")
	}
}

func TestIndexAndCentres(t *testing.T) {
	g := MustNew(1)
	tests := []struct {
		lat, lon   float64
		row, col   int
		cLat, cLon float64
	}{
		{89.9, -179.9, 0, 0, 89.5, -179.5},
		{-89.9, 179.9, 179, 359, -89.5, 179.5},
		{48.85, 2.35, 41, 182, 48.5, 2.5},   // Paris
		{48.85, 362.35, 41, 182, 48.5, 2.5}, // same point in 0..360 plus a turn
		{0, 0, 90, 180, -0.5, 0.5},          // edges belong to the cell to the south-east
		{-90, 0, 179, 180, -89.5, 0.5},
	}
	for _, tt := range tests {
		i, ok := g.Locate(tt.lat, tt.lon)
		if !ok {
			t.Fatalf("Locate(%g, %g) not ok", tt.lat, tt.lon)
		}
		r, c := g.RowCol(i)
		if r != tt.row || c != tt.col {
			t.Errorf("Locate(%g, %g) = row %d col %d, want %d %d", tt.lat, tt.lon, r, c, tt.row, tt.col)
		}
		lat, lon := g.Centre(i)
		if lat != tt.cLat || lon != tt.cLon {
			t.Errorf("Centre(%d) = %g, %g, want %g, %g", i, lat, lon, tt.cLat, tt.cLon)
		}
	}
	if _, ok := g.Locate(91, 0); ok {
		t.Error("Locate(91, 0) ok, want outside")
	}
}

func TestSumAndMean(t *testing.T) {
	g := MustNew(2)
	v := make([]float32, g.Cells())
	w := make([]float32, g.Cells())
	for i := range v {
		v[i] = 3
		w[i] = 0.5
	}
	v[0] = float32(math.NaN())
	total := 4 * math.Pi * EarthRadiusM * EarthRadiusM
	wantArea := 0.5 * (total - g.RowAreaM2(0))
	m, a := g.Mean(v, w)
	if math.Abs(m-3) > 1e-12 || math.Abs(a-wantArea)/wantArea > 1e-12 {
		t.Errorf("Mean = %g over %g m², want 3 over %g", m, a, wantArea)
	}
	if s := g.Sum(v, w); math.Abs(s-3*wantArea)/s > 1e-12 {
		t.Errorf("Sum = %g, want %g", s, 3*wantArea)
	}
}

func randomField(g Grid, seed uint64, nanFrac float64) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	v := make([]float32, g.Cells())
	for i := range v {
		lat, lon := g.Centre(i)
		v[i] = float32(10*math.Sin(lat/10)*math.Cos(lon/20) + r.NormFloat64())
		if r.Float64() < nanFrac {
			v[i] = float32(math.NaN())
		}
	}
	return v
}

func TestRegridConservesIntegral(t *testing.T) {
	pairs := []struct{ src, dst Grid }{
		{MustNew(0.25), MustNew(1)},
		{MustNew(1), MustNew(0.25)},
		{MustNew(0.5), MustNew(2)},
		{Global(0.75), MustNew(1)}, // ERA-Interim-like, edges do not align
		// ERA5-like: centres on 0..359.75 and ±90, edges beyond the poles.
		{Grid{West: -0.125, North: 90.125, DLon: 0.25, DLat: 0.25, NLon: 1440, NLat: 721}, MustNew(1)},
	}
	for _, p := range pairs {
		rg, err := NewRegridder(p.src, p.dst)
		if err != nil {
			t.Fatal(err)
		}
		src := randomField(p.src, 7, 0)
		dst := rg.Apply(src, nil)
		in, out := p.src.Sum(src, nil), p.dst.Sum(dst, nil)
		scale := p.src.Sum(absAll(src), nil)
		// 1e-6 relative to the integral of |v|: float64 sums of ~1e6 terms.
		if math.Abs(in-out)/scale > 1e-6 {
			t.Errorf("%v -> %v: integral %g -> %g (rel %.2e)", p.src, p.dst, in, out, math.Abs(in-out)/scale)
		}
	}
}

func absAll(v []float32) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(math.Abs(float64(x)))
	}
	return out
}

func TestRegridConstantWithNaN(t *testing.T) {
	src, dst := MustNew(0.5), MustNew(2)
	v := randomField(src, 3, 0.3)
	for i := range v {
		if v[i] == v[i] {
			v[i] = 4.25
		}
	}
	// A whole 2° block of NaN: the destination cell must be NaN with 0 coverage.
	for r := 0; r < 4; r++ {
		for c := 0; c < 4; c++ {
			v[src.Index(r, c)] = float32(math.NaN())
		}
	}
	rg, _ := NewRegridder(src, dst)
	cov := make([]float32, dst.Cells())
	out := rg.Apply(v, cov)
	for i, x := range out {
		if cov[i] > 0 && math.Abs(float64(x)-4.25) > 1e-6 {
			t.Fatalf("cell %d: got %g with coverage %g, want 4.25", i, x, cov[i])
		}
		if cov[i] < 0 || cov[i] > 1 {
			t.Fatalf("cell %d: coverage %g outside [0,1]", i, cov[i])
		}
	}
	if !math.IsNaN(float64(out[0])) || cov[0] != 0 {
		t.Errorf("all-NaN cell: got %g coverage %g, want NaN and 0", out[0], cov[0])
	}
}

func TestRegridPartialCoverage(t *testing.T) {
	// A regional 1° source over 0..10°E, 0..10°N onto the 2° global grid.
	src := Grid{West: 0, North: 10, DLon: 1, DLat: 1, NLon: 10, NLat: 10}
	v := make([]float32, src.Cells())
	for i := range v {
		v[i] = 1
	}
	dst := MustNew(2)
	rg, err := NewRegridder(src, dst)
	if err != nil {
		t.Fatal(err)
	}
	cov := make([]float32, dst.Cells())
	out := rg.Apply(v, cov)
	i, _ := dst.Locate(5, 5)
	if out[i] != 1 || math.Abs(float64(cov[i])-1) > 1e-6 {
		t.Errorf("inside: %g cov %g, want 1 cov 1", out[i], cov[i])
	}
	j, _ := dst.Locate(-5, -5)
	if !math.IsNaN(float64(out[j])) || cov[j] != 0 {
		t.Errorf("outside: %g cov %g, want NaN cov 0", out[j], cov[j])
	}
}

func TestRollLonRoundTrip(t *testing.T) {
	for _, g := range []Grid{MustNew(2), MustNew(0.25)} {
		v := randomField(g, 11, 0.1)
		orig := append([]float32(nil), v...)
		RollLon(v, g.NLon, g.NLon/2)
		// After the roll column 0 holds what was the middle column.
		if a, b := v[0], orig[g.NLon/2]; a != b && !(a != a && b != b) {
			t.Fatalf("%v: after roll v[0] = %g, want %g", g, a, b)
		}
		RollLon(v, g.NLon, -g.NLon/2)
		for i := range v {
			if v[i] != orig[i] && !(v[i] != v[i] && orig[i] != orig[i]) {
				t.Fatalf("%v: roll round trip differs at %d", g, i)
			}
		}
	}
}

func TestRollLon(t *testing.T) {
	for _, tc := range []struct {
		shift int
		want  []int
	}{
		{0, []int{0, 1, 2, 3, 4, 10, 11, 12, 13, 14}},
		{2, []int{3, 4, 0, 1, 2, 13, 14, 10, 11, 12}},
		{-1, []int{1, 2, 3, 4, 0, 11, 12, 13, 14, 10}},
		{7, []int{3, 4, 0, 1, 2, 13, 14, 10, 11, 12}},
	} {
		v := []int{0, 1, 2, 3, 4, 10, 11, 12, 13, 14}
		RollLon(v, 5, tc.shift)
		if !slices.Equal(v, tc.want) {
			t.Errorf("RollLon(shift %d) = %v, want %v", tc.shift, v, tc.want)
		}
	}
}

func TestFlipLat(t *testing.T) {
	v := []int{1, 2, 3, 4, 5, 6}
	FlipLat(v, 2)
	want := []int{5, 6, 3, 4, 1, 2}
	for i := range v {
		if v[i] != want[i] {
			t.Fatalf("FlipLat = %v, want %v", v, want)
		}
	}
}

func TestBilinear(t *testing.T) {
	g := MustNew(1)
	v := make([]float32, g.Cells())
	for i := range v {
		lat, lon := g.Centre(i)
		v[i] = float32(2*lat + 0.5*lon) // linear in lat and lon: exact away from the dateline
	}
	for _, p := range [][2]float64{{10.3, 20.7}, {-45.5, -100.5}, {0.01, 0.99}} {
		got := g.Bilinear(v, p[0], p[1])
		want := 2*p[0] + 0.5*p[1]
		if math.Abs(got-want) > 1e-4 {
			t.Errorf("Bilinear(%v) = %g, want %g", p, got, want)
		}
	}
	// Across the dateline: 179.9 and -179.9 see the same two columns.
	if a, b := g.Bilinear(v, 10, 179.99), g.Bilinear(v, 10, 179.99-360); math.Abs(a-b) > 1e-3 {
		t.Errorf("dateline: %g vs %g", a, b)
	}
	// 0..360 longitudes are the same points.
	if a, b := g.Bilinear(v, 10.3, -20.7), g.Bilinear(v, 10.3, 339.3); math.Abs(a-b) > 1e-6 {
		t.Errorf("0..360: %g vs %g", a, b)
	}
	i, _ := g.Locate(10.3, 20.7)
	v[i] = float32(math.NaN())
	if got := g.Bilinear(v, 10.3, 20.7); math.IsNaN(got) {
		t.Error("one NaN neighbour gave NaN, want renormalised value")
	}
}

func TestMonth(t *testing.T) {
	m, err := ParseMonth("2024-02")
	if err != nil {
		t.Fatal(err)
	}
	if m.Days() != 29 || m.Seconds() != 29*86400 {
		t.Errorf("2024-02 has %d days, want 29", m.Days())
	}
	if got := m.Add(-14).String(); got != "2022-12" {
		t.Errorf("Add(-14) = %s, want 2022-12", got)
	}
	if got := m.Add(11).String(); got != "2025-01" {
		t.Errorf("Add(11) = %s, want 2025-01", got)
	}
	if d := m.Sub(Month{2023, 3}); d != 11 {
		t.Errorf("Sub = %d, want 11", d)
	}
	if _, err := ParseMonth("2024-13"); err == nil {
		t.Error("ParseMonth(2024-13) succeeded")
	}
	if n := len(Range(Month{2023, 11}, Month{2024, 2})); n != 4 {
		t.Errorf("Range has %d months, want 4", n)
	}
}

func TestFieldExpect(t *testing.T) {
	g, other := MustNew(2), MustNew(1)
	ok := &Field{Name: "sst", Units: "degC", Grid: g, Values: make([]float32, g.Cells())}
	tests := []struct {
		name string
		f    *Field
		want string // "" for no error
	}{
		{"ok", ok, ""},
		{"nil", nil, "nil field"},
		{"short", &Field{Name: "sst", Units: "degC", Grid: g, Values: make([]float32, 3)}, "3 values"},
		{"units", &Field{Name: "sst", Units: "K", Grid: g, Values: ok.Values}, `units "K", want "degC"`},
		{"grid", &Field{Name: "sst", Units: "degC", Grid: other, Values: make([]float32, other.Cells())}, "on grid"},
	}
	for _, tt := range tests {
		err := tt.f.Expect("degC", g)
		if (tt.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Expect = %v, want %q", tt.name, err, tt.want)
		}
	}
}
