package raster

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/airbusgeo/godal"
)

// HDF4 and HDF5 files are told apart by their signatures (HDF4 "DFCRLE"
// reference manual, 4 bytes at offset 0; HDF5 file format specification,
// superblock signature at offset 0 for files written from scratch), not by
// their extensions: providers name both ".hdf".
var (
	hdf4Signature = []byte{0x0e, 0x03, 0x13, 0x01}
	hdf5Signature = []byte("\x89HDF\r\n\x1a\n")
)

// hdfFormat is "HDF4", "HDF5" or "" for a file that is neither; the
// names are those of the GDAL drivers.
func hdfFormat(path string) string {
	fh, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer fh.Close()
	var head [8]byte
	n, _ := fh.Read(head[:])
	switch {
	case bytes.HasPrefix(head[:n], hdf5Signature):
		return "HDF5"
	case bytes.HasPrefix(head[:n], hdf4Signature):
		return "HDF4"
	}
	return ""
}

// haveDriver reports whether this GDAL build has the named raster driver.
// It is a variable so that tests can play a GDAL built without HDF4,
// which Debian's and conda's builds differ on.
var haveDriver = func(name string) bool {
	register()
	_, ok := godal.RasterDriver(godal.DriverName(name))
	return ok
}

// subdataset is one entry of a GDAL container's SUBDATASETS domain.
type subdataset struct {
	name string // what godal.Open takes, e.g. HDF5:"f.h5"://emissions/01/C
	desc string // e.g. [720x1440] //emissions/01/C (32-bit floating-point)
	path string // the part after the file name: //emissions/01/C
}

// subdatasets lists the subdatasets of an HDF file through driver (HDF4
// or HDF5), in GDAL's order. The caller holds the lock guard(path) takes.
func subdatasets(path, driver string) ([]subdataset, error) {
	ds, err := godal.Open(path, godal.RasterOnly(), godal.Drivers(driver), errLogger)
	if err != nil {
		return nil, fmt.Errorf("open with GDAL's %s driver: %w", driver, err)
	}
	defer ds.Close()
	md := ds.Metadatas(godal.Domain("SUBDATASETS"))
	var out []subdataset
	for i := 1; ; i++ {
		name, ok := md["SUBDATASET_"+strconv.Itoa(i)+"_NAME"]
		if !ok {
			break
		}
		sd := subdataset{name: name, desc: md["SUBDATASET_"+strconv.Itoa(i)+"_DESC"]}
		// The file name is quoted: take what follows the closing quote.
		if q := strings.LastIndex(name, `":`); q >= 0 {
			sd.path = name[q+2:]
		}
		// A plain HDF4 SDS (no HDF-EOS structure metadata) is named by
		// its index ("HDF4_SDS:UNKNOWN:"f.hdf":0"); its name is in the
		// description: "[3600x7200] CMG 0.05 Deg Monthly NDVI (16-bit integer)".
		if strings.HasPrefix(name, "HDF4_SDS:") {
			if _, rest, ok := strings.Cut(sd.desc, "] "); ok {
				if i := strings.LastIndex(rest, " ("); i >= 0 {
					sd.path = rest[:i]
				}
			}
		}
		out = append(out, sd)
	}
	return out, nil
}

// attrs are the attributes GDAL reports for an HDF dataset, found by name
// whatever prefix the driver puts before it: the HDF5 driver prefixes
// the dataset's path ("HDFEOS_GRIDS_..._NDVI__FillValue"), HDF4 does not.
type attrs map[string]string

func (a attrs) get(name string) (string, bool) {
	if v, ok := a[name]; ok {
		return v, true
	}
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys) // a fixed choice if two keys end alike
	for _, k := range keys {
		if strings.HasSuffix(k, "_"+name) {
			return a[k], true
		}
	}
	return "", false
}

// number parses the first number of an attribute ("10000", "-3000",
// "-2000 10000" for a valid_range, GDAL's "{1,2}" list form).
func (a attrs) numbers(name string) ([]float64, bool) {
	s, ok := a.get(name)
	if !ok {
		return nil, false
	}
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '{' || r == '}' })
	var out []float64
	for _, x := range f {
		v, err := strconv.ParseFloat(x, 64)
		if err != nil {
			return nil, false
		}
		out = append(out, v)
	}
	return out, len(out) > 0
}

// readWhole opens a subdataset and reads its first band as float64 with
// its attributes. The caller holds the lock guard(path) takes.
func readWhole(name string) (values []float64, w, h int, md attrs, ds *godal.Dataset, err error) {
	ds, err = godal.Open(name, godal.RasterOnly(), errLogger)
	if err != nil {
		return nil, 0, 0, nil, nil, err
	}
	st := ds.Structure()
	if st.NBands < 1 {
		ds.Close()
		return nil, 0, 0, nil, nil, fmt.Errorf("no raster band")
	}
	b := ds.Bands()[0]
	values, err = readBand(b, st.SizeX, st.SizeY)
	if err != nil {
		ds.Close()
		return nil, 0, 0, nil, nil, fmt.Errorf("read: %w (truncated or corrupt file?)", err)
	}
	md = attrs(ds.Metadatas())
	for k, v := range b.Metadatas() {
		md[k] = v
	}
	return values, st.SizeX, st.SizeY, md, ds, nil
}

// regularAxis returns the first value and step of an evenly spaced axis,
// or an error saying where it is not (1e-3 of a step allows float32
// coordinates and no more).
func regularAxis(v []float64) (first, step float64, err error) {
	n := len(v)
	if n < 2 {
		return 0, 0, fmt.Errorf("%d value(s): need at least 2 to define a grid", n)
	}
	step = (v[n-1] - v[0]) / float64(n-1)
	if step == 0 || math.IsNaN(step) {
		return 0, 0, fmt.Errorf("values %g ... %g define no spacing", v[0], v[n-1])
	}
	for i, x := range v {
		if want := v[0] + float64(i)*step; math.Abs(x-want) > 1e-3*math.Abs(step) {
			return 0, 0, fmt.Errorf("irregular spacing at index %d (%g, want %g)", i, x, want)
		}
	}
	return v[0], step, nil
}

// snapDeg rounds a coordinate read from float32 to 1e-6°, so that
// 0.25° cells give edges on exact quarter degrees.
func snapDeg(x float64) float64 { return math.Round(x*1e6) / 1e6 }
