package grid

import (
	"fmt"
	"math"
)

// Field is one variable on a grid: Values[i] is the value of cell i, NaN
// where missing. Units are the canonical units of the variable (UDUNITS
// spelling, e.g. "degC", "g C m-2 month-1"). A land fraction, where needed,
// lives beside a field, never inside it.
type Field struct {
	Name   string
	Units  string
	Grid   Grid
	Values []float32
}

// NewField returns a field of NaN on g.
func NewField(g Grid, name, units string) *Field {
	v := make([]float32, g.Cells())
	nan := float32(math.NaN())
	for i := range v {
		v[i] = nan
	}
	return &Field{Name: name, Units: units, Grid: g, Values: v}
}

// Check reports whether the field's values match its grid.
func (f *Field) Check() error {
	if len(f.Values) != f.Grid.Cells() {
		return fmt.Errorf("field %q: %d values on a grid of %d cells", f.Name, len(f.Values), f.Grid.Cells())
	}
	return nil
}

// Expect checks that f exists, holds one value per cell and is in units on
// grid g: what a stage checks of every field it takes from a cube.
func (f *Field) Expect(units string, g Grid) error {
	if f == nil {
		return fmt.Errorf("nil field")
	}
	if err := f.Check(); err != nil {
		return err
	}
	if f.Units != units {
		return fmt.Errorf("field %q: units %q, want %q", f.Name, f.Units, units)
	}
	if f.Grid != g {
		return fmt.Errorf("field %q: on grid %v, want %v", f.Name, f.Grid, g)
	}
	return nil
}

// Clone returns a deep copy.
func (f *Field) Clone() *Field {
	c := *f
	c.Values = append([]float32(nil), f.Values...)
	return &c
}

// Coverage is the fraction of cells (optionally under mask weights > 0)
// that hold a value.
func (f *Field) Coverage(mask []float32) float64 {
	var have, all int
	for i, v := range f.Values {
		if mask != nil && !(mask[i] > 0) {
			continue
		}
		all++
		if !isNaN32(v) {
			have++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(have) / float64(all)
}

func isNaN32(v float32) bool { return v != v }
