package land

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// tinyGrid has 8 cells of 90°, small enough to compute by hand.
var tinyGrid = grid.Grid{West: -180, North: 90, DLon: 90, DLat: 90, NLon: 4, NLat: 2}

// mapCubes serves fields from a map, for hand-made inputs.
type mapCubes map[fieldKey]*grid.Field

func (c mapCubes) Field(m grid.Month, name string) (*grid.Field, error) {
	if f, ok := c[fieldKey{m, name}]; ok {
		return f, nil
	}
	return nil, fmt.Errorf("cube %s: no field %q", m, name)
}

func (c mapCubes) put(m grid.Month, name, units string, v ...float32) {
	c[fieldKey{m, name}] = &grid.Field{Name: name, Units: units, Grid: tinyGrid, Values: v}
}

var nan32 = float32(math.NaN())

// TestClimatologyMeanSD checks the per-cell mean and interannual standard
// deviation against hand computations: a full cell, a cell missing a year,
// an empty cell and a cell with one year.
func TestClimatologyMeanSD(t *testing.T) {
	c := mapCubes{}
	jan := func(y int) grid.Month { return grid.Month{Year: y, Month: 1} }
	c.put(jan(2001), fieldT2m, "degC", 1, 10, nan32, 4, 0, 0, 0, 0)
	c.put(jan(2002), fieldT2m, "degC", 2, nan32, nan32, nan32, 0, 0, 0, 0)
	c.put(jan(2003), fieldT2m, "degC", 6, 14, nan32, nan32, 0, 0, 0, 0)
	cl, err := NewClimatology(c, tinyGrid, 2001, 2003)
	if err != nil {
		t.Fatal(err)
	}
	mean, err := cl.Mean(fieldT2m, 1)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := cl.SD(fieldT2m, 1)
	if err != nil {
		t.Fatal(err)
	}
	nan := math.NaN()
	wantMean := []float64{3, 12, nan, 4}
	wantSD := []float64{math.Sqrt(7), math.Sqrt(8), nan, nan} // sample SD: (4+1+9)/2, (4+4)/1
	for i := range wantMean {
		if !same(float64(mean[i]), wantMean[i], 1e-6) || !same(float64(sd[i]), wantSD[i], 1e-6) {
			t.Errorf("cell %d: mean %v sd %v, want %v and %v", i, mean[i], sd[i], wantMean[i], wantSD[i])
		}
	}
	if _, err := cl.SD(fieldTp, 1); err == nil {
		t.Error("SD of precipitation: no error (only t2m's is kept)")
	}
	_, err = cl.Mean(fieldT2m, 2)
	if err == nil || !strings.Contains(err.Error(), `"t2m"`) || !strings.Contains(err.Error(), "2001-02") {
		t.Errorf("February missing: error %v, want one naming t2m and 2001-02", err)
	}
	for y := 2001; y <= 2003; y++ {
		c.put(jan(y), fieldTp, "m", 0, 0, 0, 0, 0, 0, 0, 0)
	}
	if _, err := cl.Mean(fieldTp, 1); err == nil || !strings.Contains(err.Error(), "units") {
		t.Errorf("precipitation in m: error %v, want a units error", err)
	}
}

func same(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol
}

// TestClimatologySaveLoad: a saved and loaded climatology serves the same
// values, and what was not saved is an error, not a silent zero.
func TestClimatologySaveLoad(t *testing.T) {
	w := newWorldLike(t)
	cl, err := NewClimatology(w, w.g, 2003, 2005)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Fill(context.Background(), fieldT2m, fieldNDVI); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), ClimatologyFile)
	if err := cl.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadClimatology(path)
	if err != nil {
		t.Fatal(err)
	}
	if first, last := got.Years(); first != 2003 || last != 2005 || got.Grid() != w.g {
		t.Fatalf("loaded %d-%d on %v", first, last, got.Grid())
	}
	for mo := 1; mo <= 12; mo++ {
		a, _ := cl.SD(fieldT2m, mo)
		b, err := got.SD(fieldT2m, mo)
		if err != nil || !equalNaN(a, b) {
			t.Fatalf("t2m SD month %d differs after load (%v)", mo, err)
		}
	}
	before := len(got.mean)
	a, _ := cl.AnnualMean(fieldNDVI)
	b, err := got.AnnualMean(fieldNDVI)
	if err != nil || !equalNaN(a, b) {
		t.Fatalf("annual NDVI differs after load (%v)", err)
	}
	// The annual mean is saved whole: an update reads one block for it,
	// not the twelve months.
	if !got.hasBlock(climKey{fieldNDVI, 0}) || len(got.mean) != before+1 {
		t.Errorf("annual NDVI: saved block %v, %d entries read for it; want one block read", got.hasBlock(climKey{fieldNDVI, 0}), len(got.mean)-before)
	}
	if _, err := got.Mean(fieldTp, 3); err == nil || !strings.Contains(err.Error(), "not in the saved climatology") {
		t.Errorf("unsaved field: error %v", err)
	}
}

// TestClimatologyFileChecked: the same entries give the same bytes; a
// truncated file and an earlier version's gob file are refused at load,
// the gob one as members to retrain.
func TestClimatologyFileChecked(t *testing.T) {
	w := newWorldLike(t)
	cl, err := NewClimatology(w, w.g, 2003, 2004)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Fill(context.Background(), fieldT2m, fieldNDVI, fieldTp); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.bin"), filepath.Join(dir, "b.bin")
	if err := errors.Join(cl.Save(a), cl.Save(b)); err != nil {
		t.Fatal(err)
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ba, bb) {
		t.Error("two saves of one climatology differ")
	}
	short := filepath.Join(dir, "short.bin")
	os.WriteFile(short, ba[:len(ba)-4], 0o644)
	if _, err := LoadClimatology(short); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated climatology: error %v, want truncated", err)
	}
	old := filepath.Join(dir, "climatology.gob")
	os.WriteFile(old, []byte("\x1f\xff\x81\x03\x01\x01\x10savedClimatology"), 0o644)
	if _, err := LoadClimatology(old); !errors.Is(err, emulator.ErrOldManifest) {
		t.Errorf("gob climatology: error %v, want ErrOldManifest", err)
	}
}

func equalNaN(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(a[i] != a[i] && b[i] != b[i]) {
			return false
		}
	}
	return true
}
