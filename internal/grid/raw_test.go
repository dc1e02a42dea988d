package grid

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

// TestFloat32sRoundTrip: the bytes are little-endian float32s whatever the
// machine, NaN and −0 included, and a read past the end is an error.
func TestFloat32sRoundTrip(t *testing.T) {
	v := []float32{1.5, -0, float32(math.NaN()), float32(math.Inf(-1)), 3e-38}
	var buf bytes.Buffer
	buf.WriteString("head")
	if err := WriteFloat32s(&buf, v); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if len(b) != 4+4*len(v) || binary.LittleEndian.Uint32(b[4:]) != math.Float32bits(1.5) {
		t.Fatalf("wrote % x", b)
	}
	got := make([]float32, len(v))
	if err := ReadFloat32s(bytes.NewReader(b), 4, got); err != nil {
		t.Fatal(err)
	}
	for i := range v {
		if math.Float32bits(got[i]) != math.Float32bits(v[i]) {
			t.Errorf("value %d: %v, want %v bit for bit", i, got[i], v[i])
		}
	}
	if err := ReadFloat32s(bytes.NewReader(b), 8, got); err == nil {
		t.Error("a read past the end succeeded")
	}
}
