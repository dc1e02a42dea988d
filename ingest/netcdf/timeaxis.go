package netcdf

import (
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/cftime"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// months decodes the time axis along dimension d into one month per step
// (the zero Month for a missing time value). A step with cell bounds
// (the CF "bounds" attribute) belongs to the month of its bounds' midpoint,
// so a monthly mean stamped at the end of its month is not taken for the
// next one. The caller holds nclock.
func (f *File) months(d string) ([]grid.Month, error) {
	c := f.coord(d)
	if c == nil {
		return nil, fmt.Errorf("time dimension %q has no coordinate variable", d)
	}
	units := c.text("units")
	var axis interface {
		Month(v float64) (grid.Month, error)
	}
	axis, err := cftime.Parse(units, c.text("calendar"))
	if err != nil {
		// "months since" outside 360_day: count calendar months, as the
		// TRENDY models that write it mean (cftime.MonthCount).
		mc, mcErr := cftime.ParseMonthCount(units, c.text("calendar"))
		if mcErr != nil {
			return nil, fmt.Errorf("time coordinate %q: %w", d, err)
		}
		axis = mc
	}
	vals, err := f.coordValues(d)
	if err != nil {
		return nil, err
	}
	if mid, ok := f.boundsMidpoints(c, len(vals)); ok {
		vals = mid
	}
	out := make([]grid.Month, len(vals))
	for i, v := range vals {
		if math.IsNaN(v) {
			continue
		}
		if out[i], err = axis.Month(v); err != nil {
			return nil, fmt.Errorf("time coordinate %q, step %d: %w", d, i, err)
		}
	}
	return out, nil
}

// boundsMidpoints returns the midpoints of the time bounds variable named
// by c's "bounds" attribute, when it exists and has shape (n, 2).
func (f *File) boundsMidpoints(c *variable, n int) ([]float64, bool) {
	b := f.byName[c.text("bounds")]
	if b == nil || len(b.shape) != 2 || b.shape[0] != n || b.shape[1] != 2 {
		return nil, false
	}
	nv, err := f.ds.Var(b.name)
	if err != nil {
		return nil, false
	}
	s, err := readSlab(nv, b.typ, false, []uint64{0, 0}, []uint64{uint64(n), 2})
	if err != nil {
		return nil, false
	}
	raw := s.float64s()
	mid := make([]float64, n)
	for i := range mid {
		mid[i] = (raw[2*i] + raw[2*i+1]) / 2
	}
	return mid, true
}

// stepsOf returns the time steps of month m. When there are none, the
// error wraps ingest.ErrMissing if the axis ends before m (the month is not
// published yet) and is a plain error otherwise (a gap in the file).
func stepsOf(months []grid.Month, m grid.Month) ([]int, error) {
	var idx []int
	var first, last grid.Month
	for i, mm := range months {
		if mm == (grid.Month{}) {
			continue
		}
		if mm == m {
			idx = append(idx, i)
		}
		if first == (grid.Month{}) || mm.Before(first) {
			first = mm
		}
		if last == (grid.Month{}) || last.Before(mm) {
			last = mm
		}
	}
	switch {
	case len(idx) > 0:
		return idx, nil
	case first == (grid.Month{}):
		return nil, fmt.Errorf("time axis has no valid values")
	case last.Before(m):
		return nil, fmt.Errorf("month absent: time axis ends at %s: %w", last, ingest.ErrMissing)
	}
	return nil, fmt.Errorf("month absent from a time axis covering %s .. %s", first, last)
}
