package netcdf

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// role is what a dimension of a data variable stands for.
type role int

const (
	roleLevel       role = iota // level, depth or any other extra axis
	roleLat                     // latitude
	roleLon                     // longitude
	roleTime                    // a CF time axis
	roleExpver                  // ERA5's ERA5/ERA5T experiment version
	roleMonthOfYear             // a climatology's month number 1..12
)

var (
	latUnits = []string{"degrees_north", "degree_north", "degrees_n", "degree_n", "degreesn", "degreen"}
	lonUnits = []string{"degrees_east", "degree_east", "degrees_e", "degree_e", "degreese", "degreee"}
)

// coord returns the coordinate variable of dimension d (a 1-D variable of
// the same name along d), or nil.
func (f *File) coord(d string) *variable {
	c := f.byName[d]
	if c == nil || len(c.dims) != 1 || c.dims[0] != d {
		return nil
	}
	return c
}

// dimRole classifies dimension d by its coordinate variable's
// standard_name, units and axis attributes, then by its name.
func (f *File) dimRole(d string) role {
	name := strings.ToLower(d)
	var sn, units, axis string
	if c := f.coord(d); c != nil {
		sn, axis = c.text("standard_name"), strings.ToUpper(c.text("axis"))
		units = strings.ToLower(c.text("units"))
	}
	switch {
	case sn == "latitude" || slices.Contains(latUnits, units) || name == "lat" || name == "latitude":
		return roleLat
	case sn == "longitude" || slices.Contains(lonUnits, units) || name == "lon" || name == "longitude":
		return roleLon
	case sn == "time" || axis == "T" || strings.Contains(units, " since ") || name == "time" || name == "valid_time":
		return roleTime
	case name == "expver":
		return roleExpver
	case name == "month":
		return roleMonthOfYear
	}
	return roleLevel
}

// layout is where a variable's grid lies and how to put it north-up.
type layout struct {
	g     grid.Grid
	flip  bool // latitudes run south to north in the file
	shift int  // RollLon shift that brings the west edge near 180°W
}

// layoutOf checks that v ends in (latitude, longitude) and builds its grid.
// The caller holds nclock.
func (f *File) layoutOf(v *variable) (*layout, error) {
	n := len(v.dims)
	if n < 2 || f.dimRole(v.dims[n-2]) != roleLat || f.dimRole(v.dims[n-1]) != roleLon {
		if n >= 2 && f.dimRole(v.dims[n-2]) == roleLon && f.dimRole(v.dims[n-1]) == roleLat {
			return nil, fmt.Errorf("dimensions end in (%s, %s): longitude before latitude is not supported", v.dims[n-2], v.dims[n-1])
		}
		return nil, fmt.Errorf("dimensions (%s) do not end in (latitude, longitude)", strings.Join(v.dims, ", "))
	}
	lat, err := f.coordValues(v.dims[n-2])
	if err != nil {
		return nil, err
	}
	lon, err := f.coordValues(v.dims[n-1])
	if err != nil {
		return nil, err
	}
	lay := &layout{}
	if err := lay.setLat(lat); err != nil {
		return nil, fmt.Errorf("latitude %q: %w", v.dims[n-2], err)
	}
	if err := lay.setLon(lon); err != nil {
		return nil, fmt.Errorf("longitude %q: %w", v.dims[n-1], err)
	}
	return lay, nil
}

// coordValues reads the coordinate variable of dimension d. The caller
// holds nclock.
func (f *File) coordValues(d string) ([]float64, error) {
	c := f.coord(d)
	if c == nil {
		return nil, fmt.Errorf("dimension %q has no coordinate variable", d)
	}
	nv, err := f.ds.Var(d)
	if err != nil {
		return nil, fmt.Errorf("coordinate %q: %w", d, err)
	}
	s, err := readSlab(nv, c.typ, false, []uint64{0}, []uint64{uint64(c.shape[0])})
	if err != nil {
		return nil, fmt.Errorf("coordinate %q: %w", d, err)
	}
	vals := s.float64s()
	p, err := packingOf(c)
	if err != nil {
		return nil, fmt.Errorf("coordinate %q: %w", d, err)
	}
	for i, x := range vals {
		if p.isFill(x) {
			vals[i] = math.NaN()
		} else {
			vals[i] = x*p.scale + p.offset
		}
	}
	return vals, nil
}

func (lay *layout) setLat(lat []float64) error {
	step, err := regularStep(lat)
	if err != nil {
		return err
	}
	for _, y := range lat {
		if math.Abs(y) > 90+math.Abs(step) {
			return fmt.Errorf("value %g out of range", y)
		}
	}
	d := math.Abs(step)
	lay.g.DLat, lay.g.NLat = d, len(lat)
	lay.flip = step > 0
	north := lat[0]
	if lay.flip {
		north = lat[len(lat)-1]
	}
	lay.g.North = snapHalf(north+d/2, d)
	return nil
}

func (lay *layout) setLon(lon []float64) error {
	step, err := regularStep(lon)
	if err != nil {
		return err
	}
	if step < 0 {
		return fmt.Errorf("values decrease (%g, %g, ...): east-to-west order is not supported", lon[0], lon[1])
	}
	for _, x := range lon {
		if math.Abs(x) > 720 {
			return fmt.Errorf("value %g out of range", x)
		}
	}
	n := len(lon)
	lay.g.DLon, lay.g.NLon = step, n
	first := lon[0]
	if math.Abs(float64(n)*step-360) < 1e-3*step {
		// Global: start at the column whose centre lies in [-180, -180+step).
		k := int(math.Ceil((-180-first)/step - 1e-6))
		k = ((k % n) + n) % n
		lay.shift = (n - k) % n
		first += float64(k) * step
	}
	for first >= 180-1e-6*step {
		first -= 360
	}
	lay.g.West = snapHalf(first-step/2, step)
	return nil
}

// regularStep returns the constant step of a monotonic, evenly spaced
// axis, or an error saying where it is not.
func regularStep(v []float64) (float64, error) {
	n := len(v)
	if n < 2 {
		return 0, fmt.Errorf("%d value(s): need at least 2 to define a grid", n)
	}
	step := (v[n-1] - v[0]) / float64(n-1)
	if step == 0 || math.IsNaN(step) || math.IsInf(step, 0) {
		return 0, fmt.Errorf("values %g ... %g define no spacing", v[0], v[n-1])
	}
	for i := 1; i < n; i++ {
		if d := v[i] - v[i-1]; !(d*step > 0) {
			return 0, fmt.Errorf("not monotonic at index %d (%g then %g)", i, v[i-1], v[i])
		}
	}
	// 1e-3 of a step allows float32 rounding of the coordinates and no more.
	for i, x := range v {
		if want := v[0] + float64(i)*step; math.Abs(x-want) > 1e-3*math.Abs(step) {
			return 0, fmt.Errorf("irregular spacing at index %d (%g, want %g): not a regular lat-lon grid", i, x, want)
		}
	}
	return snapStep(step), nil
}

// snapStep rounds a step read from float32 coordinates to 1/k degrees
// (0.1, 0.25, 1/12) when it is within 1e-6 of it.
func snapStep(step float64) float64 {
	a := math.Abs(step)
	if k := math.Round(1 / a); k > 0 && math.Abs(a-1/k) <= 1e-6*a {
		return math.Copysign(1/k, step)
	}
	return step
}

// snapHalf rounds an edge to the nearest multiple of half a step when it
// is within 1e-4 of a step of it, undoing float32 rounding: 89.95f + 0.05
// is 90, not 89.999997.
func snapHalf(x, step float64) float64 {
	h := step / 2
	if r := math.Round(x/h) * h; math.Abs(x-r) <= 1e-4*step {
		return r
	}
	return x
}

// orient puts raw row-major (lat, lon) values north-up, 180°W first.
func (lay *layout) orient(values []float32) {
	if lay.flip {
		grid.FlipLat(values, lay.g.NLon)
	}
	grid.RollLon(values, lay.g.NLon, lay.shift)
}
