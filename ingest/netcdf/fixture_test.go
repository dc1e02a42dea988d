package netcdf

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/fhs/go-netcdf/netcdf"
)

// A fixture describes a small netCDF file written by the tests through
// go-netcdf, so that each malformed or unusual layout is built on purpose.
type fixture struct {
	netcdf4  bool
	offset64 bool // classic 64-bit offset format (CDF-2), as legacy CDS files
	deflate  int  // netCDF-4 deflate level for variables of 2 or more dims
	dims     []dim
	vars     []fvar
	global   []fattr
}

type dim struct {
	name string
	n    int
}

type fvar struct {
	name  string
	typ   netcdf.Type
	dims  []string
	attrs []fattr
	data  any // []int8, []uint8, []int16, []int32, []float32, []float64, []byte (CHAR)
}

// fattr is an attribute; val is a string (NC_CHAR), ncString (NC_STRING)
// or a numeric slice whose Go type picks the netCDF type.
type fattr struct {
	name string
	val  any
}

type ncString []string

// write creates the file in t's temp dir and returns its path.
func (fx fixture) write(t testing.TB, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := fx.create(path); err != nil {
		t.Fatalf("write fixture %s: %v", name, err)
	}
	return path
}

func (fx fixture) create(path string) error {
	defer lock()()
	mode := netcdf.CLOBBER
	if fx.netcdf4 {
		mode |= netcdf.NETCDF4
	}
	if fx.offset64 {
		mode |= netcdf.OFFSET_64BIT
	}
	ds, err := netcdf.CreateFile(path, mode)
	if err != nil {
		return err
	}
	defer ds.Close()
	dims := map[string]netcdf.Dim{}
	for _, d := range fx.dims {
		if dims[d.name], err = ds.AddDim(d.name, uint64(d.n)); err != nil {
			return err
		}
	}
	vars := make([]netcdf.Var, len(fx.vars))
	for i, v := range fx.vars {
		var vd []netcdf.Dim
		for _, d := range v.dims {
			vd = append(vd, dims[d])
		}
		if vars[i], err = ds.AddVar(v.name, v.typ, vd); err != nil {
			return fmt.Errorf("var %s: %w", v.name, err)
		}
		if fx.deflate > 0 && len(v.dims) >= 2 {
			if err := vars[i].SetCompression(true, true, fx.deflate); err != nil {
				return fmt.Errorf("var %s: %w", v.name, err)
			}
		}
		for _, a := range v.attrs {
			if err := putAttr(ds, v.name, vars[i].Attr(a.name), a.val); err != nil {
				return fmt.Errorf("var %s attr %s: %w", v.name, a.name, err)
			}
		}
	}
	for _, a := range fx.global {
		if err := putAttr(ds, "", ds.Attr(a.name), a.val); err != nil {
			return fmt.Errorf("global attr %s: %w", a.name, err)
		}
	}
	if err := ds.EndDef(); err != nil {
		return err
	}
	for i, v := range fx.vars {
		if err := writeData(vars[i], v.data); err != nil {
			return fmt.Errorf("var %s data: %w", v.name, err)
		}
	}
	return nil
}

func putAttr(ds netcdf.Dataset, varName string, a netcdf.Attr, val any) error {
	switch x := val.(type) {
	case string:
		return a.WriteBytes([]byte(x))
	case ncString:
		return putAttStrings(ds, varName, a.Name(), x)
	case []int8:
		return a.WriteInt8s(x)
	case []uint8:
		return a.WriteUint8s(x)
	case []int16:
		return a.WriteInt16s(x)
	case []int32:
		return a.WriteInt32s(x)
	case []float32:
		return a.WriteFloat32s(x)
	case []float64:
		return a.WriteFloat64s(x)
	}
	return fmt.Errorf("attribute value of type %T", val)
}

func writeData(v netcdf.Var, data any) error {
	switch x := data.(type) {
	case nil:
		return nil
	case []int8:
		return v.WriteInt8s(x)
	case []uint8:
		if t, _ := v.Type(); t == netcdf.CHAR {
			return v.WriteBytes(x)
		}
		return v.WriteUint8s(x)
	case []int16:
		return v.WriteInt16s(x)
	case []int32:
		return v.WriteInt32s(x)
	case []int64:
		return v.WriteInt64s(x)
	case []float32:
		return v.WriteFloat32s(x)
	case []float64:
		return v.WriteFloat64s(x)
	}
	return fmt.Errorf("data of type %T", data)
}

// axis returns n values first, first+step, ...
func axis(first, step float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = first + float64(i)*step
	}
	return out
}

func f32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// latLon returns the coordinate variables of a lat-lon grid.
func latLon(latName, lonName string, lat, lon []float64) []fvar {
	return []fvar{
		{name: latName, typ: netcdf.FLOAT, dims: []string{latName}, data: f32(lat),
			attrs: []fattr{{"units", "degrees_north"}, {"standard_name", "latitude"}}},
		{name: lonName, typ: netcdf.FLOAT, dims: []string{lonName}, data: f32(lon),
			attrs: []fattr{{"units", "degrees_east"}, {"standard_name", "longitude"}}},
	}
}
