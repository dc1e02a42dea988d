package land

import (
	"fmt"
	"maps"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// fieldSource is what the test worlds serve: fields by month and name.
type fieldSource interface {
	Field(m grid.Month, name string) (*grid.Field, error)
}

// testCubeFields are the fields a test cube carries when its world has them.
var testCubeFields = []string{fieldLandFrac, fieldT2m, fieldTp, fieldSsrd, fieldSwvl1, fieldNDVI, fieldFire, fieldXCO2,
	nbpPrefix + "ALPHA", nbpPrefix + "BETA", nbpPrefix + "GAMMA"}

// cubeOf assembles month m of a test world as the cube builder would: the
// fields it serves (a month it does not serve is a cube without fields,
// whose Field names the field and the month).
func cubeOf(src fieldSource, g grid.Grid, m grid.Month) (*cube.Cube, error) {
	c := &cube.Cube{Month: m, Grid: g, Fields: map[string]*grid.Field{}}
	for _, name := range testCubeFields {
		if f, err := src.Field(m, name); err == nil {
			c.Fields[name] = f
		}
	}
	return c, nil
}

// Cube implements Archive.
func (w *synthWorld) Cube(m grid.Month) (*cube.Cube, error) { return cubeOf(w, w.g, m) }

// Cube implements Archive.
func (c mapCubes) Cube(m grid.Month) (*cube.Cube, error) { return cubeOf(c, tinyGrid, m) }

// mustCubes are the cubes of months m−3..m of a, as Run wants them, or the
// test's end.
func mustCubes(tb testing.TB, a Archive, m grid.Month) []*cube.Cube {
	tb.Helper()
	var cs []*cube.Cube
	for i := -lagMonths; i <= 0; i++ {
		c, err := a.Cube(m.Add(i))
		if err != nil {
			tb.Fatalf("cube %s: %v", m.Add(i), err)
		}
		cs = append(cs, c)
	}
	return cs
}

// Cube implements Archive.
func (f *frozenYear) Cube(m grid.Month) (*cube.Cube, error) { return cubeOf(f, f.g, m) }

// Cube implements Archive.
func (t *twinCubes) Cube(m grid.Month) (*cube.Cube, error) {
	tm, ok := t.months[m]
	if !ok {
		return nil, fmt.Errorf("twin: no cube for %s", m)
	}
	c := &cube.Cube{Month: m, Grid: t.g, Fields: maps.Clone(tm.fields)}
	c.Fields[fieldLandFrac] = &grid.Field{Name: fieldLandFrac, Units: "1", Grid: t.g, Values: t.land}
	return c, nil
}
