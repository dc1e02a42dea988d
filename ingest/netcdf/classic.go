package netcdf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// libnetcdf reads past the end of a truncated classic (CDF-1, -2, -5) file
// without an error and hands back zeros, so Open checks the file size
// against the extent its header describes. The header layout is the
// "NetCDF Classic Format Specification" (NUG, appendix); netCDF-4 files
// are HDF5, where the library itself detects truncation.

// classicTruncation returns an error when path is a classic netCDF file
// shorter than its header says; nil for a complete or non-classic file.
func classicTruncation(path string) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return err
	}
	h := &header{r: bufio.NewReader(fh)}
	extent, err := h.extent()
	if errors.Is(err, errNotClassic) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("corrupt classic header: %w", err)
	}
	if extent > st.Size() {
		return fmt.Errorf("file is truncated: its header describes %d bytes, it has %d", extent, st.Size())
	}
	return nil
}

var errNotClassic = errors.New("not a classic netCDF file")

// header reads a classic header; wide is set for CDF-5 (64-bit counts)
// and off64 for CDF-2 and CDF-5 (64-bit offsets).
type header struct {
	r           *bufio.Reader
	wide, off64 bool
	err         error
}

const (
	tagDimension = 0x0A
	tagVariable  = 0x0B
	tagAttribute = 0x0C
	maxElems     = 1 << 24 // more names or attribute bytes than this is corruption
)

func (h *header) u32() uint64 {
	var b [4]byte
	if h.err == nil {
		_, h.err = io.ReadFull(h.r, b[:])
	}
	return uint64(binary.BigEndian.Uint32(b[:]))
}

func (h *header) u64() uint64 {
	var b [8]byte
	if h.err == nil {
		_, h.err = io.ReadFull(h.r, b[:])
	}
	return binary.BigEndian.Uint64(b[:])
}

// count reads a NON_NEG: 8 bytes in CDF-5, 4 otherwise.
func (h *header) count() uint64 {
	if h.wide {
		return h.u64()
	}
	return h.u32()
}

func (h *header) skip(n uint64) {
	if h.err == nil {
		_, h.err = h.r.Discard(int(n))
	}
}

func pad4(n uint64) uint64 { return (n + 3) &^ 3 }

func (h *header) name() {
	n := h.count()
	if n > maxElems {
		h.err = fmt.Errorf("name of %d bytes", n)
	}
	h.skip(pad4(n))
}

// list reads a list header (tag, count), checking the tag.
func (h *header) list(tag uint64) uint64 {
	t, n := h.u32(), h.count()
	if h.err == nil && (t != tag && t != 0 || t == 0 && n != 0 || n > maxElems) {
		h.err = fmt.Errorf("list tag %#x with %d elements, want %#x", t, n, tag)
	}
	return n
}

var typeSize = map[uint64]uint64{1: 1, 2: 1, 3: 2, 4: 4, 5: 4, 6: 8, 7: 1, 8: 2, 9: 4, 10: 8, 11: 8}

func (h *header) attrs() {
	for n := h.list(tagAttribute); n > 0 && h.err == nil; n-- {
		h.name()
		size, ok := typeSize[h.u32()]
		count := h.count()
		if h.err == nil && (!ok || count > maxElems) {
			h.err = fmt.Errorf("attribute of unknown type or %d values", count)
		}
		h.skip(pad4(size * count))
	}
}

// extent returns the number of bytes the header's variables need.
func (h *header) extent() (int64, error) {
	var magic [4]byte
	if _, err := io.ReadFull(h.r, magic[:]); err != nil || string(magic[:3]) != "CDF" {
		return 0, errNotClassic
	}
	switch magic[3] {
	case 1:
	case 2:
		h.off64 = true
	case 5:
		h.off64, h.wide = true, true
	default:
		return 0, errNotClassic
	}
	numrecs := h.count()
	streaming := numrecs == 0xFFFFFFFF || h.wide && numrecs == 1<<64-1
	var dimLens []uint64
	for n := h.list(tagDimension); n > 0 && h.err == nil; n-- {
		h.name()
		dimLens = append(dimLens, h.count())
	}
	h.attrs()
	vars, err := h.vars(dimLens)
	if err != nil {
		return 0, err
	}
	return classicExtent(vars, numrecs, streaming), nil
}

// cvar is what the extent needs of one variable.
type cvar struct {
	begin, vsize, bytes uint64 // bytes: data size of one record (record vars) or of the whole variable
	record              bool
}

func (h *header) vars(dimLens []uint64) ([]cvar, error) {
	var out []cvar
	for n := h.list(tagVariable); n > 0 && h.err == nil; n-- {
		h.name()
		ndims := h.count()
		if ndims > 1024 {
			return nil, fmt.Errorf("variable with %d dimensions", ndims)
		}
		v := cvar{bytes: 1}
		for i := uint64(0); i < ndims && h.err == nil; i++ {
			id := h.count()
			if id >= uint64(len(dimLens)) {
				return nil, fmt.Errorf("dimension id %d of %d", id, len(dimLens))
			}
			if dimLens[id] == 0 && i == 0 {
				v.record = true
				continue
			}
			v.bytes *= dimLens[id]
		}
		h.attrs()
		size, ok := typeSize[h.u32()]
		if h.err == nil && !ok {
			return nil, fmt.Errorf("variable of unknown type")
		}
		v.bytes *= size
		v.vsize = h.count()
		if h.off64 {
			v.begin = h.u64()
		} else {
			v.begin = h.u32()
		}
		out = append(out, v)
	}
	return out, h.err
}

// classicExtent is the end of the last byte of data: every fixed-size
// variable ends at begin + bytes; record variables hold numrecs records of
// recsize bytes (the sum of their vsizes) from their begin.
func classicExtent(vars []cvar, numrecs uint64, streaming bool) int64 {
	var recsize uint64
	for _, v := range vars {
		if v.record {
			recsize += v.vsize
		}
	}
	var end uint64
	for _, v := range vars {
		e := v.begin + v.bytes
		if v.record {
			if streaming || numrecs == 0 {
				continue
			}
			e = v.begin + (numrecs-1)*recsize + v.bytes
		}
		end = max(end, e)
	}
	if end > 1<<62 {
		return 1 << 62
	}
	return int64(end)
}
