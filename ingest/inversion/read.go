package inversion

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/netcdf"
	"github.com/carbonbudget/carbonbudget/ingest/units"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Units are the units of every field of a Product: carbon per m² of grid
// cell per month, positive into the surface (cube.NBPUnits).
const Units = "g C m-2 month-1"

// MaxAbsGPerM2Month bounds a physically possible monthly-mean flux. The
// largest real monthly fluxes are fire and fossil point sources on 1°
// cells: GFED4.1s peaks at about 1000 g C m⁻² month⁻¹ on 0.25° cells and
// CT's 1° fossil field at a few hundred; 5000 is the cube's bound on
// fire_c (ingest/cube canonical.go), so a value beyond it is a unit or
// packing error, not weather.
const MaxAbsGPerM2Month = 5000

// Product is one month of one inversion on its native grid. Bio and Ocean
// are the optimised (posterior) land-biosphere and ocean fluxes; Fire and
// Fossil the imposed (prior) fluxes, nil when the product has none. For a
// CarbonTracker product Bio excludes fire, so Bio + Fire is the net land
// flux; for CAMS Bio is already the net land flux. All fields are in Units.
type Product struct {
	Path   string
	Layout string
	Month  grid.Month
	Grid   grid.Grid
	Bio    *grid.Field
	Ocean  *grid.Field
	Fire   *grid.Field
	Fossil *grid.Field
}

// Read reads month m of the inversion file at path in layout (one of
// Layouts; "" detects it from the variables and refuses a file that fits
// none or several).
func Read(path string, m grid.Month, layout string) (*Product, error) {
	f, err := netcdf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := detect(f, layout)
	if err != nil {
		return nil, &ingest.SourceError{Path: path, Month: m, Err: err}
	}
	p := &Product{Path: path, Layout: s.name, Month: m}
	dst := [4]**grid.Field{&p.Bio, &p.Ocean, &p.Fire, &p.Fossil}
	for r := roleBio; r <= roleFossil; r++ {
		name, sign, ok, err := s.find(f, r)
		if err != nil {
			return nil, ingest.Errorf(path, name, m, "%s flux: %w", roleNames[r], err)
		}
		if !ok {
			if r.required() {
				return nil, ingest.Errorf(path, s.vars[r][0], m, "%s flux: variable absent (layout %s)", roleNames[r], s.name)
			}
			continue
		}
		field, err := readFlux(f, name, m, sign)
		if err != nil {
			return nil, err
		}
		if r == roleBio {
			p.Grid = field.Grid
		} else if field.Grid != p.Grid {
			return nil, ingest.Errorf(path, name, m, "grid %v differs from the bio flux's %v", field.Grid, p.Grid)
		}
		*dst[r] = field
	}
	return p, nil
}

// readFlux reads variable name for month m, converts it to Units and
// turns it positive into the surface (sign is its direction in the file).
func readFlux(f *netcdf.File, name string, m grid.Month, sign float64) (*grid.Field, error) {
	path := f.Path()
	if err := checkMonth(f, name, m); err != nil {
		return nil, err
	}
	field, err := f.Read(name, m)
	if err != nil {
		return nil, err
	}
	if field.Units == "" {
		return nil, ingest.Errorf(path, name, m, "no units attribute")
	}
	if err := units.Convert(field.Values, field.Units, Units, m); err != nil {
		return nil, ingest.Errorf(path, name, m, "units: %w", err)
	}
	for i, x := range field.Values {
		field.Values[i] = float32(sign) * x
	}
	if err := checkValues(field, path, name, m); err != nil {
		return nil, err
	}
	field.Units = Units
	return field, nil
}

// checkMonth refuses a variable whose time axis does not hold m. A
// variable without a time axis (CAMS files of some versions carry the
// month only in the file name) is taken to be the month the file name
// ends with, and refused when the name has none.
func checkMonth(f *netcdf.File, name string, m grid.Month) error {
	months, err := f.Months(name)
	if err != nil {
		return err
	}
	if months == nil {
		fm, ok := monthOfName(f.Path())
		switch {
		case !ok:
			return ingest.Errorf(f.Path(), name, m, "no time axis and no YYYYMM in the file name")
		case fm != m:
			return ingest.Errorf(f.Path(), name, m, "month absent: the file (no time axis) is for %s by its name", fm)
		}
		return nil
	}
	for _, x := range months {
		if x == m {
			return nil
		}
	}
	if len(months) == 0 {
		return ingest.Errorf(f.Path(), name, m, "month absent: empty time axis")
	}
	return ingest.Errorf(f.Path(), name, m, "month absent: the file holds %s .. %s", months[0], months[len(months)-1])
}

// yyyymm is the last six-digit year-month group of a file name
// (CT-NRT.v2024-1.flux1x1.202301.nc, cams73_latest_co2_flux_surface_mm_202301.nc).
var yyyymm = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)[0-9]{2})(0[1-9]|1[0-2])(?:[^0-9]|$)`)

func monthOfName(path string) (grid.Month, bool) {
	all := yyyymm.FindAllStringSubmatch(filepath.Base(path), -1)
	if len(all) == 0 {
		return grid.Month{}, false
	}
	last := all[len(all)-1]
	y, _ := strconv.Atoi(last[1])
	mo, _ := strconv.Atoi(last[2])
	return grid.Month{Year: y, Month: time.Month(mo)}, true
}

// checkValues refuses a non-finite value anywhere (the products cover the
// globe: land fluxes are 0 over the ocean, not missing) and a value beyond
// MaxAbsGPerM2Month.
func checkValues(f *grid.Field, path, name string, m grid.Month) error {
	var bad int
	first := -1
	for i, x := range f.Values {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			if bad == 0 {
				first = i
			}
			bad++
		}
	}
	if bad > 0 {
		lat, lon := f.Grid.Centre(first)
		return ingest.Errorf(path, name, m, "%d non-finite values (fill or NaN), the first at %.2f°N %.2f°E: inversions cover the globe", bad, lat, lon)
	}
	for i, x := range f.Values {
		if math.Abs(float64(x)) > MaxAbsGPerM2Month {
			lat, lon := f.Grid.Centre(i)
			return ingest.Errorf(path, name, m, "%g %s at %.2f°N %.2f°E is beyond the physical bound ±%d", x, Units, lat, lon, MaxAbsGPerM2Month)
		}
	}
	return nil
}

// String describes the product for logs.
func (p *Product) String() string {
	return fmt.Sprintf("%s (%s, %s, %v)", filepath.Base(p.Path), p.Layout, p.Month, p.Grid)
}
