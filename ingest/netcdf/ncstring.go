package netcdf

// go-netcdf reads NC_CHAR attributes only; newer products (the new CDS
// converter, CCMP, satellite L3) write NC_STRING attributes, which need
// nc_get_att_string and nc_free_string (stack.md, "go-netcdf").

// #cgo pkg-config: netcdf
// #include <stdlib.h>
// #include <netcdf.h>
//
// static int varid_of(int ncid, const char *var, int *varid) {
// 	if (var[0] == 0) { *varid = NC_GLOBAL; return NC_NOERR; }
// 	return nc_inq_varid(ncid, var, varid);
// }
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/fhs/go-netcdf/netcdf"
)

// attStrings reads the NC_STRING attribute name of variable varName (""
// for a global attribute). The caller holds nclock and has checked the
// attribute's type: nc_get_att_string fails on NC_CHAR.
func attStrings(ds netcdf.Dataset, varName, name string) ([]string, error) {
	cvar, cname := C.CString(varName), C.CString(name)
	defer C.free(unsafe.Pointer(cvar))
	defer C.free(unsafe.Pointer(cname))
	var varid C.int
	if rc := C.varid_of(C.int(ds), cvar, &varid); rc != C.NC_NOERR {
		return nil, netcdf.Error(rc)
	}
	var n C.size_t
	if rc := C.nc_inq_attlen(C.int(ds), varid, cname, &n); rc != C.NC_NOERR {
		return nil, netcdf.Error(rc)
	}
	if n == 0 {
		return nil, nil
	}
	if n > 1<<20 {
		return nil, fmt.Errorf("string attribute %q has %d values", name, n)
	}
	ptrs := (**C.char)(C.calloc(n, C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	defer C.free(unsafe.Pointer(ptrs))
	if rc := C.nc_get_att_string(C.int(ds), varid, cname, ptrs); rc != C.NC_NOERR {
		return nil, netcdf.Error(rc)
	}
	defer C.nc_free_string(n, ptrs)
	out := make([]string, int(n))
	for i, p := range unsafe.Slice(ptrs, int(n)) {
		if p != nil {
			out[i] = C.GoString(p)
		}
	}
	return out, nil
}

// putAttStrings writes an NC_STRING attribute; the tests use it to make
// files like the new CDS converter's. The caller holds nclock and the
// dataset is in define mode.
func putAttStrings(ds netcdf.Dataset, varName, name string, vals []string) error {
	cvar, cname := C.CString(varName), C.CString(name)
	defer C.free(unsafe.Pointer(cvar))
	defer C.free(unsafe.Pointer(cname))
	var varid C.int
	if rc := C.varid_of(C.int(ds), cvar, &varid); rc != C.NC_NOERR {
		return netcdf.Error(rc)
	}
	cs := make([]*C.char, len(vals))
	for i, v := range vals {
		cs[i] = C.CString(v)
		defer C.free(unsafe.Pointer(cs[i]))
	}
	if len(cs) == 0 {
		return fmt.Errorf("string attribute %q: no values", name)
	}
	// cs is Go memory holding C pointers only, which cgo allows passing.
	return errOf(C.nc_put_att_string(C.int(ds), varid, cname, C.size_t(len(vals)), &cs[0]))
}

func errOf(rc C.int) error {
	if rc == C.NC_NOERR {
		return nil
	}
	return netcdf.Error(rc)
}
