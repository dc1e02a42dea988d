package raster

import (
	"bytes"
	"os"

	"github.com/carbonbudget/carbonbudget/internal/nclock"
)

// guard takes the process-wide netCDF lock when path is a netCDF or HDF5
// file: GDAL would read it through libnetcdf, which must not run
// concurrently with the go-netcdf reader (stack.md). It returns the
// matching unlock.
func guard(path string) (unlock func()) {
	fh, err := os.Open(path)
	if err != nil {
		return func() {}
	}
	var magic [4]byte
	_, _ = fh.Read(magic[:])
	fh.Close()
	if bytes.HasPrefix(magic[:], []byte("CDF")) || bytes.Equal(magic[:], []byte("\x89HDF")) {
		nclock.Lock()
		return nclock.Unlock
	}
	return func() {}
}
