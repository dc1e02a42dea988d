package cube

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/carbonbudget/carbonbudget/internal/durable"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// Store keeps cubes under Dir as <Dir>/cubes/YYYY-MM/<key>/{fields.parquet,
// cube.json}, with <Dir>/cubes/YYYY-MM/latest naming the newest key. A
// cube directory is written under a temporary name and renamed into place,
// so a crash never leaves a half-written cube that a later run would trust.
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
}

// DefaultMaxBytes is 2 GiB: it holds every cube of 25 years at 1°, so the
// 1° demo trains without reading a cube twice, and about 20 months at
// 0.25°, where a cube that left memory reads back in about 0.2 s. It does
// not shrink with a lower memory limit: with GOMEMLIMIT=2GiB and a cache of
// two thirds of it, the demo took 290 s instead of 162 s and peaked no lower
// (2.7 GB either way); with 512 MiB, 268 s.
const DefaultMaxBytes = 2 << 30

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
	if _, ok := s.cached(m, key); ok {
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
	gm := output.GridMonth{Grid: c.Grid, Month: c.Month}
	for _, name := range c.FieldNames() {
		f := c.Fields[name]
		sc.Fields = append(sc.Fields, fieldMeta{name, f.Units})
		gm.Columns = append(gm.Columns, output.Column{Name: columnName(name), Units: f.Units, Values: f.Values})
	}
	if err := output.WriteGrid(filepath.Join(dir, "fields.parquet"), gm); err != nil {
		return err
	}
	return durable.WriteFile(filepath.Join(dir, "cube.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(sc)
	})
}

// columnName maps a field name to a Parquet column name: model fields such
// as "nbp/LPJ" become "nbp__LPJ", because a slash reads as a path in some
// tools.
func columnName(field string) string { return strings.ReplaceAll(field, "/", "__") }

// ErrNoCube means no cube is stored for a month.
var ErrNoCube = errors.New("no cube stored")

// Load returns the cube stored for m under key (an empty key means the
// month's latest), from memory when it was loaded or saved before, and
// keeps it in memory.
func (s *Store) Load(ctx context.Context, m grid.Month, key string) (*Cube, error) {
	if c, ok := s.cached(m, key); ok && key != "" {
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
	c, err := readCube(ctx, filepath.Join(dir, key), m)
	if err == nil {
		s.remember(c)
	}
	return c, err
}

func readCube(ctx context.Context, dir string, m grid.Month) (*Cube, error) {
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
	gf, err := output.ReadGrid(ctx, filepath.Join(dir, "fields.parquet"))
	if err != nil {
		return nil, fmt.Errorf("cube %s: %w", m, err)
	}
	c := &Cube{Month: m, Grid: sc.Grid, Key: sc.Key, XCO2PPM: sc.XCO2PPM, XCO2TrendPPM: sc.XCO2TrendPPM,
		Missing: sc.Missing, Catalogue: sc.Catalogue, CO2: sc.CO2, Fossil: sc.Fossil, ELUC: sc.ELUC, SCement: sc.SCement, NOAAGrowth: sc.NOAAGrowth,
		Fields: map[string]*grid.Field{}}
	for _, fm := range sc.Fields {
		v, ok := gf.Columns[columnName(fm.Name)]
		if !ok || len(v) != sc.Grid.Cells() {
			return nil, fmt.Errorf("cube %s: field %q missing or short in %s", m, fm.Name, dir)
		}
		c.Fields[fm.Name] = &grid.Field{Name: fm.Name, Units: fm.Units, Grid: sc.Grid, Values: v}
	}
	return c, nil
}

// cached returns the in-memory cube of m when it was built from key.
func (s *Store) cached(m grid.Month, key string) (*Cube, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.cache[m]
	if !ok {
		return nil, false
	}
	c := e.Value.(*Cube)
	if c.Key != key {
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

// cubeBytes is the memory of c's field values.
func cubeBytes(c *Cube) int64 {
	var n int64
	for _, f := range c.Fields {
		n += int64(len(f.Values)) * 4
	}
	return n
}
