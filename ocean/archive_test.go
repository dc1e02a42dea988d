package ocean

import (
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// fieldSource is what the test worlds serve: fields by month and name,
// and the month's atmospheric CO2.
type fieldSource interface {
	Field(m grid.Month, name string) (*grid.Field, error)
	XCO2PPM(m grid.Month) (float64, error)
}

// cubeFields are the fields a test cube carries when its world has them.
var cubeFields = []string{fieldLandFrac, fieldSST, fieldSalinity, fieldMLD, fieldChl, fieldWindSq, fieldIce, fieldMSL,
	fieldShip, gobmPrefix + "ALPHA", gobmPrefix + "BETA", gobmPrefix + "GAMMA"}

// cubeOf assembles month m of a test world as the cube builder would: the
// fields it serves, its CO2, and "socat" among the missing sources when
// it has no ship data.
func cubeOf(src fieldSource, g grid.Grid, m grid.Month) (*cube.Cube, error) {
	x, err := src.XCO2PPM(m)
	if err != nil {
		return nil, err
	}
	c := &cube.Cube{Month: m, Grid: g, XCO2PPM: x, Fields: map[string]*grid.Field{}}
	for _, name := range cubeFields {
		f, err := src.Field(m, name)
		switch {
		case err == nil:
			c.Fields[name] = f
		case name == fieldShip:
			c.Missing = append(c.Missing, SourceSOCAT)
		}
	}
	return c, nil
}

// Cube implements Archive.
func (w *synthWorld) Cube(m grid.Month) (*cube.Cube, error) { return cubeOf(w, w.g, m) }

// archiveFunc adapts a cube getter, such as a closure over
// (*builder.Builder).Cube, to Archive.
type archiveFunc func(m grid.Month) (*cube.Cube, error)

func (f archiveFunc) Cube(m grid.Month) (*cube.Cube, error) { return f(m) }

// mustCube is month m's cube of a, or the test's end.
func mustCube(tb testing.TB, a Archive, m grid.Month) *cube.Cube {
	tb.Helper()
	c, err := a.Cube(m)
	if err != nil {
		tb.Fatalf("cube %s: %v", m, err)
	}
	return c
}
