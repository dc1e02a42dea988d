package twin

// #cgo pkg-config: netcdf
// #include <stdlib.h>
// #include <netcdf.h>
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/fhs/go-netcdf/netcdf"
)

// defChunks sets the chunk shape of variable name (go-netcdf has no
// chunking call). Gridded variables are chunked one time step (and level)
// by the whole grid: a month is then written, compressed and read on its
// own. Left to libnetcdf's default, a chunk spans many time steps and each
// monthly write of a multi-year model file rewrites it, which slows the
// writes down as the file grows. The caller holds nclock.
func defChunks(ds netcdf.Dataset, name string, sizes []uint64) error {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var varid C.int
	if rc := C.nc_inq_varid(C.int(ds), cname, &varid); rc != C.NC_NOERR {
		return fmt.Errorf("variable %s: %s", name, C.GoString(C.nc_strerror(rc)))
	}
	cs := make([]C.size_t, len(sizes))
	for i, s := range sizes {
		cs[i] = C.size_t(s)
	}
	if rc := C.nc_def_var_chunking(C.int(ds), varid, C.NC_CHUNKED, &cs[0]); rc != C.NC_NOERR {
		return fmt.Errorf("chunking %s: %s", name, C.GoString(C.nc_strerror(rc)))
	}
	return nil
}
