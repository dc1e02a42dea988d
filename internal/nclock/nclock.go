// Package nclock holds the one process-wide lock that every call into the
// netCDF-C library must hold: libnetcdf (and the HDF5 under it) is not
// thread-safe (netcdf-c #1373), and go-netcdf takes no lock of its own.
package nclock

import "sync"

var mu sync.Mutex

// Lock takes the netCDF lock.
func Lock() { mu.Lock() }

// Unlock releases it.
func Unlock() { mu.Unlock() }
