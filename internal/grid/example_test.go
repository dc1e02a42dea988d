package grid_test

import (
	"fmt"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// A field of a uniform flux, summed over the globe: the area-weighted sum
// of g C m⁻² month⁻¹ over the cells' areas in m² gives grams per month.
func ExampleGrid_Sum() {
	g := grid.MustNew(1)
	f := grid.NewField(g, "flux", "g C m-2 month-1")
	for i := range f.Values {
		f.Values[i] = 1
	}
	gramsPerMonth := g.Sum(f.Values, nil)
	fmt.Printf("%v: %d cells, %.4f GtC per month at 1 g C m-2 month-1\n", g, g.Cells(), gramsPerMonth/1e15)
	// Output: 1° global (180×360): 64800 cells, 0.5101 GtC per month at 1 g C m-2 month-1
}

// Conservative regridding keeps a field's area integral: a quarter-degree
// field averaged onto the 1° analysis grid sums to the same grams.
func ExampleRegridder_Apply() {
	src, dst := grid.MustNew(0.25), grid.MustNew(1)
	rg, err := grid.NewRegridder(src, dst)
	if err != nil {
		panic(err)
	}
	v := make([]float32, src.Cells())
	for i := range v {
		lat, _ := src.Centre(i)
		if lat > 0 {
			v[i] = 2 // g C m-2 month-1 north of the equator, 0 south
		}
	}
	out := rg.Apply(v, nil)
	fmt.Printf("0.25°: %.6f GtC, 1°: %.6f GtC per month\n", src.Sum(v, nil)/1e15, dst.Sum(out, nil)/1e15)
	// Output: 0.25°: 0.510066 GtC, 1°: 0.510066 GtC per month
}

// Months are calendar months in UTC; Days and Seconds convert monthly
// totals to rates.
func ExampleMonth() {
	m, err := grid.ParseMonth("2024-02")
	if err != nil {
		panic(err)
	}
	fmt.Println(m, m.Days(), "days,", m.Add(11), "is eleven months later")
	// Output: 2024-02 29 days, 2025-01 is eleven months later
}
