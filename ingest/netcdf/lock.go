package netcdf

// #cgo pkg-config: hdf5
// #include <hdf5.h>
//
// // Debian's HDF5 is built thread-safe, so its automatic error printing
// // is a per-OS-thread setting: netCDF switches it off on the thread that
// // first opens a netCDF-4 file, and harmless failed attribute probes on
// // any other thread print HDF5-DIAG traces to stderr.
// static void quiet_hdf5(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
import "C"

import (
	"runtime"

	"github.com/carbonbudget/carbonbudget/internal/nclock"
)

// lock takes the process-wide netCDF lock, pins the goroutine to its OS
// thread and silences HDF5's error printing on that thread. Errors still
// come back as netCDF return codes.
func lock() (unlock func()) {
	nclock.Lock()
	runtime.LockOSThread()
	C.quiet_hdf5()
	return func() {
		runtime.UnlockOSThread()
		nclock.Unlock()
	}
}
