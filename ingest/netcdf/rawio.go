package netcdf

import (
	"fmt"

	"github.com/fhs/go-netcdf/netcdf"
)

// number is every numeric netCDF type go-netcdf can read.
type number interface {
	~int8 | ~uint8 | ~int16 | ~uint16 | ~int32 | ~uint32 | ~int64 | ~uint64 | ~float32 | ~float64
}

func toFloat64s[T number](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// readAttrNums reads a numeric attribute of n values as float64, which
// holds every value of the types up to 32 bits exactly.
func readAttrNums(a netcdf.Attr, typ netcdf.Type, n int) ([]float64, error) {
	if n == 0 {
		return nil, nil
	}
	switch typ {
	case netcdf.BYTE:
		return readAttrAs[int8](a.ReadInt8s, n)
	case netcdf.UBYTE:
		return readAttrAs[uint8](a.ReadUint8s, n)
	case netcdf.SHORT:
		return readAttrAs[int16](a.ReadInt16s, n)
	case netcdf.USHORT:
		return readAttrAs[uint16](a.ReadUint16s, n)
	case netcdf.INT:
		return readAttrAs[int32](a.ReadInt32s, n)
	case netcdf.UINT:
		return readAttrAs[uint32](a.ReadUint32s, n)
	case netcdf.INT64:
		return readAttrAs[int64](a.ReadInt64s, n)
	case netcdf.UINT64:
		return readAttrAs[uint64](a.ReadUint64s, n)
	case netcdf.FLOAT:
		return readAttrAs[float32](a.ReadFloat32s, n)
	case netcdf.DOUBLE:
		return readAttrAs[float64](a.ReadFloat64s, n)
	}
	return nil, fmt.Errorf("unsupported attribute type %d", int(typ))
}

func readAttrAs[T number](read func([]T) error, n int) ([]float64, error) {
	b := make([]T, n)
	if err := read(b); err != nil {
		return nil, err
	}
	return toFloat64s(b), nil
}

// slab is a hyperslab of raw values of one type.
type slab interface {
	// unpack masks and unpacks the raw values into out.
	unpack(p *packing, out []float32)
	float64s() []float64
}

type typedSlab[T number] []T

func (s typedSlab[T]) float64s() []float64 { return toFloat64s(s) }

// readSlab reads count values from start of variable nv of type typ. When
// unsigned is set (the _Unsigned = "true" convention of netCDF-3 files) the
// signed integer types are read as their unsigned twins. The caller holds
// nclock.
func readSlab(nv netcdf.Var, typ netcdf.Type, unsigned bool, start, count []uint64) (slab, error) {
	n := 1
	for _, c := range count {
		n *= int(c)
	}
	switch typ {
	case netcdf.BYTE:
		b, err := readAs[int8](nv.ReadInt8Slice, n, start, count)
		if unsigned {
			return reinterpret[int8, uint8](b), err
		}
		return b, err
	case netcdf.UBYTE:
		return readAs[uint8](nv.ReadUint8Slice, n, start, count)
	case netcdf.SHORT:
		b, err := readAs[int16](nv.ReadInt16Slice, n, start, count)
		if unsigned {
			return reinterpret[int16, uint16](b), err
		}
		return b, err
	case netcdf.USHORT:
		return readAs[uint16](nv.ReadUint16Slice, n, start, count)
	case netcdf.INT:
		b, err := readAs[int32](nv.ReadInt32Slice, n, start, count)
		if unsigned {
			return reinterpret[int32, uint32](b), err
		}
		return b, err
	case netcdf.UINT:
		return readAs[uint32](nv.ReadUint32Slice, n, start, count)
	case netcdf.INT64:
		return readAs[int64](nv.ReadInt64Slice, n, start, count)
	case netcdf.UINT64:
		return readAs[uint64](nv.ReadUint64Slice, n, start, count)
	case netcdf.FLOAT:
		return readAs[float32](nv.ReadFloat32Slice, n, start, count)
	case netcdf.DOUBLE:
		return readAs[float64](nv.ReadFloat64Slice, n, start, count)
	}
	return nil, fmt.Errorf("type %v is not numeric", typ)
}

func readAs[T number](read func([]T, []uint64, []uint64) error, n int, start, count []uint64) (typedSlab[T], error) {
	b := make([]T, n)
	if err := read(b, start, count); err != nil {
		return nil, err
	}
	return b, nil
}

// reinterpret converts signed raw values to the unsigned type of the same
// width (two's complement), as _Unsigned asks.
func reinterpret[S int8 | int16 | int32, U uint8 | uint16 | uint32](s typedSlab[S]) typedSlab[U] {
	if s == nil {
		return nil
	}
	out := make(typedSlab[U], len(s))
	for i, v := range s {
		out[i] = U(v)
	}
	return out
}
