package land

import (
	"bufio"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
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
// one loaded with LoadClimatology reads a saved entry from its file the
// first time it is asked for. It is safe for concurrent use.
type Climatology struct {
	grid                grid.Grid
	firstYear, lastYear int
	src                 emulator.Cubes // nil when loaded
	// file and blocks locate the saved entries of a loaded climatology:
	// the offsets of each entry's mean and SD (-1: none) in file.
	file   string
	blocks map[climKey][2]int64

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
	if cl.hasBlock(key) {
		v, _, err := cl.readSaved(key)
		if err != nil {
			return nil, err
		}
		cl.mu.Lock()
		cl.mean[key] = v
		cl.mu.Unlock()
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
	switch {
	case cl.hasBlock(key):
		mean, sd, err = cl.readSaved(key)
	case cl.src == nil:
		return nil, nil, fmt.Errorf("land climatology %d-%d: %q for calendar month %d is not in the saved climatology", cl.firstYear, cl.lastYear, name, mo)
	default:
		mean, sd, err = cl.compute(name, mo)
	}
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

// The climatology file (ClimatologyFile) is an 8-byte magic, the length
// of a JSON header as a little-endian uint64, the header, then one block
// of grid.Cells() little-endian float32 values per header entry, in its
// order. Loading reads the header only; a run then reads the few blocks of
// its calendar months (at 0.25° the whole file is about 500 MB, and
// decoding it all took 10 of a month's 27 seconds).
const climMagic = "CBCLIM\x00\x01"

type climHeader struct {
	Grid      grid.Grid   `json:"grid"`
	FirstYear int         `json:"first_year"`
	LastYear  int         `json:"last_year"`
	Entries   []climEntry `json:"entries"`
}

type climEntry struct {
	Name string `json:"name"`
	// Month is the calendar month, or 0 for the mean of the twelve (saved
	// so that an update does not read twelve blocks to rebuild it).
	Month int  `json:"month"`
	SD    bool `json:"sd,omitempty"` // the standard deviation, not the mean
}

// Save writes every computed calendar-month entry to path (atomically).
// Call Fill first to save complete fields.
func (cl *Climatology) Save(path string) error {
	h := climHeader{Grid: cl.grid, FirstYear: cl.firstYear, LastYear: cl.lastYear}
	cl.mu.Lock()
	complete := map[string]int{}
	for k := range cl.mean {
		if k.mo != 0 {
			complete[k.name]++
		}
	}
	cl.mu.Unlock()
	for name, n := range complete {
		if n == 12 {
			if _, err := cl.AnnualMean(name); err != nil {
				return fmt.Errorf("save land climatology: %w", err)
			}
		}
	}
	var blocks [][]float32
	cl.mu.Lock()
	for _, tab := range []struct {
		m  map[climKey][]float32
		sd bool
	}{{cl.mean, false}, {cl.sd, true}} {
		for k, v := range tab.m {
			h.Entries = append(h.Entries, climEntry{k.name, k.mo, tab.sd})
			blocks = append(blocks, v)
		}
	}
	cl.mu.Unlock()
	// The same entries give the same bytes whatever the map order.
	idx := make([]int, len(h.Entries))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		ea, eb := h.Entries[a], h.Entries[b]
		return cmp.Or(cmp.Compare(ea.Name, eb.Name), cmp.Compare(ea.Month, eb.Month), boolCmp(ea.SD, eb.SD))
	})
	sorted := make([]climEntry, len(idx))
	for i, j := range idx {
		sorted[i] = h.Entries[j]
	}
	h.Entries = sorted
	head, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("save land climatology: %w", err)
	}
	return durable.WriteFile(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		bw.WriteString(climMagic)
		binary.Write(bw, binary.LittleEndian, uint64(len(head)))
		bw.Write(head)
		for _, j := range idx {
			if err := grid.WriteFloat32s(bw, blocks[j]); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// LoadClimatology opens a climatology written by Save: it reads and checks
// the header and the file's size; the blocks are read when first asked
// for. A climatology saved by an earlier carbonbudget (gob) is an
// emulator.ErrOldManifest: the members are retrained.
func LoadClimatology(path string) (*Climatology, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load land climatology: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("load land climatology %s: %w", path, err)
	}
	pre := make([]byte, len(climMagic)+8)
	if _, err := io.ReadFull(f, pre); err != nil || string(pre[:len(climMagic)]) != climMagic {
		return nil, fmt.Errorf("load land climatology %s: not a carbonbudget climatology file: %w", path, emulator.ErrOldManifest)
	}
	n := binary.LittleEndian.Uint64(pre[len(climMagic):])
	if n > 64<<20 || int64(n) > st.Size() {
		return nil, fmt.Errorf("load land climatology %s: header of %d bytes", path, n)
	}
	head := make([]byte, n)
	if _, err := io.ReadFull(f, head); err != nil {
		return nil, fmt.Errorf("load land climatology %s: header: %w", path, err)
	}
	var h climHeader
	if err := json.Unmarshal(head, &h); err != nil {
		return nil, fmt.Errorf("load land climatology %s: header: %w", path, err)
	}
	if h.Grid.Cells() == 0 || h.LastYear < h.FirstYear {
		return nil, fmt.Errorf("load land climatology %s: grid %v, years %d-%d", path, h.Grid, h.FirstYear, h.LastYear)
	}
	start := int64(len(pre)) + int64(n)
	block := int64(h.Grid.Cells()) * 4
	if want := start + int64(len(h.Entries))*block; st.Size() != want {
		return nil, fmt.Errorf("load land climatology %s: %d bytes, want %d for %d fields on %v (truncated?)", path, st.Size(), want, len(h.Entries), h.Grid)
	}
	cl := &Climatology{grid: h.Grid, firstYear: h.FirstYear, lastYear: h.LastYear, file: path,
		blocks: map[climKey][2]int64{}, mean: map[climKey][]float32{}, sd: map[climKey][]float32{}}
	for i, e := range h.Entries {
		if e.Month < 0 || e.Month > 12 || e.Month == 0 && e.SD {
			return nil, fmt.Errorf("load land climatology %s: %q calendar month %d", path, e.Name, e.Month)
		}
		k := climKey{e.Name, e.Month}
		off := cl.blocks[k]
		if !cl.hasBlock(k) {
			off = [2]int64{-1, -1}
		}
		side := 0
		if e.SD {
			side = 1
		}
		off[side] = start + int64(i)*block
		cl.blocks[k] = off
	}
	return cl, nil
}

func (cl *Climatology) hasBlock(k climKey) bool {
	_, ok := cl.blocks[k]
	return ok
}

// readSaved reads the mean and SD (nil when not saved) of k from the file.
func (cl *Climatology) readSaved(k climKey) (mean, sd []float32, err error) {
	off := cl.blocks[k]
	if off[0] < 0 {
		return nil, nil, fmt.Errorf("land climatology %s: no mean of %q for calendar month %d", cl.file, k.name, k.mo)
	}
	f, err := os.Open(cl.file)
	if err != nil {
		return nil, nil, fmt.Errorf("land climatology: %w", err)
	}
	defer f.Close()
	read := func(at int64) ([]float32, error) {
		v := make([]float32, cl.grid.Cells())
		if err := grid.ReadFloat32s(f, at, v); err != nil {
			return nil, fmt.Errorf("land climatology %s: %q calendar month %d: %w", cl.file, k.name, k.mo, err)
		}
		return v, nil
	}
	if mean, err = read(off[0]); err != nil {
		return nil, nil, err
	}
	if off[1] >= 0 {
		if sd, err = read(off[1]); err != nil {
			return nil, nil, err
		}
	}
	return mean, sd, nil
}
