package land

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestSaveLoadRoundTrip: saved and loaded members, with the climatology
// Train saves beside them, give the same month as the trained ones.
func TestSaveLoadRoundTrip(t *testing.T) {
	w, ms, clim := trainedSynth(t)
	dir := t.TempDir()
	if err := ms.Save(dir); err != nil {
		t.Fatal(err)
	}
	var dgvms []string
	for _, mm := range ms.Members {
		dgvms = append(dgvms, mm.DGVM)
	}
	if err := clim.Fill(context.Background(), climatologyFields(TrainSpec{DGVMs: dgvms})...); err != nil {
		t.Fatal(err)
	}
	if err := clim.Save(filepath.Join(Dir(dir), ClimatologyFile)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"members.json", "dgvm-ALPHA.json", "dgvm-ALPHA.card.json", "dgvm-BETA.json", "dgvm-BETA.card.json", ClimatologyFile} {
		if _, err := os.Stat(filepath.Join(dir, "land", name)); err != nil {
			t.Errorf("saved models: %v", err)
		}
	}
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Close()
	if loaded.Climatology == nil {
		t.Fatal("Load did not read the saved climatology")
	}
	m := grid.Month{Year: synthHeldOutYear, Month: 9}
	a, err := Run(context.Background(), m, Inputs{Cubes: mustCubes(t, w, m), Models: ms, Climatology: clim}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), m, Inputs{Cubes: mustCubes(t, w, m), Models: loaded}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.SLandGtC != b.SLandGtC || a.NetGtC != b.NetGtC || !equalNaN(a.NBPMean.Values, b.NBPMean.Values) {
		t.Errorf("loaded members give S_LAND %.9f, net %.9f; trained ones %.9f, %.9f", b.SLandGtC, b.NetGtC, a.SLandGtC, a.NetGtC)
	}
	for j, mm := range loaded.Members {
		if mm.Skill != ms.Members[j].Skill || mm.Trend != ms.Members[j].Trend || !slices.Equal(mm.Mask, ms.Members[j].Mask) {
			t.Errorf("member %s: skill, trend or mask changed in the round trip", mm.Name)
		}
	}
}

// TestLoadRejectsBadManifest: a manifest whose mask runs overlap, or that
// names a member twice, is refused.
func TestLoadRejectsBadManifest(t *testing.T) {
	_, ms, _ := trainedSynth(t)
	for _, tc := range []struct {
		name   string
		edit   func(*emulator.Manifest)
		errMsg string
	}{
		{"overlapping mask runs", func(m *emulator.Manifest) {
			m.Members[0].Extra, _ = json.Marshal(memberExtra{Mask: [][2]int{{5, 10}, {8, 12}}})
		}, "mask run"},
		{"a member twice", func(m *emulator.Manifest) { m.Members[1].Model = m.Members[0].Model }, "repeated"},
		{"no climatology years", func(m *emulator.Manifest) { m.Extra, _ = json.Marshal(ensembleExtra{}) }, "climatology years"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := ms.Save(dir); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(Dir(dir), emulator.ManifestFile)
			data, _ := os.ReadFile(path)
			var man emulator.Manifest
			if err := json.Unmarshal(data, &man); err != nil {
				t.Fatal(err)
			}
			tc.edit(&man)
			data, _ = json.Marshal(man)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := Load(dir)
			if err == nil {
				got.Close()
			}
			if err == nil || !strings.Contains(err.Error(), tc.errMsg) || !strings.Contains(err.Error(), path) {
				t.Errorf("Load: error %v, want one naming %s and containing %q", err, path, tc.errMsg)
			}
		})
	}
}

// TestRunInputErrors: inputs that would silently give a wrong month are
// refused with a message naming the month and the problem; a missing fire
// or E_LUC makes the month provisional instead.
func TestRunInputErrors(t *testing.T) {
	w, ms, clim := trainedSynth(t)
	m := grid.Month{Year: synthHeldOutYear, Month: 5}
	other, err := NewClimatology(w, w.g, ms.ClimFirstYear+1, ms.ClimLastYear)
	if err != nil {
		t.Fatal(err)
	}
	bare := *ms
	bare.Climatology = nil
	for _, tc := range []struct {
		name   string
		in     Inputs
		errMsg string
	}{
		{"no climatology", Inputs{Cubes: mustCubes(t, w, m), Models: &bare}, "no climatology"},
		{"climatology of other years", Inputs{Cubes: mustCubes(t, w, m), Models: ms, Climatology: other}, "models trained against"},
		{"no models", Inputs{Cubes: mustCubes(t, w, m), Climatology: clim}, "no trained members"},
		{"no cubes", Inputs{Models: ms, Climatology: clim}, "want the 4"},
		{"a cube missing", Inputs{Cubes: append([]*cube.Cube{nil}, mustCubes(t, w, m)[1:]...), Models: ms, Climatology: clim}, "no cube for 2012-02"},
		{"cubes of another month", Inputs{Cubes: mustCubes(t, w, m.Add(-1)), Models: ms, Climatology: clim}, "is the cube of 2012-01, want 2012-02"},
	} {
		_, err := Run(context.Background(), m, tc.in, Options{})
		if err == nil || !strings.Contains(err.Error(), tc.errMsg) || !strings.Contains(err.Error(), m.String()) {
			t.Errorf("%s: error %v, want one naming %s and containing %q", tc.name, err, m, tc.errMsg)
		}
	}
	noFire := newWorldLike(t)
	noFire.noFire = true
	cs := mustCubes(t, noFire, m)
	cs[len(cs)-1].Missing = []string{"socat"}
	r, err := Run(context.Background(), m, Inputs{Cubes: cs, Models: ms, Climatology: clim}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Provisional || !slices.Equal(r.Missing, []string{SourceFire, "socat"}) || r.Fire != nil || r.NetGtC != r.SLandGtC {
		t.Errorf("no fire: provisional %v, missing %v, fire %v, net %.4f vs S_LAND %.4f", r.Provisional, r.Missing, r.Fire != nil, r.NetGtC, r.SLandGtC)
	}
}
