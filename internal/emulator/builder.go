package emulator

import (
	"fmt"
	"math"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Cubes serves the drivers of month m on the analysis grid, by name. The
// ingest cube store satisfies it through a small adapter; tests use a map.
// Static fields are served for any month.
type Cubes interface {
	Field(m grid.Month, name string) (*grid.Field, error)
}

// An InputError reports a source field a feature could not use.
type InputError struct {
	Feature string
	Source  string
	Month   grid.Month
	Err     error
}

func (e *InputError) Error() string {
	return fmt.Sprintf("feature %q: source %q, %s: %v", e.Feature, e.Source, e.Month, e.Err)
}

func (e *InputError) Unwrap() error { return e.Err }

type fieldKey struct {
	m    grid.Month
	name string
}

type climKey struct {
	name string
	mo   int
}

// Builder turns months of drivers into feature matrices. It caches the
// fields of the last few months (as far back as the spec's lags and
// windows reach), so walking months in order reads each field once, and
// the climatologies it has computed. A Builder is not safe for concurrent
// use.
type Builder struct {
	grid  grid.Grid
	spec  FeatureSpec
	data  Cubes
	cache map[fieldKey]*grid.Field
	clim  map[climKey][]float32
}

// NewBuilder returns a builder of spec's features on g from data.
func NewBuilder(g grid.Grid, spec FeatureSpec, data Cubes) (*Builder, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if g.Cells() == 0 {
		return nil, fmt.Errorf("new builder: empty grid %v", g)
	}
	return &Builder{grid: g, spec: spec, data: data,
		cache: map[fieldKey]*grid.Field{}, clim: map[climKey][]float32{}}, nil
}

// Spec returns the builder's feature spec.
func (b *Builder) Spec() FeatureSpec { return b.spec }

// Rows returns the features of month m for cells (nil: every cell of the
// grid) as a row-major nrow×ncol matrix, one row per cell in the order
// given, columns in spec order. Missing drivers give NaN.
func (b *Builder) Rows(m grid.Month, cells []int) (x []float32, nrow, ncol int, err error) {
	if cells == nil {
		cells = allCells(b.grid.Cells())
	}
	for _, c := range cells {
		if c < 0 || c >= b.grid.Cells() {
			return nil, 0, 0, fmt.Errorf("rows %s: cell %d outside grid %v", m, c, b.grid)
		}
	}
	b.evict(m)
	nrow, ncol = len(cells), len(b.spec.Features)
	x = make([]float32, nrow*ncol)
	for j, f := range b.spec.Features {
		if err := b.column(m, f, cells, x[j:], ncol); err != nil {
			return nil, 0, 0, err
		}
	}
	return x, nrow, ncol, nil
}

func allCells(n int) []int {
	c := make([]int, n)
	for i := range c {
		c[i] = i
	}
	return c
}

// column writes feature f of each cell to dst[i*stride].
func (b *Builder) column(m grid.Month, f Feature, cells []int, dst []float32, stride int) error {
	if !f.Kind.sourced() {
		b.derivedColumn(m, f.Kind, cells, dst, stride)
		return nil
	}
	if f.Kind == KindDriver || f.Kind == KindMean || f.Kind == KindAnomaly {
		return b.windowMean(f, m, cells, dst, stride)
	}
	var vals []float32
	var err error
	if f.Kind == KindClimatology {
		vals, err = b.climatology(f, m.Month)
	} else {
		vals, err = b.field(f, m)
	}
	if err != nil {
		return err
	}
	for i, c := range cells {
		dst[i*stride] = vals[c]
	}
	return nil
}

func (b *Builder) derivedColumn(m grid.Month, k Kind, cells []int, dst []float32, stride int) {
	month := monthPhase(int(m.Month))
	for i, c := range cells {
		latDeg, lonDeg := b.grid.Centre(c)
		var v float64
		switch k {
		case KindMonthSin:
			v = math.Sin(month)
		case KindMonthCos:
			v = math.Cos(month)
		case KindLat:
			v = latDeg
		case KindAbsLat:
			v = math.Abs(latDeg)
		case KindSinLat:
			v = math.Sin(latDeg * math.Pi / 180)
		case KindLonSin:
			v = math.Sin(lonDeg * math.Pi / 180)
		case KindLonCos:
			v = math.Cos(lonDeg * math.Pi / 180)
		}
		dst[i*stride] = float32(v)
	}
}

// windowMean writes the mean over f's window of the source (minus its
// climatology for anomalies) for each cell; NaN where any month is
// missing. It works on the requested cells only: training asks for a few
// thousand cells of a grid that may have a million.
func (b *Builder) windowMean(f Feature, m grid.Month, cells []int, dst []float32, stride int) error {
	w := max(f.Window, 1)
	sum := make([]float64, len(cells))
	for k := 0; k < w; k++ {
		mk := m.Add(-f.Lag - k)
		vals, err := b.field(f, mk)
		if err != nil {
			return err
		}
		var clim []float32
		if f.Kind == KindAnomaly {
			if clim, err = b.climatology(f, mk.Month); err != nil {
				return err
			}
		}
		for i, c := range cells {
			x := float64(vals[c])
			if clim != nil {
				x -= float64(clim[c])
			}
			sum[i] += x // NaN stays NaN
		}
	}
	for i, s := range sum {
		dst[i*stride] = float32(s / float64(w))
	}
	return nil
}

// field returns f's source for month m, from the cache or the data, after
// checking its grid and units.
func (b *Builder) field(f Feature, m grid.Month) ([]float32, error) {
	key := fieldKey{m, f.Source}
	fld, ok := b.cache[key]
	if !ok {
		var err error
		if fld, err = b.fetch(f, m); err != nil {
			return nil, err
		}
		b.cache[key] = fld
	}
	if fld.Units != f.Units {
		return nil, &InputError{f.Name, f.Source, m, fmt.Errorf("units %q, feature wants %q", fld.Units, f.Units)}
	}
	return fld.Values, nil
}

func (b *Builder) fetch(f Feature, m grid.Month) (*grid.Field, error) {
	fld, err := b.data.Field(m, f.Source)
	if err != nil {
		return nil, &InputError{f.Name, f.Source, m, err}
	}
	if fld == nil {
		return nil, &InputError{f.Name, f.Source, m, fmt.Errorf("no field")}
	}
	if fld.Grid != b.grid {
		return nil, &InputError{f.Name, f.Source, m, fmt.Errorf("on grid %v, want %v", fld.Grid, b.grid)}
	}
	if err := fld.Check(); err != nil {
		return nil, &InputError{f.Name, f.Source, m, err}
	}
	return fld, nil
}

// evict drops cached fields outside the months Rows(m) can read.
func (b *Builder) evict(m grid.Month) {
	oldest := m.Add(-b.spec.reach())
	for k := range b.cache {
		if k.m.Before(oldest) || m.Before(k.m) {
			delete(b.cache, k)
		}
	}
}

// climatology is the per-cell mean of f's source for calendar month mo
// over the spec's climatology years, NaN where no year has a value.
func (b *Builder) climatology(f Feature, mo time.Month) ([]float32, error) {
	key := climKey{f.Source, int(mo)}
	if c, ok := b.clim[key]; ok {
		return c, nil
	}
	n := b.grid.Cells()
	sum, count := make([]float64, n), make([]int32, n)
	for y := b.spec.ClimFirstYear; y <= b.spec.ClimLastYear; y++ {
		m := grid.Month{Year: y, Month: mo}
		fld, err := b.fetch(f, m)
		if err != nil {
			return nil, fmt.Errorf("climatology %d-%d: %w", b.spec.ClimFirstYear, b.spec.ClimLastYear, err)
		}
		if fld.Units != f.Units {
			return nil, &InputError{f.Name, f.Source, m, fmt.Errorf("units %q, feature wants %q", fld.Units, f.Units)}
		}
		for c, v := range fld.Values {
			if !math.IsNaN(float64(v)) {
				sum[c] += float64(v)
				count[c]++
			}
		}
	}
	out := make([]float32, n)
	for c := range out {
		out[c] = float32(sum[c] / float64(count[c])) // 0/0 = NaN: no year
	}
	b.clim[key] = out
	return out, nil
}
