package grid

import (
	"encoding/binary"
	"io"
	"math"
	"unsafe"
)

// Fields are kept on disk as raw little-endian float32 blocks where
// carbonbudget reads them back itself (the cube cache, the land
// climatology): a block reads straight into a field's memory, where
// decoding a Parquet column of a million cells took a tenth of a second.

// littleEndian reports whether this machine stores float32s as the files
// do.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// asBytes is v's memory as bytes (little-endian machines only).
func asBytes(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))
}

// WriteFloat32s writes v to w as little-endian float32s.
func WriteFloat32s(w io.Writer, v []float32) error {
	if littleEndian {
		_, err := w.Write(asBytes(v))
		return err
	}
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	_, err := w.Write(b)
	return err
}

// ReadFloat32s fills v with the little-endian float32s of r at off.
func ReadFloat32s(r io.ReaderAt, off int64, v []float32) error {
	if len(v) == 0 {
		return nil
	}
	if littleEndian {
		_, err := r.ReadAt(asBytes(v), off)
		return err
	}
	b := make([]byte, 4*len(v))
	if _, err := r.ReadAt(b, off); err != nil {
		return err
	}
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return nil
}
