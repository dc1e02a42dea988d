package cube

import (
	"bufio"
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/carbonbudget/carbonbudget/internal/durable"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Store keeps cubes under Dir as <Dir>/cubes/YYYY-MM/<key>/{fields.bin,
// cube.json}, with <Dir>/cubes/YYYY-MM/latest naming the newest key. A
// cube directory is written under a temporary name and renamed into place,
// so a crash never leaves a half-written cube that a later run would trust.
//
// fields.bin holds the fields in the sidecar's order, each as a block of
// raw little-endian float32s, one per cell: a cube that has left memory
// reads back at the speed of a copy from the page cache (a 0.25° cube in
// tens of milliseconds; as Parquet it took a quarter of a second to
// decode), and the page cache, unlike the process, does not count against
// the run's memory.
//
// The latest cube of each month is kept in memory once loaded or saved,
// least recently used first out once they exceed MaxBytes: training reads
// every past month many times, but at 0.25° a cube is about 100 MB and
// holding all of three years took 12 GB.
type Store struct {
	Dir string
	// MaxBytes bounds the field values kept in memory (0: DefaultMaxBytes).
	MaxBytes int64

	mu    sync.Mutex
	cache map[grid.Month]*list.Element // of *Cube, most recently used at the front
	lru   list.List
	bytes int64
	// sidecars keeps every parsed cube.json (a few hundred kB each, most
	// of it the month's Carbon Monitor records) by directory: parsing
	// them again each time a cube is read back from disk cost 28 s of the
	// 1° demo's training. A directory's content never changes under its
	// key.
	sidecars map[string]*sidecar
}

// DefaultMaxBytes is 512 MiB: about 65 cubes at 1° or 4 at 0.25° (a
// month's update reads four). Training reads every month many times over,
// and a cube that has left memory reads back from fields.bin at the speed
// of a copy from the page cache, which does not count against the run's
// memory: training 25 years at 1° took 92 s with 2 GiB of cubes in memory
// (peak 3.6 GB) and 145 s with 512 MiB under a 1.75 GiB soft limit (peak
// 1.9 GiB), on 2 cores at load 2.8. (As Parquet, a smaller cache had made
// the demo nearly twice as slow.)
const DefaultMaxBytes = 512 << 20

// NewStore returns a store rooted at dir.
func NewStore(dir string) *Store { return &Store{Dir: dir, cache: map[grid.Month]*list.Element{}} }

// sidecar is the JSON part of a stored cube.
type sidecar struct {
	Month        string                `json:"month"`
	Grid         grid.Grid             `json:"grid"`
	Key          string                `json:"key"`
	XCO2PPM      float64               `json:"xco2_ppm"`
	XCO2TrendPPM float64               `json:"xco2_trend_ppm"`
	Missing      []string              `json:"missing"`
	Catalogue    []Entry               `json:"catalogue"`
	CO2          CO2Record             `json:"co2"`
	Fossil       []ingest.FossilRecord `json:"fossil"`
	ELUC         *ingest.MonthValue    `json:"eluc,omitempty"`
	SCement      *ingest.MonthValue    `json:"s_cement,omitempty"`
	NOAAGrowth   *GrowthYear           `json:"noaa_growth,omitempty"`
	Fields       []fieldMeta           `json:"fields"`
}

type fieldMeta struct {
	Name  string `json:"name"`
	Units string `json:"units"`
}

func (s *Store) monthDir(m grid.Month) string { return filepath.Join(s.Dir, "cubes", m.String()) }

// Has reports whether a cube with key is stored for m.
func (s *Store) Has(m grid.Month, key string) bool {
	if _, ok := s.cached(m, key, true); ok {
		return true
	}
	_, err := os.Stat(filepath.Join(s.monthDir(m), key, "cube.json"))
	return err == nil
}

// Save stores c under its Key and makes it the month's latest cube.
func (s *Store) Save(c *Cube) error {
	if c.Key == "" {
		return fmt.Errorf("save cube %s: no key", c.Month)
	}
	dir := s.monthDir(c.Month)
	// Same key means same content: a stale copy is replaced whole.
	if err := durable.WriteDir(filepath.Join(dir, c.Key), func(tmp string) error { return writeCube(tmp, c) }); err != nil {
		return fmt.Errorf("save cube %s: %w", c.Month, err)
	}
	if err := durable.WriteFile(filepath.Join(dir, "latest"), func(w io.Writer) error {
		_, err := io.WriteString(w, c.Key+"\n")
		return err
	}); err != nil {
		return err
	}
	s.remember(c)
	return nil
}

func writeCube(dir string, c *Cube) error {
	sc := sidecar{Month: c.Month.String(), Grid: c.Grid, Key: c.Key, XCO2PPM: c.XCO2PPM, XCO2TrendPPM: c.XCO2TrendPPM,
		Missing: c.Missing, Catalogue: c.Catalogue, CO2: c.CO2, Fossil: c.Fossil, ELUC: c.ELUC, SCement: c.SCement, NOAAGrowth: c.NOAAGrowth}
	names := c.FieldNames()
	for _, name := range names {
		f := c.Fields[name]
		if len(f.Values) != c.Grid.Cells() {
			return fmt.Errorf("field %q has %d values on a grid of %d cells", name, len(f.Values), c.Grid.Cells())
		}
		sc.Fields = append(sc.Fields, fieldMeta{name, f.Units})
	}
	if err := durable.WriteFile(filepath.Join(dir, fieldsFile), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		for _, name := range names {
			if err := grid.WriteFloat32s(bw, c.Fields[name].Values); err != nil {
				return err
			}
		}
		return bw.Flush()
	}); err != nil {
		return err
	}
	return durable.WriteFile(filepath.Join(dir, "cube.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(sc)
	})
}

// fieldsFile holds a stored cube's field values.
const fieldsFile = "fields.bin"

// ErrNoCube means no cube is stored for a month.
var ErrNoCube = errors.New("no cube stored")

// Load returns the cube stored for m under key (an empty key means the
// month's latest), from memory when it was loaded or saved before, and
// keeps it in memory.
func (s *Store) Load(ctx context.Context, m grid.Month, key string) (*Cube, error) {
	if c, ok := s.cached(m, key, false); ok && key != "" {
		return c, nil
	}
	dir := s.monthDir(m)
	if key == "" {
		b, err := os.ReadFile(filepath.Join(dir, "latest"))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cube %s in %s: %w", m, s.Dir, ErrNoCube)
		}
		if err != nil {
			return nil, fmt.Errorf("cube %s: %w", m, err)
		}
		key = strings.TrimSpace(string(b))
	}
	c, err := s.readCube(ctx, filepath.Join(dir, key), m)
	if err == nil {
		s.remember(c)
	}
	return c, err
}

// Open returns the cube stored for m under key as Load does, but reads
// each field only when the cube's Field asks for it (a cube in memory,
// whole or partial, is returned as it is). Training reads every past
// month once per member, and a member needs 9 or 10 of a 1° cube's 24
// fields: reading whole cubes back cost a sixth of the 1° demo's
// training. Read a partial cube's fields through Field and FieldNames,
// never the Fields map, which holds only those read so far.
func (s *Store) Open(ctx context.Context, m grid.Month, key string) (*Cube, error) {
	if key == "" {
		return nil, fmt.Errorf("open cube %s: no key", m)
	}
	if c, ok := s.cached(m, key, true); ok {
		return c, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cube %s: %w", m, err)
	}
	sc, path, err := s.stored(filepath.Join(s.monthDir(m), key), m)
	if err != nil {
		return nil, err
	}
	c := fromSidecar(sc, m)
	c.partial = &partialFields{store: s, path: path, meta: sc.Fields}
	s.remember(c)
	return c, nil
}

// partialFields reads the fields of a cube opened by Store.Open.
type partialFields struct {
	store *Store
	path  string
	meta  []fieldMeta // in fields.bin's order
	mu    sync.Mutex  // guards the cube's Fields map
	bytes int64       // of the fields read; guarded by store.mu
}

func (p *partialFields) names() []string {
	names := make([]string, len(p.meta))
	for i, fm := range p.meta {
		names[i] = fm.Name
	}
	return names // the sidecar lists them sorted, as writeCube wrote them
}

// field returns c's field name, reading it from fields.bin the first time.
func (p *partialFields) field(c *Cube, name string) (*grid.Field, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f, ok := c.Fields[name]; ok {
		return f, nil
	}
	i := slices.IndexFunc(p.meta, func(fm fieldMeta) bool { return fm.Name == name })
	if i < 0 {
		return nil, fmt.Errorf("cube %s: no field %q (have %s)", c.Month, name, strings.Join(p.names(), ", "))
	}
	file, err := os.Open(p.path)
	if err != nil {
		return nil, fmt.Errorf("cube %s: %w", c.Month, err)
	}
	defer file.Close()
	n := c.Grid.Cells()
	v := make([]float32, n)
	if err := grid.ReadFloat32s(file, int64(i)*int64(n)*4, v); err != nil {
		return nil, fmt.Errorf("cube %s: field %q: %w", c.Month, name, err)
	}
	f := &grid.Field{Name: name, Units: p.meta[i].Units, Grid: c.Grid, Values: v}
	c.Fields[name] = f
	p.store.grew(c, int64(n)*4)
	return f, nil
}

// FieldNames lists the fields of the cube stored for m under key, from
// its sidecar alone: asking whether a month has a model's output need not
// read a million cells of every field.
func (s *Store) FieldNames(m grid.Month, key string) ([]string, error) {
	if c, ok := s.cached(m, key, true); ok {
		return c.FieldNames(), nil
	}
	sc, err := s.readSidecar(filepath.Join(s.monthDir(m), key), m)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(sc.Fields))
	for i, f := range sc.Fields {
		names[i] = f.Name
	}
	return names, nil
}

// readSidecar returns the parsed cube.json of dir, from memory after the
// first time. Callers must not modify it.
func (s *Store) readSidecar(dir string, m grid.Month) (*sidecar, error) {
	s.mu.Lock()
	sc, ok := s.sidecars[dir]
	s.mu.Unlock()
	if ok {
		return sc, nil
	}
	sc, err := parseSidecar(dir, m)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.sidecars == nil {
		s.sidecars = map[string]*sidecar{}
	}
	s.sidecars[dir] = sc
	s.mu.Unlock()
	return sc, nil
}

func parseSidecar(dir string, m grid.Month) (*sidecar, error) {
	b, err := os.ReadFile(filepath.Join(dir, "cube.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("cube %s in %s: %w", m, dir, ErrNoCube)
	}
	if err != nil {
		return nil, fmt.Errorf("cube %s: %w", m, err)
	}
	var sc sidecar
	if err := json.Unmarshal(b, &sc); err != nil {
		return nil, fmt.Errorf("cube %s: %s: %w", m, filepath.Join(dir, "cube.json"), err)
	}
	return &sc, nil
}

// stored is the sidecar of the cube stored in dir and the path of its
// fields, checked to hold every field the sidecar lists.
func (s *Store) stored(dir string, m grid.Month) (*sidecar, string, error) {
	sc, err := s.readSidecar(dir, m)
	if err != nil {
		return nil, "", err
	}
	path := filepath.Join(dir, fieldsFile)
	st, err := os.Stat(path)
	if err != nil {
		return nil, "", fmt.Errorf("cube %s: %w", m, err)
	}
	if st.Size() != int64(len(sc.Fields))*int64(sc.Grid.Cells())*4 {
		return nil, "", fmt.Errorf("cube %s: %s is not %d fields of %d cells (truncated?)", m, path, len(sc.Fields), sc.Grid.Cells())
	}
	return sc, path, nil
}

func (s *Store) readCube(ctx context.Context, dir string, m grid.Month) (*Cube, error) {
	sc, path, err := s.stored(dir, m)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cube %s: %w", m, err)
	}
	defer f.Close()
	n := sc.Grid.Cells()
	c := fromSidecar(sc, m)
	for i, fm := range sc.Fields {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("cube %s: %w", m, err)
		}
		v := make([]float32, n)
		if err := grid.ReadFloat32s(f, int64(i)*int64(n)*4, v); err != nil {
			return nil, fmt.Errorf("cube %s: field %q: %w", m, fm.Name, err)
		}
		c.Fields[fm.Name] = &grid.Field{Name: fm.Name, Units: fm.Units, Grid: sc.Grid, Values: v}
	}
	return c, nil
}

// fromSidecar is the cube sc describes, without its fields.
func fromSidecar(sc *sidecar, m grid.Month) *Cube {
	return &Cube{Month: m, Grid: sc.Grid, Key: sc.Key, XCO2PPM: sc.XCO2PPM, XCO2TrendPPM: sc.XCO2TrendPPM,
		Missing: sc.Missing, Catalogue: sc.Catalogue, CO2: sc.CO2, Fossil: sc.Fossil, ELUC: sc.ELUC, SCement: sc.SCement, NOAAGrowth: sc.NOAAGrowth,
		Fields: map[string]*grid.Field{}}
}

// cached returns the in-memory cube of m when it was built from key; a
// partial cube (Open's) only when partialOK.
func (s *Store) cached(m grid.Month, key string, partialOK bool) (*Cube, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.cache[m]
	if !ok {
		return nil, false
	}
	c := e.Value.(*Cube)
	if c.Key != key || (c.partial != nil && !partialOK) {
		return c, false
	}
	s.lru.MoveToFront(e)
	return c, true
}

// remember keeps c in memory as the latest cube of its month, then lets
// the least recently used cubes go until the store is within MaxBytes
// (c itself always stays).
func (s *Store) remember(c *Cube) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.cache[c.Month]; ok {
		s.bytes -= cubeBytes(e.Value.(*Cube))
		s.lru.Remove(e)
	}
	s.cache[c.Month] = s.lru.PushFront(c)
	s.bytes += cubeBytes(c)
	s.evict()
}

// grew counts n more bytes read into the partial cube c, when the store
// keeps it, and lets others go to stay within MaxBytes.
func (s *Store) grew(c *Cube, n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.partial.bytes += n
	if e, ok := s.cache[c.Month]; ok && e.Value.(*Cube) == c {
		s.bytes += n
		s.lru.MoveToFront(e)
		s.evict()
	}
}

// evict lets the least recently used cubes go until the store is within
// MaxBytes, keeping the most recent one. s.mu must be held.
func (s *Store) evict() {
	limit := s.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	for s.bytes > limit && s.lru.Len() > 1 {
		old := s.lru.Back()
		oc := old.Value.(*Cube)
		s.lru.Remove(old)
		delete(s.cache, oc.Month)
		s.bytes -= cubeBytes(oc)
	}
}

// cubeBytes is the memory of c's field values (of a partial cube, those
// read so far). s.mu must be held.
func cubeBytes(c *Cube) int64 {
	if c.partial != nil {
		return c.partial.bytes
	}
	var n int64
	for _, f := range c.Fields {
		n += int64(len(f.Values)) * 4
	}
	return n
}
