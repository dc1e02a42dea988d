package netcdf

import (
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// A ReadOption selects along the extra dimensions of a variable.
type ReadOption func(*readOpts)

type readOpts struct {
	level      int
	levelValue *float64
}

// Level selects index i along the variable's level-like dimensions
// (level, depth, Z: anything that is not time, latitude or longitude).
// The default is index 0.
func Level(i int) ReadOption { return func(o *readOpts) { o.level = i } }

// LevelValue selects the level whose coordinate value is v (e.g. 500 for
// 500 hPa, 0 for the surface of a depth axis).
func LevelValue(v float64) ReadOption { return func(o *readOpts) { o.levelValue = &v } }

// plan says which hyperslabs make up one month of one variable.
type plan struct {
	v      *variable
	lay    *layout
	pack   *packing
	start  []uint64 // fixed start indices; the time and expver entries vary
	timeAt int      // index of the time dimension in v.dims, or -1
	steps  []int    // time steps of the month
	expAt  int      // index of the expver dimension, or -1
	nExp   int
}

// Read returns variable name (a variable name or a standard_name) for
// month m on its native grid, north-up from 180°W, in the file's units.
// Several time steps within m (daily or hourly data) are averaged; with an
// ERA5 expver dimension each cell takes the first version that has a
// value. A variable without a time axis is static and read whatever m is;
// a climatology with a "month" dimension of month numbers gives m's month
// of the year.
func (f *File) Read(name string, m grid.Month, opts ...ReadOption) (*grid.Field, error) {
	var o readOpts
	for _, opt := range opts {
		opt(&o)
	}
	vname, err := f.Find(name)
	if err != nil {
		return nil, err
	}
	v := f.byName[vname]
	slabs, p, err := f.readMonth(v, m, o)
	if err != nil {
		return nil, ingest.Errorf(f.path, vname, m, "%w", err)
	}
	values := combine(slabs, p)
	p.lay.orient(values)
	return &grid.Field{Name: vname, Units: v.text("units"), Grid: p.lay.g, Values: values}, nil
}

// readMonth reads the raw hyperslabs of month m holding nclock;
// unpacking happens after the lock is released. slabs[i][e] is time step
// i, expver e.
func (f *File) readMonth(v *variable, m grid.Month, o readOpts) ([][]slab, *plan, error) {
	defer lock()()
	if !f.open {
		return nil, nil, errClosed
	}
	p, err := f.plan(v, m, o)
	if err != nil {
		return nil, nil, err
	}
	nv, err := f.ds.Var(v.name)
	if err != nil {
		return nil, nil, err
	}
	count := make([]uint64, len(v.dims))
	for i := range count {
		count[i] = 1
	}
	count[len(v.dims)-2], count[len(v.dims)-1] = uint64(p.lay.g.NLat), uint64(p.lay.g.NLon)
	slabs := make([][]slab, len(p.steps))
	for i, step := range p.steps {
		for e := 0; e < p.nExp; e++ {
			start := append([]uint64(nil), p.start...)
			if p.timeAt >= 0 {
				start[p.timeAt] = uint64(step)
			}
			if p.expAt >= 0 {
				start[p.expAt] = uint64(e)
			}
			s, err := readSlab(nv, v.typ, p.pack.unsigned, start, count)
			if err != nil {
				return nil, nil, fmt.Errorf("read data at %v: %w (truncated or corrupt file?)", start, err)
			}
			slabs[i] = append(slabs[i], s)
		}
	}
	return slabs, p, nil
}

// plan works out the layout, packing and indices of v for month m. The
// caller holds nclock.
func (f *File) plan(v *variable, m grid.Month, o readOpts) (*plan, error) {
	p := &plan{v: v, timeAt: -1, expAt: -1, nExp: 1, steps: []int{0}, start: make([]uint64, len(v.dims))}
	var err error
	if p.pack, err = packingOf(v); err != nil {
		return nil, err
	}
	if p.lay, err = f.layoutOf(v); err != nil {
		return nil, err
	}
	for i, d := range v.dims[:len(v.dims)-2] {
		switch f.dimRole(d) {
		case roleTime:
			if p.timeAt >= 0 {
				return nil, fmt.Errorf("two time dimensions (%s, %s)", v.dims[p.timeAt], d)
			}
			months, err := f.months(d)
			if err != nil {
				return nil, err
			}
			if p.steps, err = stepsOf(months, m); err != nil {
				return nil, err
			}
			p.timeAt = i
		case roleExpver:
			p.expAt, p.nExp = i, v.shape[i]
		case roleMonthOfYear:
			k, err := f.monthOfYear(d, m)
			if err != nil {
				return nil, err
			}
			p.start[i] = uint64(k)
		default:
			k, err := f.levelIndex(d, v.shape[i], o)
			if err != nil {
				return nil, err
			}
			p.start[i] = uint64(k)
		}
	}
	return p, nil
}

// monthOfYear finds m's month number on a climatology's "month" axis.
func (f *File) monthOfYear(d string, m grid.Month) (int, error) {
	vals, err := f.coordValues(d)
	if err != nil {
		return 0, err
	}
	for i, x := range vals {
		if x == float64(m.Month) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("climatology axis %q has no month %d (values %v)", d, int(m.Month), vals)
}

// levelIndex picks the index along an extra dimension of length n.
func (f *File) levelIndex(d string, n int, o readOpts) (int, error) {
	if o.levelValue == nil {
		if o.level < 0 || o.level >= n {
			return 0, fmt.Errorf("level index %d out of range for dimension %q of length %d", o.level, d, n)
		}
		return o.level, nil
	}
	vals, err := f.coordValues(d)
	if err != nil {
		return 0, err
	}
	for i, x := range vals {
		if math.Abs(x-*o.levelValue) <= 1e-6*math.Max(1, math.Abs(x)) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("dimension %q has no level %g (values %v)", d, *o.levelValue, vals)
}

// combine unpacks the slabs of a month: per time step the first expver
// with a value, then the mean over time steps of the valid values.
func combine(slabs [][]slab, p *plan) []float32 {
	n := p.lay.g.Cells()
	out := make([]float32, n)
	if len(slabs) == 1 && len(slabs[0]) == 1 {
		slabs[0][0].unpack(p.pack, out)
		return out
	}
	sum := make([]float64, n)
	cnt := make([]int32, n)
	step := make([]float32, n)
	tmp := make([]float32, n)
	for _, versions := range slabs {
		versions[0].unpack(p.pack, step)
		for _, s := range versions[1:] {
			s.unpack(p.pack, tmp)
			for i, x := range step {
				if x != x {
					step[i] = tmp[i]
				}
			}
		}
		for i, x := range step {
			if x == x {
				sum[i] += float64(x)
				cnt[i]++
			}
		}
	}
	for i := range out {
		if cnt[i] == 0 {
			out[i] = nan32()
		} else {
			out[i] = float32(sum[i] / float64(cnt[i]))
		}
	}
	return out
}

// Grid returns the native grid of variable name, as Read returns it.
func (f *File) Grid(name string) (grid.Grid, error) {
	vname, err := f.Find(name)
	if err != nil {
		return grid.Grid{}, err
	}
	defer lock()()
	if !f.open {
		return grid.Grid{}, ingest.Errorf(f.path, vname, grid.Month{}, "%w", errClosed)
	}
	lay, err := f.layoutOf(f.byName[vname])
	if err != nil {
		return grid.Grid{}, ingest.Errorf(f.path, vname, grid.Month{}, "%w", err)
	}
	return lay.g, nil
}

// Months lists the month of each step of variable name's time axis, in
// file order (the zero Month for a missing time value); nil for a
// variable without a time axis.
func (f *File) Months(name string) ([]grid.Month, error) {
	vname, err := f.Find(name)
	if err != nil {
		return nil, err
	}
	defer lock()()
	if !f.open {
		return nil, ingest.Errorf(f.path, vname, grid.Month{}, "%w", errClosed)
	}
	for _, d := range f.byName[vname].dims {
		if f.dimRole(d) == roleTime {
			ms, err := f.months(d)
			if err != nil {
				return nil, ingest.Errorf(f.path, vname, grid.Month{}, "%w", err)
			}
			return ms, nil
		}
	}
	return nil, nil
}
