package ocean

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestSaveLoad: saved members load back and predict the same month to the
// bit; a manifest naming a missing member, or no manifest, is an error
// naming the file.
func TestSaveLoad(t *testing.T) {
	w, ms := trained(t)
	dir := t.TempDir()
	if err := ms.Save(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"members.json", "gobm-ALPHA.json", "gobm-ALPHA.card.json", "gobm-BETA.card.json", "pco2-recon.json", "pco2-recon.card.json"} {
		if _, err := os.Stat(filepath.Join(dir, "ocean", f)); err != nil {
			t.Errorf("saved models lack %s: %v", f, err)
		}
	}
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Close()
	if loaded.TransferCoeff != ms.TransferCoeff || loaded.Grid != ms.Grid || len(loaded.Members) != len(ms.Members) {
		t.Fatalf("loaded %+v, saved %+v", loaded, ms)
	}
	m := grid.Month{Year: worldHeldOut, Month: 8}
	a, err := Run(context.Background(), m, Inputs{Cube: mustCube(t, w, m), Models: ms}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), m, Inputs{Cube: mustCube(t, w, m), Models: loaded}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.UptakeMean.Values {
		x, y := a.UptakeMean.Values[i], b.UptakeMean.Values[i]
		if x != y && (x == x || y == y) {
			t.Fatalf("cell %d: %v before saving, %v after loading", i, x, y)
		}
	}

	// A manifest naming a member that is not there.
	man, err := os.ReadFile(filepath.Join(dir, "ocean", "members.json"))
	if err != nil {
		t.Fatal(err)
	}
	var mf emulator.Manifest
	if err := json.Unmarshal(man, &mf); err != nil {
		t.Fatal(err)
	}
	mf.Members = append(mf.Members, emulator.ManifestMember{Name: "gobm-GAMMA", Kind: KindGOBM, Model: "GAMMA"})
	broken, _ := json.Marshal(mf)
	if err := os.WriteFile(filepath.Join(dir, "ocean", "members.json"), broken, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "gobm-GAMMA") {
		t.Errorf("load with a missing member: %v, want an error naming gobm-GAMMA", err)
	}
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "members.json") {
		t.Errorf("load from an empty dir: %v, want an error naming members.json", err)
	}
}

// TestRunErrors: inputs the stage cannot use give errors naming the month
// and the field.
func TestRunErrors(t *testing.T) {
	w, ms := trained(t)
	m := grid.Month{Year: worldHeldOut, Month: 4}
	tests := []struct {
		name    string
		in      Inputs
		opt     Options
		wantErr string
	}{
		{"no models", Inputs{Cube: mustCube(t, w, m)}, Options{}, "no trained members"},
		{"no cube", Inputs{Models: ms}, Options{}, "no cube"},
		{"cube of another month", Inputs{Cube: mustCube(t, w, m), Models: ms}, Options{}, "2031-04"},
		{"no members left", Inputs{Cube: mustCube(t, w, m), Models: ms}, Options{NoGOBMs: true, NoRecon: true}, "no member"},
		{"wrong units", Inputs{Cube: mustCube(t, badUnits{w, fieldSST}, m), Models: ms}, Options{}, `"sst"`},
	}
	for _, tt := range tests {
		mm := m
		if strings.Contains(tt.name, "another month") {
			mm = grid.Month{Year: 2031, Month: 4}
		}
		_, err := Run(context.Background(), mm, tt.in, tt.opt)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error %v, want one containing %s", tt.name, err, tt.wantErr)
		}
	}
}

// badUnits serves one field in the wrong units.
type badUnits struct {
	*synthWorld
	name string
}

// Cube implements Archive.
func (b badUnits) Cube(m grid.Month) (*cube.Cube, error) { return cubeOf(b, b.g, m) }

func (b badUnits) Field(m grid.Month, name string) (*grid.Field, error) {
	f, err := b.synthWorld.Field(m, name)
	if err != nil || name != b.name {
		return f, err
	}
	c := *f
	c.Units = "K"
	return &c, nil
}
