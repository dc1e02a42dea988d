package land

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"sync"

	"github.com/carbonbudget/carbonbudget/internal/durable"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// DefaultBaselineFirstYear and DefaultBaselineLastYear bound the baseline
// of the low-latency budget (Ke et al. 2024, science.md §3): anomalies are
// taken against 2015–2022.
const (
	DefaultBaselineFirstYear = 2015
	DefaultBaselineLastYear  = 2022
)

// sdFields are the fields whose interannual standard deviation the
// climatology keeps: temperature, for the extreme-heat test.
var sdFields = map[string]bool{fieldT2m: true}

// Climatology holds per-cell baseline fields by calendar month: the mean of
// each driver and of fire emissions over the baseline years, and the
// interannual standard deviation of temperature. It is what the
// orchestrator supplies so that the stage never reads the baseline years'
// cubes at run time: the emulators' anomaly features, the fire anomaly and
// the extreme-heat test all use it.
//
// A climatology built with NewClimatology computes a (field, calendar
// month) entry from the cubes the first time it is asked for and keeps it;
// one loaded with LoadClimatology serves what was saved. It is safe for
// concurrent use.
type Climatology struct {
	grid                grid.Grid
	firstYear, lastYear int
	src                 emulator.Cubes // nil when loaded

	mu   sync.Mutex
	mean map[climKey][]float32
	sd   map[climKey][]float32
}

type climKey struct {
	name string
	mo   int // 1..12; 0 is the annual mean
}

// NewClimatology returns the climatology of the cubes of a over firstYear..
// lastYear (0, 0: the default 2015–2022) on grid g. Entries are computed
// on first use; Fill computes them ahead.
func NewClimatology(a Archive, g grid.Grid, firstYear, lastYear int) (*Climatology, error) {
	if firstYear == 0 && lastYear == 0 {
		firstYear, lastYear = DefaultBaselineFirstYear, DefaultBaselineLastYear
	}
	if lastYear < firstYear || firstYear <= 0 {
		return nil, fmt.Errorf("land climatology: years %d-%d", firstYear, lastYear)
	}
	if g.Cells() == 0 || a == nil {
		return nil, fmt.Errorf("land climatology %d-%d: no grid or no cubes", firstYear, lastYear)
	}
	return &Climatology{grid: g, firstYear: firstYear, lastYear: lastYear, src: cubeFields(a.Cube),
		mean: map[climKey][]float32{}, sd: map[climKey][]float32{}}, nil
}

// Grid is the grid of the climatology.
func (cl *Climatology) Grid() grid.Grid { return cl.grid }

// Years returns the baseline years.
func (cl *Climatology) Years() (first, last int) { return cl.firstYear, cl.lastYear }

// Mean returns the per-cell mean of field name (a driver, fire_c or
// nbp/<MODEL>) for
// calendar month mo (1..12) over the baseline years, NaN where no year
// has a value. The slice is shared: do not modify it.
func (cl *Climatology) Mean(name string, mo int) ([]float32, error) {
	if mo < 1 || mo > 12 {
		return nil, fmt.Errorf("land climatology: calendar month %d", mo)
	}
	mean, _, err := cl.entry(name, mo)
	return mean, err
}

// SD returns the per-cell interannual sample standard deviation of field
// name for calendar month mo over the baseline years (NaN with fewer than
// two years); kept for temperature only.
func (cl *Climatology) SD(name string, mo int) ([]float32, error) {
	if !sdFields[name] {
		return nil, fmt.Errorf("land climatology: no standard deviation of %q (only of t2m)", name)
	}
	if mo < 1 || mo > 12 {
		return nil, fmt.Errorf("land climatology: calendar month %d", mo)
	}
	_, sd, err := cl.entry(name, mo)
	return sd, err
}

// AnnualMean returns the mean of the twelve calendar-month means of name.
func (cl *Climatology) AnnualMean(name string) ([]float32, error) {
	key := climKey{name, 0}
	cl.mu.Lock()
	v, ok := cl.mean[key]
	cl.mu.Unlock()
	if ok {
		return v, nil
	}
	sum := make([]float64, cl.grid.Cells())
	for mo := 1; mo <= 12; mo++ {
		m, err := cl.Mean(name, mo)
		if err != nil {
			return nil, err
		}
		for i, x := range m {
			sum[i] += float64(x) // NaN stays NaN
		}
	}
	v = make([]float32, len(sum))
	for i, s := range sum {
		v[i] = float32(s / 12)
	}
	cl.mu.Lock()
	cl.mean[key] = v
	cl.mu.Unlock()
	return v, nil
}

// Fill computes every calendar month of the named fields (nil: the
// drivers and fire_c), for Save or before a timed run.
func (cl *Climatology) Fill(ctx context.Context, names ...string) error {
	if names == nil {
		names = append(append([]string(nil), Drivers...), fieldFire)
	}
	for _, name := range names {
		for mo := 1; mo <= 12; mo++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			if _, _, err := cl.entry(name, mo); err != nil {
				return err
			}
		}
	}
	return nil
}

// entry returns the mean and SD (nil unless kept) of name for month mo,
// computing them when needed. Two goroutines asking for the same new entry
// may both compute it; the results are identical.
func (cl *Climatology) entry(name string, mo int) (mean, sd []float32, err error) {
	key := climKey{name, mo}
	cl.mu.Lock()
	mean, ok := cl.mean[key]
	sd = cl.sd[key]
	cl.mu.Unlock()
	if ok {
		return mean, sd, nil
	}
	if cl.src == nil {
		return nil, nil, fmt.Errorf("land climatology %d-%d: %q for calendar month %d is not in the saved climatology", cl.firstYear, cl.lastYear, name, mo)
	}
	mean, sd, err = cl.compute(name, mo)
	if err != nil {
		return nil, nil, err
	}
	cl.mu.Lock()
	cl.mean[key] = mean
	if sd != nil {
		cl.sd[key] = sd
	}
	cl.mu.Unlock()
	return mean, sd, nil
}

// compute reads field name of calendar month mo in every baseline year and
// returns its per-cell mean and (for sdFields) sample standard deviation,
// with Welford's update so a large mean does not swamp the variance.
func (cl *Climatology) compute(name string, mo int) (mean, sd []float32, err error) {
	units, ok := climUnits(name)
	if !ok {
		return nil, nil, fmt.Errorf("land climatology: %q is not a driver, fire_c or a DGVM's NBP", name)
	}
	n := cl.grid.Cells()
	count := make([]int32, n)
	mu, m2 := make([]float64, n), make([]float64, n)
	for y := cl.firstYear; y <= cl.lastYear; y++ {
		m := grid.Month{Year: y, Month: monthOf(mo)}
		f, err := emulator.CheckedField(cl.src, m, name, units, cl.grid)
		if err != nil {
			return nil, nil, fmt.Errorf("land climatology %d-%d: %w", cl.firstYear, cl.lastYear, err)
		}
		for i, v := range f.Values {
			if v != v {
				continue
			}
			count[i]++
			d := float64(v) - mu[i]
			mu[i] += d / float64(count[i])
			m2[i] += d * (float64(v) - mu[i])
		}
	}
	mean = make([]float32, n)
	if sdFields[name] {
		sd = make([]float32, n)
	}
	nan := float32(math.NaN())
	for i := range mean {
		mean[i] = nan
		if count[i] > 0 {
			mean[i] = float32(mu[i])
		}
		if sd != nil {
			sd[i] = nan
			if count[i] > 1 {
				sd[i] = float32(math.Sqrt(m2[i] / float64(count[i]-1)))
			}
		}
	}
	return mean, sd, nil
}

// climUnits are the units of a field the climatology can hold: a driver,
// fire_c or a DGVM's NBP.
func climUnits(name string) (string, bool) {
	if strings.HasPrefix(name, nbpPrefix) {
		return emulator.FluxUnits, true
	}
	u, ok := driverUnits[name]
	return u, ok
}

// savedClimatology is the gob form of a climatology.
type savedClimatology struct {
	Grid                grid.Grid
	FirstYear, LastYear int
	Mean, SD            map[string][][]float32 // name -> calendar month 1..12 (index 0 unused) -> cells
}

// Save writes every computed entry to path (atomically). Call Fill first to
// save complete fields.
func (cl *Climatology) Save(path string) error {
	s := savedClimatology{Grid: cl.grid, FirstYear: cl.firstYear, LastYear: cl.lastYear,
		Mean: map[string][][]float32{}, SD: map[string][][]float32{}}
	put := func(dst map[string][][]float32, src map[climKey][]float32) {
		for k, v := range src {
			if k.mo == 0 {
				continue // annual means are recomputed from the months
			}
			if dst[k.name] == nil {
				dst[k.name] = make([][]float32, 13)
			}
			dst[k.name][k.mo] = v
		}
	}
	cl.mu.Lock()
	put(s.Mean, cl.mean)
	put(s.SD, cl.sd)
	cl.mu.Unlock()
	return durable.WriteFile(path, func(w io.Writer) error { return gob.NewEncoder(w).Encode(&s) })
}

// LoadClimatology reads a climatology written by Save.
func LoadClimatology(path string) (*Climatology, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load land climatology: %w", err)
	}
	defer f.Close()
	var s savedClimatology
	if err := gob.NewDecoder(f).Decode(&s); err != nil {
		return nil, fmt.Errorf("load land climatology %s: %w", path, err)
	}
	cl := &Climatology{grid: s.Grid, firstYear: s.FirstYear, lastYear: s.LastYear,
		mean: map[climKey][]float32{}, sd: map[climKey][]float32{}}
	get := func(dst map[climKey][]float32, src map[string][][]float32) error {
		for name, months := range src {
			for mo, v := range months {
				if v == nil {
					continue
				}
				if mo < 1 || mo > 12 || len(v) != s.Grid.Cells() {
					return fmt.Errorf("%q calendar month %d: %d values on %v", name, mo, len(v), s.Grid)
				}
				dst[climKey{name, mo}] = v
			}
		}
		return nil
	}
	if err := errors.Join(get(cl.mean, s.Mean), get(cl.sd, s.SD)); err != nil {
		return nil, fmt.Errorf("load land climatology %s: %w", path, err)
	}
	if s.Grid.Cells() == 0 || s.LastYear < s.FirstYear {
		return nil, fmt.Errorf("load land climatology %s: grid %v, years %d-%d", path, s.Grid, s.FirstYear, s.LastYear)
	}
	return cl, nil
}
