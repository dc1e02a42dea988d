package netcdf

import (
	"math"
	"testing"
)

// TestUnpackTableMatchesValue checks that the lookup table large 16-bit
// slabs go through gives every raw value the bits p.value gives it: fills,
// both kinds of valid range, and the signed and unsigned readings.
func TestUnpackTableMatchesValue(t *testing.T) {
	inf := math.Inf(1)
	packings := map[string]*packing{
		"era5":           {scale: 0.0013, offset: 260.5, fills: []float64{-32767}, validMin: -inf, validMax: inf, rawValid: true},
		"raw range":      {scale: 0.01, offset: 0, fills: []float64{-32768, 32767}, validMin: -30000, validMax: 30000, rawValid: true},
		"unpacked range": {scale: 0.5, offset: -10, validMin: -200, validMax: 300},
		"unsigned fill":  {scale: 1e-4, offset: 0, unsigned: true, fills: []float64{65535}, validMin: -inf, validMax: inf, rawValid: true},
	}
	const n = 1 << 18 // large enough for the table
	signed, unsigned := make(typedSlab[int16], n), make(typedSlab[uint16], n)
	for i := range n {
		signed[i], unsigned[i] = int16(i*7919), uint16(i*7919)
	}
	for name, p := range packings {
		for kind, s := range map[string]interface {
			unpack(*packing, []float32)
			float64s() []float64
		}{"int16": signed, "uint16": unsigned} {
			out := make([]float32, n)
			s.unpack(p, out)
			for i, x := range s.float64s() {
				if want := p.value(x); math.Float32bits(out[i]) != math.Float32bits(want) {
					t.Fatalf("%s, %s: raw %v unpacked to %v, want %v", name, kind, x, out[i], want)
				}
			}
		}
	}
}
