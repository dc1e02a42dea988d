package netcdf

import (
	"fmt"
	"math"
	"strings"

	"github.com/fhs/go-netcdf/netcdf"
)

// packing holds what CF section 8.1 needs to turn raw values into data.
type packing struct {
	scale, offset float64
	unsigned      bool      // _Unsigned = "true"
	fills         []float64 // raw _FillValue and missing_value values
	// Valid range, in raw units when rawValid, else in unpacked units.
	validMin, validMax float64
	rawValid           bool
}

// packingOf reads and checks the packing attributes of v.
func packingOf(v *variable) (*packing, error) {
	p := &packing{scale: 1, validMin: math.Inf(-1), validMax: math.Inf(1)}
	var err error
	if p.scale, err = packAttr(v, "scale_factor", 1); err != nil {
		return nil, err
	}
	if p.offset, err = packAttr(v, "add_offset", 0); err != nil {
		return nil, err
	}
	if p.scale == 0 || math.IsNaN(p.scale) || math.IsInf(p.scale, 0) || math.IsNaN(p.offset) || math.IsInf(p.offset, 0) {
		return nil, fmt.Errorf("scale_factor %v / add_offset %v cannot unpack values", p.scale, p.offset)
	}
	if a, ok := v.attrs["_Unsigned"]; ok && a.isText() && strings.EqualFold(a.text, "true") {
		p.unsigned = true
	}
	for _, name := range []string{"_FillValue", "missing_value"} {
		a, ok := v.attrs[name]
		if !ok {
			continue
		}
		if a.isText() || len(a.nums) == 0 {
			return nil, fmt.Errorf("%s has type %v, want a number", name, a.typ)
		}
		for _, f := range a.nums {
			p.fills = append(p.fills, p.asRaw(f, v.typ))
		}
	}
	if err := p.validRange(v); err != nil {
		return nil, err
	}
	return p, nil
}

// asRaw converts a fill value to what a raw value of type typ equal to it
// reads as: a double _FillValue on a float variable is rounded to float32,
// and a negative fill of an _Unsigned variable wraps round.
func (p *packing) asRaw(f float64, typ netcdf.Type) float64 {
	switch {
	case typ == netcdf.FLOAT:
		return float64(float32(f))
	case p.unsigned && f < 0 && typ == netcdf.BYTE:
		return f + 1<<8
	case p.unsigned && f < 0 && typ == netcdf.SHORT:
		return f + 1<<16
	case p.unsigned && f < 0 && typ == netcdf.INT:
		return f + 1<<32
	}
	return f
}

// packAttr reads scale_factor or add_offset, which CF requires to be a
// single float or double.
func packAttr(v *variable, name string, def float64) (float64, error) {
	a, ok := v.attrs[name]
	if !ok {
		return def, nil
	}
	if a.typ != netcdf.FLOAT && a.typ != netcdf.DOUBLE {
		return 0, fmt.Errorf("%s has type %v, want float or double (CF 8.1)", name, a.typ)
	}
	if len(a.nums) != 1 {
		return 0, fmt.Errorf("%s has %d values, want 1", name, len(a.nums))
	}
	return a.nums[0], nil
}

// validRange reads valid_range or valid_min/valid_max. Per the NUG, they
// are in packed units when their type is the variable's type and in
// unpacked units when it is the type of scale_factor.
func (p *packing) validRange(v *variable) error {
	_, packed := v.attrs["scale_factor"]
	if _, ok := v.attrs["add_offset"]; ok {
		packed = true
	}
	p.rawValid = true
	set := func(name string, n int) ([]float64, error) {
		a, ok := v.attrs[name]
		if !ok {
			return nil, nil
		}
		if a.isText() || len(a.nums) != n {
			return nil, fmt.Errorf("%s must be %d number(s), got type %v with %d values", name, n, a.typ, len(a.nums))
		}
		if packed && a.typ != v.typ {
			p.rawValid = false
		}
		return a.nums, nil
	}
	r, err := set("valid_range", 2)
	if err != nil {
		return err
	}
	if r != nil {
		p.validMin, p.validMax = r[0], r[1]
		return nil
	}
	if lo, err := set("valid_min", 1); err != nil {
		return err
	} else if lo != nil {
		p.validMin = lo[0]
	}
	if hi, err := set("valid_max", 1); err != nil {
		return err
	} else if hi != nil {
		p.validMax = hi[0]
	}
	return nil
}

func (s typedSlab[T]) unpack(p *packing, out []float32) {
	// 16-bit values, the common packing (ERA5's), go through a table of
	// every raw value's result when the slab is large enough to pay for
	// it: the same values, at a third of the time of working each out.
	if len(s) >= 1<<18 {
		switch raw := any(s).(type) {
		case typedSlab[int16]:
			unpackTable(raw, p, out)
			return
		case typedSlab[uint16]:
			unpackTable(raw, p, out)
			return
		}
	}
	for i, r := range s {
		out[i] = p.value(float64(r))
	}
}

// unpackTable unpacks 16-bit raw values by looking each up in a table of
// p.value over every raw value, indexed by its 16 bits.
func unpackTable[T int16 | uint16](s []T, p *packing, out []float32) {
	var table [1 << 16]float32
	for b := range 1 << 16 {
		table[b] = p.value(float64(T(b)))
	}
	out = out[:len(s)]
	for i, r := range s {
		out[i] = table[uint16(r)]
	}
}

// value is one raw value unpacked (CF 8.1): NaN where it is NaN, a fill
// value or outside the valid range.
func (p *packing) value(x float64) float32 {
	if x != x || p.isFill(x) || (p.rawValid && (x < p.validMin || x > p.validMax)) {
		return nan32()
	}
	y := x*p.scale + p.offset
	if !p.rawValid && (y < p.validMin || y > p.validMax) {
		return nan32()
	}
	return float32(y)
}

// isFill compares a raw value with _FillValue and missing_value, before
// unpacking: CF defines them in packed units.
func (p *packing) isFill(x float64) bool {
	for _, f := range p.fills {
		if x == f {
			return true
		}
	}
	return false
}
