package raster

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// GFED4.1s publishes one HDF5 file per year (GFED4.1s_YYYY.hdf5, later
// years GFED4.1s_YYYY_beta.hdf5) with a group per month of the year:
// emissions/01 .. emissions/12, each holding the 720×1440 datasets C (g C
// m-2 month-1) and DM (kg DM m-2 month-1) among others, and the
// coordinates as 2-D datasets lat and lon at the root (cell centres, lat
// 89.875 .. -89.875, lon -179.875 .. 179.875) beside ancill/grid_cell_area
// (m2). The datasets carry no units attribute: the units are those of the
// GFED4.1s readme (van der Werf et al. 2017, ESSD 9, 697), quoted in the
// users' code that reads these files (for example C2SM-RCM/emiproc,
// emiproc/inventories/gfed.py).
var gfedDocumentedUnits = map[string]string{
	"C":  "g C m-2 month-1",
	"DM": "kg DM m-2 month-1",
}

// gfedMonthPath matches a month's dataset: //emissions/07/C.
var gfedMonthPath = regexp.MustCompile(`^/?/emissions/(\d\d)/([^/]+)$`)

// gfedYear reads the year from a GFED4.1s file name.
var gfedYear = regexp.MustCompile(`GFED4\.1s_(\d{4})`)

// IsGFED4 reports whether path is a GFED4.1s yearly HDF5 file: HDF5 with
// an emissions/MM group and 2-D lat and lon datasets. It looks at the
// content, not the name.
func IsGFED4(path string) bool {
	if hdfFormat(path) != "HDF5" {
		return false
	}
	register()
	defer guard(path)()
	sds, err := subdatasets(path, "HDF5")
	if err != nil {
		return false
	}
	var months, lat, lon bool
	for _, sd := range sds {
		switch {
		case gfedMonthPath.MatchString(sd.path):
			months = true
		case sd.path == "//lat":
			lat = true
		case sd.path == "//lon":
			lon = true
		}
	}
	return months && lat && lon
}

// ReadGFED4 returns dataset variable (C or DM) of month m from a GFED4.1s
// yearly file, north-up from 180°W on the file's own grid. Units come from
// the dataset's units attribute when it has one, else from the GFED4.1s
// readme. A month whose group is absent is refused naming the file, the
// variable and the month; after the file's last month (a beta file of the
// current year) the error wraps ingest.ErrMissing.
func ReadGFED4(path, variable string, m grid.Month) (*grid.Field, error) {
	register()
	fail := func(format string, args ...any) error { return ingest.Errorf(path, variable, m, format, args...) }
	if y := gfedYear.FindStringSubmatch(filepath.Base(path)); y != nil {
		// The file holds months of the year only; its year is in its name.
		if year, _ := strconv.Atoi(y[1]); year != m.Year {
			return nil, fail("the file is GFED4.1s for %d, not %d (check the {yyyy} in the configured path)", year, m.Year)
		}
	}
	defer guard(path)()
	sds, err := subdatasets(path, "HDF5")
	if err != nil {
		return nil, fail("%w", err)
	}
	byPath := map[string]subdataset{}
	for _, sd := range sds {
		byPath[sd.path] = sd
	}
	want := fmt.Sprintf("//emissions/%02d/%s", int(m.Month), variable)
	sd, ok := byPath[want]
	if !ok {
		return nil, fail("%w", gfedAbsent(sds, variable, m))
	}
	lay, err := gfedLayout(byPath)
	if err != nil {
		return nil, fail("%w", err)
	}
	raw, w, h, md, ds, err := readWhole(sd.name)
	if err != nil {
		return nil, fail("read emissions/%02d/%s: %w", int(m.Month), variable, err)
	}
	ds.Close()
	if w != lay.g.NLon || h != lay.g.NLat {
		return nil, fail("emissions/%02d/%s is %d×%d, its lat/lon are %d×%d", int(m.Month), variable, h, w, lay.g.NLat, lay.g.NLon)
	}
	values := make([]float32, len(raw))
	for i, x := range raw {
		values[i] = float32(x)
	}
	lay.orient(values)
	units, ok := md.get("units")
	if !ok {
		if units, ok = gfedDocumentedUnits[variable]; !ok {
			return nil, fail("no units attribute, and the GFED4.1s readme gives units for C and DM only")
		}
	}
	return &grid.Field{Name: variable, Units: units, Grid: lay.g, Values: values}, nil
}

// gfedAbsent explains why a month's dataset is missing: no such variable
// in any month, a month after the file's last (not published yet), or a
// gap.
func gfedAbsent(sds []subdataset, variable string, m grid.Month) error {
	var months []int
	vars := map[string]bool{}
	for _, sd := range sds {
		g := gfedMonthPath.FindStringSubmatch(sd.path)
		if g == nil {
			continue
		}
		vars[g[2]] = true
		if g[2] == variable {
			mm, _ := strconv.Atoi(g[1])
			months = append(months, mm)
		}
	}
	if len(months) == 0 {
		names := make([]string, 0, len(vars))
		for v := range vars {
			names = append(names, v)
		}
		sort.Strings(names)
		return fmt.Errorf("no dataset emissions/MM/%s in any month (the groups hold %s)", variable, strings.Join(names, ", "))
	}
	sort.Ints(months)
	last := months[len(months)-1]
	if int(m.Month) > last {
		return fmt.Errorf("group emissions/%02d is absent: the file ends at emissions/%02d: %w", int(m.Month), last, ingest.ErrMissing)
	}
	return fmt.Errorf("group emissions/%02d is absent from a file holding months %v", int(m.Month), months)
}

// gfedLayout builds the grid from the 2-D lat and lon datasets: the first
// column of lat and the first row of lon must be evenly spaced axes.
func gfedLayout(byPath map[string]subdataset) (layout, error) {
	latSD, okLat := byPath["//lat"]
	lonSD, okLon := byPath["//lon"]
	if !okLat || !okLon {
		return layout{}, fmt.Errorf("no 2-D lat and lon datasets at the root of the file")
	}
	lat, w, h, _, ds, err := readWhole(latSD.name)
	if err != nil {
		return layout{}, fmt.Errorf("read lat: %w", err)
	}
	ds.Close()
	lon, lw, lh, _, ds, err := readWhole(lonSD.name)
	if err != nil {
		return layout{}, fmt.Errorf("read lon: %w", err)
	}
	ds.Close()
	if w != lw || h != lh {
		return layout{}, fmt.Errorf("lat is %d×%d, lon %d×%d", h, w, lh, lw)
	}
	col := make([]float64, h)
	for r := range col {
		col[r] = lat[r*w]
	}
	north, dlat, err := regularAxis(col)
	if err != nil {
		return layout{}, fmt.Errorf("lat: %w", err)
	}
	west, dlon, err := regularAxis(lon[:w])
	if err != nil {
		return layout{}, fmt.Errorf("lon: %w", err)
	}
	if dlon < 0 {
		return layout{}, fmt.Errorf("lon decreases (%g, %g, ...): east-to-west order is not supported", lon[0], lon[1])
	}
	lay := layout{regular: true}
	lay.g = grid.Grid{DLon: dlon, DLat: -dlat, NLon: w, NLat: h}
	if dlat > 0 { // south first: flip to north-up
		lay.flip = true
		lay.g.DLat = dlat
		north = col[h-1]
	}
	lay.g.North = snapDeg(north + lay.g.DLat/2)
	lay.g.West, lay.shift = placeLon(snapDeg(west-dlon/2), dlon, w)
	return lay, nil
}
