package twin

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/fhs/go-netcdf/netcdf"

	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/nclock"
)

// ncFile writes one netCDF-4 file: it is created under a temporary name
// in its directory and put in place by close through durable.Replace
// (fsync, rename, fsync of the directory), so a crash never leaves a
// half-written file under the final name. Every call into
// libnetcdf holds nclock (the library is not thread-safe). The first
// error sticks: later calls do nothing and close reports it, so writers
// read as a plain sequence of definitions and writes.
type ncFile struct {
	path, tmp string
	ds        netcdf.Dataset
	err       error
}

// ncAttr is one attribute; value is a string, float32, float64, int16 or
// int32 (written as a one-element attribute of that type).
type ncAttr struct {
	name  string
	value any
}

// deflateLevel trades file size for time: level 1 compresses these smooth
// fields nearly as well as the default and much faster.
const deflateLevel = 1

func createNC(path string) (*ncFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	f := &ncFile{path: path, tmp: filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")}
	nclock.Lock()
	defer nclock.Unlock()
	ds, err := netcdf.CreateFile(f.tmp, netcdf.CLOBBER|netcdf.NETCDF4)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	f.ds = ds
	return f, nil
}

func (f *ncFile) fail(what string, err error) {
	if err != nil && f.err == nil {
		f.err = fmt.Errorf("write %s: %s: %w", f.path, what, err)
	}
}

func (f *ncFile) dim(name string, n int) netcdf.Dim {
	if f.err != nil {
		return netcdf.Dim{}
	}
	nclock.Lock()
	defer nclock.Unlock()
	d, err := f.ds.AddDim(name, uint64(n))
	f.fail("dimension "+name, err)
	return d
}

// variable defines a variable, compressed when it has more than one
// dimension, with its attributes in the order given.
func (f *ncFile) variable(name string, t netcdf.Type, dims []netcdf.Dim, attrs ...ncAttr) netcdf.Var {
	if f.err != nil {
		return netcdf.Var{}
	}
	nclock.Lock()
	defer nclock.Unlock()
	v, err := f.ds.AddVar(name, t, dims)
	f.fail("variable "+name, err)
	if err == nil && len(dims) > 1 {
		f.fail("compression of "+name, v.SetCompression(true, true, deflateLevel))
	}
	if err == nil && len(dims) > 2 {
		sizes := make([]uint64, len(dims))
		for j, d := range dims {
			sizes[j] = 1
			if j >= len(dims)-2 {
				sizes[j], err = d.Len()
				f.fail("dimension of "+name, err)
			}
		}
		f.fail("chunks of "+name, defChunks(f.ds, name, sizes))
	}
	for _, a := range attrs {
		f.fail(name+":"+a.name, writeAttr(v.Attr(a.name), a.value))
	}
	return v
}

// global writes global attributes.
func (f *ncFile) global(attrs ...ncAttr) {
	if f.err != nil {
		return
	}
	nclock.Lock()
	defer nclock.Unlock()
	for _, a := range attrs {
		f.fail("global "+a.name, writeAttr(f.ds.Attr(a.name), a.value))
	}
}

func writeAttr(a netcdf.Attr, value any) error {
	switch v := value.(type) {
	case string:
		return a.WriteBytes([]byte(v))
	case float32:
		return a.WriteFloat32s([]float32{v})
	case float64:
		return a.WriteFloat64s([]float64{v})
	case int16:
		return a.WriteInt16s([]int16{v})
	case int32:
		return a.WriteInt32s([]int32{v})
	}
	return fmt.Errorf("attribute %s: unsupported type %T", a.Name(), value)
}

func (f *ncFile) endDef() {
	if f.err != nil {
		return
	}
	nclock.Lock()
	defer nclock.Unlock()
	f.fail("end of definitions", f.ds.EndDef())
}

// write writes data (a []float32, []float64, []int16 or []int32) into v at
// start with shape count; nil start and count write the whole variable.
func (f *ncFile) write(v netcdf.Var, data any, start, count []uint64) {
	if f.err != nil {
		return
	}
	nclock.Lock()
	defer nclock.Unlock()
	var err error
	switch d := data.(type) {
	case []float32:
		if start == nil {
			err = v.WriteFloat32s(d)
		} else {
			err = v.WriteFloat32Slice(d, start, count)
		}
	case []float64:
		if start == nil {
			err = v.WriteFloat64s(d)
		} else {
			err = v.WriteFloat64Slice(d, start, count)
		}
	case []int16:
		if start == nil {
			err = v.WriteInt16s(d)
		} else {
			err = v.WriteInt16Slice(d, start, count)
		}
	case []int32:
		if start == nil {
			err = v.WriteInt32s(d)
		} else {
			err = v.WriteInt32Slice(d, start, count)
		}
	default:
		err = fmt.Errorf("unsupported data type %T", data)
	}
	f.fail("data", err)
}

// close finishes the file and renames it into place, or removes it after
// an error.
func (f *ncFile) close() error {
	nclock.Lock()
	err := f.ds.Close()
	nclock.Unlock()
	f.fail("close", err)
	if f.err != nil {
		os.Remove(f.tmp)
		return f.err
	}
	return durable.Replace(f.tmp, f.path)
}
