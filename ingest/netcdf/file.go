// Package netcdf reads CF-convention netCDF files (netCDF-3 and netCDF-4)
// into grid.Fields on their native grid, through go-netcdf.
//
// A Field comes back north-up with longitudes starting near 180°W, the
// order of package grid: south-to-north latitudes are flipped and 0..360
// longitudes rolled. The Grid keeps the file's geometry exactly: a grid
// whose cell centres lie on 0, 0.25, ..., 359.75 and ±90 (ERA5) becomes
// West = -180.125, North = 90.125, with edges beyond the poles, which
// grid's area and regridding code clamp. Values stay in the file's units
// (the caller converts with ingest/units).
//
// Reading follows CF 1.11 section 8.1: raw values equal to _FillValue or
// missing_value, or outside valid_min/valid_max/valid_range, become NaN
// (compared in packed units, before unpacking), then value = raw ·
// scale_factor + add_offset. netCDF's default fill values are not masked
// unless declared, as xarray does.
//
// libnetcdf is not thread-safe, so every call into it holds nclock; a
// File may be used from several goroutines.
package netcdf

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/fhs/go-netcdf/netcdf"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// File is an open netCDF file.
type File struct {
	path   string
	ds     netcdf.Dataset
	open   bool
	vars   []*variable
	byName map[string]*variable
	global map[string]attr
}

// variable is the metadata of one variable, read once at Open.
type variable struct {
	name  string
	typ   netcdf.Type
	dims  []string
	shape []int
	attrs map[string]attr
}

// attr is one attribute: text for NC_CHAR and NC_STRING, numbers otherwise.
type attr struct {
	typ  netcdf.Type
	text string
	nums []float64
}

func (a attr) isText() bool { return a.typ == netcdf.CHAR || a.typ == netcdf.STRING }

// Variable describes one variable of a file.
type Variable struct {
	Name         string
	StandardName string
	LongName     string
	Units        string
	Type         string   // netCDF type: SHORT, FLOAT, ...
	Dims         []string // outermost first
	Shape        []int
}

// Open opens path read-only and reads its metadata.
func Open(path string) (*File, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, ingest.Errorf(path, "", grid.Month{}, "open: %w", err)
	}
	if err := classicTruncation(path); err != nil {
		return nil, ingest.Errorf(path, "", grid.Month{}, "open: %w", err)
	}
	defer lock()()
	ds, err := netcdf.OpenFile(path, netcdf.NOWRITE)
	if err != nil {
		return nil, ingest.Errorf(path, "", grid.Month{}, "open netCDF: %w (truncated or not a netCDF file?)", err)
	}
	f := &File{path: path, ds: ds, open: true, byName: map[string]*variable{}}
	if err := f.scan(); err != nil {
		ds.Close()
		return nil, ingest.Errorf(path, "", grid.Month{}, "read metadata: %w", err)
	}
	return f, nil
}

// Close releases the file.
func (f *File) Close() error {
	defer lock()()
	if !f.open {
		return nil
	}
	f.open = false
	if err := f.ds.Close(); err != nil {
		return ingest.Errorf(f.path, "", grid.Month{}, "close: %w", err)
	}
	return nil
}

// Path returns the path the file was opened with.
func (f *File) Path() string { return f.path }

// scan reads every variable's type, dimensions and attributes. The caller
// holds nclock.
func (f *File) scan() error {
	n, err := f.ds.NVars()
	if err != nil {
		return err
	}
	for id := 0; id < n; id++ {
		v, err := scanVar(f.ds, f.ds.VarN(id))
		if err != nil {
			return err
		}
		f.vars = append(f.vars, v)
		f.byName[v.name] = v
	}
	nga, err := f.ds.NAttrs()
	if err != nil {
		return err
	}
	f.global, err = readAttrs(f.ds, "", nga, f.ds.AttrN)
	return err
}

func scanVar(ds netcdf.Dataset, nv netcdf.Var) (*variable, error) {
	name, err := nv.Name()
	if err != nil {
		return nil, err
	}
	v := &variable{name: name}
	if v.typ, err = nv.Type(); err != nil {
		return nil, fmt.Errorf("variable %q: %w", name, err)
	}
	dims, err := nv.Dims()
	if err != nil {
		return nil, fmt.Errorf("variable %q: %w", name, err)
	}
	for _, d := range dims {
		dn, err := d.Name()
		if err != nil {
			return nil, fmt.Errorf("variable %q: %w", name, err)
		}
		dl, err := d.Len()
		if err != nil {
			return nil, fmt.Errorf("variable %q: dimension %q: %w", name, dn, err)
		}
		v.dims, v.shape = append(v.dims, dn), append(v.shape, int(dl))
	}
	na, err := nv.NAttrs()
	if err != nil {
		return nil, fmt.Errorf("variable %q: %w", name, err)
	}
	if v.attrs, err = readAttrs(ds, name, na, nv.AttrN); err != nil {
		return nil, fmt.Errorf("variable %q: %w", name, err)
	}
	return v, nil
}

// readAttrs reads n attributes through attrN, of variable varName ("" for
// global ones, used only for NC_STRING).
func readAttrs(ds netcdf.Dataset, varName string, n int, attrN func(int) (netcdf.Attr, error)) (map[string]attr, error) {
	out := make(map[string]attr, n)
	for i := 0; i < n; i++ {
		a, err := attrN(i)
		if err != nil {
			return nil, err
		}
		v, err := readAttr(ds, varName, a)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", a.Name(), err)
		}
		out[a.Name()] = v
	}
	return out, nil
}

func readAttr(ds netcdf.Dataset, varName string, a netcdf.Attr) (attr, error) {
	typ, err := a.Type()
	if err != nil {
		return attr{}, err
	}
	n, err := a.Len()
	if err != nil {
		return attr{}, err
	}
	out := attr{typ: typ}
	switch typ {
	case netcdf.CHAR:
		b := make([]byte, n)
		if n > 0 {
			err = a.ReadBytes(b)
		}
		out.text = strings.TrimRight(string(b), "\x00")
	case netcdf.STRING:
		var s []string
		s, err = attStrings(ds, varName, a.Name())
		out.text = strings.Join(s, "\n")
	default:
		out.nums, err = readAttrNums(a, typ, int(n))
	}
	return out, err
}

// Variables lists the file's variables in file order.
func (f *File) Variables() []Variable {
	out := make([]Variable, 0, len(f.vars))
	for _, v := range f.vars {
		out = append(out, Variable{
			Name: v.name, StandardName: v.text("standard_name"), LongName: v.text("long_name"),
			Units: v.text("units"), Type: v.typ.String(),
			Dims: append([]string(nil), v.dims...), Shape: append([]int(nil), v.shape...),
		})
	}
	return out
}

// Attr returns the text of attribute name of variable varName, or of the
// file when varName is "". NC_STRING attributes are read too.
func (f *File) Attr(varName, name string) (string, bool) {
	attrs := f.global
	if varName != "" {
		v, ok := f.byName[varName]
		if !ok {
			return "", false
		}
		attrs = v.attrs
	}
	a, ok := attrs[name]
	if !ok || !a.isText() {
		return "", false
	}
	return a.text, true
}

func (v *variable) text(name string) string {
	if a, ok := v.attrs[name]; ok && a.isText() {
		return a.text
	}
	return ""
}

// Find returns the name of the variable called name or, failing that, of
// the one variable whose standard_name is name.
func (f *File) Find(name string) (string, error) {
	if _, ok := f.byName[name]; ok {
		return name, nil
	}
	var found []string
	for _, v := range f.vars {
		if v.text("standard_name") == name {
			found = append(found, v.name)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", ingest.Errorf(f.path, name, grid.Month{}, "no variable with this name or standard_name (have %s)", f.names())
	}
	return "", ingest.Errorf(f.path, name, grid.Month{}, "standard_name is ambiguous: variables %s", strings.Join(found, ", "))
}

func (f *File) names() string {
	s := make([]string, len(f.vars))
	for i, v := range f.vars {
		s[i] = v.name
	}
	return strings.Join(s, ", ")
}

var errClosed = errors.New("file is closed")

func nan32() float32 { return float32(math.NaN()) }
