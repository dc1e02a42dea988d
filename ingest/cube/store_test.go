package cube

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func testCube(m grid.Month) *Cube {
	g := grid.MustNew(2)
	c := &Cube{Month: m, Grid: g, Fields: map[string]*grid.Field{}, XCO2PPM: 419.3, XCO2TrendPPM: 418.9,
		Missing: []string{"socat"}, Key: "abc123",
		Fossil:    []ingest.FossilRecord{{Country: "China", Date: m.Start(), Sector: "Power", MtCO2PerDay: 14.2}},
		Catalogue: []Entry{{Source: "era5", Path: "/in/era5.nc", Size: 10, SHA256: "ff", Status: "ok"}},
		CO2: CO2Record{Vintage: "Fri Dec  5 2025", Months: []CO2Month{
			{Month: m.Add(-1), MeanPPM: 419.1, TrendPPM: 418.8}, {Month: m, MeanPPM: 419.3, TrendPPM: 418.9}}},
		ELUC:    &ingest.MonthValue{GtC: 0.0931, SigmaGtC: 0.0575, FromYear: 2022, Projected: true},
		SCement: &ingest.MonthValue{GtC: 0.0184, SigmaGtC: 0.0037, FromYear: 2023}}
	for _, name := range []string{"sst", "nbp/LPJ"} {
		f := grid.NewField(g, name, "degC")
		for i := range f.Values {
			if i%5 != 0 {
				f.Values[i] = float32(i) * 0.5
			}
		}
		c.Fields[name] = f
	}
	return c
}

func TestStoreRoundTrip(t *testing.T) {
	s := NewStore(t.TempDir())
	m := grid.Month{Year: 2023, Month: 6}
	if _, err := s.Load(context.Background(), m, ""); !errors.Is(err, ErrNoCube) {
		t.Fatalf("empty store: err = %v, want ErrNoCube", err)
	}
	c := testCube(m)
	if err := s.Save(c); err != nil {
		t.Fatal(err)
	}
	if !s.Has(m, "abc123") || s.Has(m, "other") {
		t.Error("Has does not reflect the stored key")
	}
	got, err := NewStore(s.Dir).Load(context.Background(), m, "") // a fresh store: no in-memory cache
	if err != nil {
		t.Fatal(err)
	}
	if got.XCO2PPM != 419.3 || got.Key != "abc123" || len(got.Missing) != 1 || !got.Provisional() {
		t.Errorf("scalars lost: %+v", got)
	}
	if !reflect.DeepEqual(got.CO2, c.CO2) || !reflect.DeepEqual(got.ELUC, c.ELUC) || !reflect.DeepEqual(got.SCement, c.SCement) {
		t.Errorf("CO2 record, E_LUC or S_CEMENT lost: %+v %+v %+v, want %+v %+v %+v", got.CO2, got.ELUC, got.SCement, c.CO2, c.ELUC, c.SCement)
	}
	if len(got.Fossil) != 1 || !got.Fossil[0].Date.Equal(time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("fossil records lost: %+v", got.Fossil)
	}
	for name, f := range c.Fields {
		g, err := got.Field(name)
		if err != nil {
			t.Fatal(err)
		}
		for i := range f.Values {
			a, b := f.Values[i], g.Values[i]
			if a != b && !(math.IsNaN(float64(a)) && math.IsNaN(float64(b))) {
				t.Fatalf("%s[%d]: saved %g, loaded %g", name, i, a, b)
			}
		}
	}
	if ms := got.Models("nbp/"); len(ms) != 1 || ms[0] != "LPJ" {
		t.Errorf("Models(nbp/) = %v", ms)
	}
	if _, err := got.Field("chl"); err == nil {
		t.Error("absent field gave no error")
	}
	left, _ := filepath.Glob(filepath.Join(s.Dir, "cubes", "2023-06", ".*tmp*"))
	if len(left) != 0 {
		t.Errorf("temporary directories left: %v", left)
	}
}

// TestInputsDocMatchesCanonical: docs/inputs.md lists every canonical
// field with the bounds the builder enforces.
func TestInputsDocMatchesCanonical(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "inputs.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, v := range Canonical {
		row := fmt.Sprintf("| `%s` | %s | %g | %g |", v.Name, v.Units, v.Min, v.Max)
		if !strings.Contains(doc, row) {
			t.Errorf("docs/inputs.md lacks the row %q", row)
		}
	}
}

// TestStoreMemoryBounded: past MaxBytes the least recently used cubes leave
// memory (a fresh load from disk returns a new value), the recently used
// stay (the same pointer comes back), and an evicted cube loads whole.
func TestStoreMemoryBounded(t *testing.T) {
	ctx := context.Background()
	s := NewStore(t.TempDir())
	one := cubeBytes(testCube(grid.Month{Year: 2023, Month: 1}))
	s.MaxBytes = 3 * one // three cubes
	var saved []*Cube
	for mo := 1; mo <= 5; mo++ {
		c := testCube(grid.Month{Year: 2023, Month: time.Month(mo)})
		if err := s.Save(c); err != nil {
			t.Fatal(err)
		}
		saved = append(saved, c)
	}
	if s.bytes > s.MaxBytes || len(s.cache) != 3 {
		t.Fatalf("after 5 saves: %d cubes, %d bytes in memory; want 3 within %d", len(s.cache), s.bytes, s.MaxBytes)
	}
	// March is used again, so April (not March) goes when June arrives.
	if c, err := s.Load(ctx, grid.Month{Year: 2023, Month: 3}, "abc123"); err != nil || c != saved[2] {
		t.Fatalf("March: %v, same cube %v", err, c == saved[2])
	}
	if err := s.Save(testCube(grid.Month{Year: 2023, Month: 6})); err != nil {
		t.Fatal(err)
	}
	for mo, want := range map[int]bool{1: false, 2: false, 3: true, 4: false, 5: true, 6: true} {
		if _, ok := s.cached(grid.Month{Year: 2023, Month: time.Month(mo)}, "abc123", false); ok != want {
			t.Errorf("month %d in memory: %v, want %v", mo, ok, want)
		}
	}
	c, err := s.Load(ctx, grid.Month{Year: 2023, Month: 1}, "abc123")
	if err != nil {
		t.Fatal(err)
	}
	if c == saved[0] || !reflect.DeepEqual(c.Fields["sst"].Values[1:5], saved[0].Fields["sst"].Values[1:5]) {
		t.Error("an evicted cube did not come back from disk whole")
	}
}

// TestStoreGrowthYear: NOAA's growth rate survives the store, a missing
// uncertainty (NaN, which JSON cannot hold) as NaN, and a cube without
// one loads with nil.
func TestStoreGrowthYear(t *testing.T) {
	for _, g := range []*GrowthYear{
		nil,
		{Year: 2023, PPMPerYear: 2.70, UncPPMPerYear: 0.16, Source: "/in/co2_gr_gl.txt", Vintage: "Fri Dec  5 11:34:08 2025"},
		{Year: 2009, PPMPerYear: 1.59, UncPPMPerYear: math.NaN(), Source: "/in/co2_gr_gl_old.txt"},
	} {
		s := NewStore(t.TempDir())
		m := grid.Month{Year: 2023, Month: 6}
		if g != nil {
			m.Year = g.Year
		}
		c := testCube(m)
		c.NOAAGrowth = g
		if err := s.Save(c); err != nil {
			t.Fatal(err)
		}
		got, err := NewStore(s.Dir).Load(context.Background(), m, "")
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case g == nil && got.NOAAGrowth != nil:
			t.Errorf("saved no growth, loaded %+v", *got.NOAAGrowth)
		case g == nil:
		case got.NOAAGrowth == nil:
			t.Errorf("saved %+v, loaded nil", *g)
		case got.NOAAGrowth.Year != g.Year || got.NOAAGrowth.PPMPerYear != g.PPMPerYear || got.NOAAGrowth.Source != g.Source ||
			got.NOAAGrowth.Vintage != g.Vintage || !sameFloat(got.NOAAGrowth.UncPPMPerYear, g.UncPPMPerYear):
			t.Errorf("saved %+v, loaded %+v", *g, *got.NOAAGrowth)
		}
	}
}

func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// TestStoreOpenReadsFieldsAsAsked: a cube opened partially carries the
// sidecar's values and names at once, reads a field only when Field asks
// (each one's values equal the saved ones, and a field never asked for is
// never read), counts what it read against MaxBytes, and a whole Load of
// the month afterwards returns every field, not the partial cube.
func TestStoreOpenReadsFieldsAsAsked(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := grid.Month{Year: 2023, Month: 4}
	saved := testCube(m)
	if err := NewStore(dir).Save(saved); err != nil {
		t.Fatal(err)
	}
	s := NewStore(dir) // a new process: nothing in memory
	c, err := s.Open(ctx, m, "abc123")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Fields) != 0 || s.bytes != 0 {
		t.Fatalf("Open read %d fields (%d bytes) before any was asked for", len(c.Fields), s.bytes)
	}
	if c.XCO2PPM != saved.XCO2PPM || !reflect.DeepEqual(c.Missing, saved.Missing) || !reflect.DeepEqual(c.FieldNames(), saved.FieldNames()) {
		t.Errorf("partial cube: xco2 %v missing %v fields %v; saved %v %v %v", c.XCO2PPM, c.Missing, c.FieldNames(), saved.XCO2PPM, saved.Missing, saved.FieldNames())
	}
	f, err := c.Field("sst")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(f.Values, saved.Fields["sst"].Values, func(a, b float32) bool { return sameFloat(float64(a), float64(b)) }) || f.Units != "degC" {
		t.Error("the field read from a partial cube differs from the one saved")
	}
	if again, _ := c.Field("sst"); again != f {
		t.Error("a field asked for twice was read twice")
	}
	if _, ok := c.Fields["nbp/LPJ"]; ok || s.bytes != int64(4*c.Grid.Cells()) {
		t.Errorf("after one field: nbp/LPJ read %v, %d bytes counted; want unread, %d", ok, s.bytes, 4*c.Grid.Cells())
	}
	if _, err := c.Field("nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "2023-04") {
		t.Errorf("missing field: %v", err)
	}
	if again, err := s.Open(ctx, m, "abc123"); err != nil || again != c {
		t.Errorf("a second Open did not return the cube in memory: %v", err)
	}
	whole, err := s.Load(ctx, m, "abc123")
	if err != nil {
		t.Fatal(err)
	}
	if whole == c || whole.partial != nil || len(whole.Fields) != 2 {
		t.Errorf("Load after Open: partial %v, %d fields; want the whole cube", whole.partial != nil, len(whole.Fields))
	}
	if s.bytes != cubeBytes(whole) {
		t.Errorf("store counts %d bytes, the whole cube has %d: the partial cube's were not released", s.bytes, cubeBytes(whole))
	}
	// A truncated fields.bin is refused when opened, not when a field is read.
	s2 := NewStore(dir)
	if err := os.Truncate(filepath.Join(dir, "cubes", "2023-04", "abc123", fieldsFile), 100); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Open(ctx, m, "abc123"); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated cube opened: %v", err)
	}
}
