package release

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

var day1 = time.Date(2023, 3, 1, 12, 0, 0, 0, time.UTC)

// TestReleaseIsImmutableAndShared makes a release, publishes a revised
// month, makes a second, and checks: the same state gives the same id and
// writes nothing; the first release's files are untouched by the second
// run (Verify); unchanged files are stored once; the second release's
// changelog names the revised NOAA file and only G_ATM and B_IM changed.
func TestReleaseIsImmutableAndShared(t *testing.T) {
	out := t.TempDir()
	w := baseWorld(months2022(3)...)
	w.write(t, out)
	r1, existed, err := Create(out, Options{Name: "first", CodeVersion: "v1.0.0", Now: day1})
	if err != nil || existed {
		t.Fatalf("first release: existed %v, err %v", existed, err)
	}
	if len(r1.Months) != 3 || r1.Previous != "" || r1.Changelog != nil {
		t.Errorf("first release: months %v, previous %q, changelog %v", r1.Months, r1.Previous, r1.Changelog)
	}
	again, existed, err := Create(out, Options{Name: "again", Now: day1.Add(time.Hour)})
	if err != nil || !existed || again.ID != r1.ID || again.Name != "first" {
		t.Fatalf("unchanged state: id %s existed %v err %v, want the first release back", again.ID, existed, err)
	}

	// NOAA revises its last month: rerun the three months on the new file.
	w2 := w
	w2.noaaRevisionPPM, w2.noaaSHA, w2.noaaVintage = 0.2, "dd44", "Sun Mar  5 03:55:17 2023"
	w2.write(t, out)
	r2, existed, err := Create(out, Options{Name: "second", Now: day1.Add(24 * time.Hour)})
	if err != nil || existed {
		t.Fatalf("second release: existed %v, err %v", existed, err)
	}
	if r2.ID == r1.ID || r2.Previous != r1.ID {
		t.Fatalf("second release %s previous %q; first %s", r2.ID, r2.Previous, r1.ID)
	}
	for _, id := range []string{r1.ID, r2.ID} {
		if err := Verify(out, id); err != nil {
			t.Errorf("release %s changed after it was made: %v", id, err)
		}
	}
	if latest, err := Resolve(out, "latest"); err != nil || latest.ID != r2.ID {
		t.Errorf("latest = %v (%v), want %s", latest, err, r2.ID)
	}
	if byName, err := Resolve(out, "first"); err != nil || byName.ID != r1.ID {
		t.Errorf("release named first = %v (%v)", byName, err)
	}

	// Shared: every object once, and fewer objects than the two releases' files.
	objects := 0
	filepath.WalkDir(filepath.Join(out, Dir, objectsDir), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			objects++
		}
		return nil
	})
	unique := map[string]bool{}
	for _, f := range append(append([]File(nil), r1.Files...), r2.Files...) {
		unique[f.SHA256] = true
	}
	if objects != len(unique) || objects >= len(r1.Files)+len(r2.Files) {
		t.Errorf("%d objects for %d distinct and %d listed files: want one per distinct file", objects, len(unique), len(r1.Files)+len(r2.Files))
	}

	c := r2.Changelog
	if c == nil || c.Kind != "data" || len(c.Causes.Inputs) != 1 || c.Causes.Inputs[0].Path != "noaa/co2_mm_gl.txt" {
		t.Fatalf("changelog %+v: want one data cause, the NOAA file", c)
	}
	in := c.Causes.Inputs[0]
	if in.SHA256From != "aa11" || in.SHA256To != "dd44" || in.VintageTo != "Sun Mar  5 03:55:17 2023" || len(in.Months) != 3 {
		t.Errorf("NOAA cause %+v", in)
	}
	for _, ch := range c.Largest {
		if ch.Region != "global" || (ch.Term != "g_atm" && ch.Term != "b_im") || ch.Month != "2022-03" {
			t.Errorf("unexpected change %+v: only March's G_ATM and B_IM depend on the revised April value", ch)
		}
	}
	if len(c.Largest) != 2 {
		t.Errorf("%d changes, want G_ATM and B_IM of March", len(c.Largest))
	}
	changed := strings.Join(c.FilesChanged, " ")
	if !strings.Contains(changed, "months/2022-03/budget.json") || strings.Contains(changed, "months/2022-01/budget.json") ||
		!strings.Contains(changed, "months/2022-01/manifest.json") || len(c.FilesAdded)+len(c.FilesRemoved) != 0 {
		t.Errorf("files changed %v, added %v, removed %v: want March's budget and every manifest", c.FilesChanged, c.FilesAdded, c.FilesRemoved)
	}

	rels, err := List(out)
	if err != nil || len(rels) != 2 || rels[0].ID != r1.ID {
		t.Errorf("List = %v, %v", rels, err)
	}
}

// TestReleaseRefusesInconsistentOutputs breaks one published consistency at
// a time and checks that the release is refused naming the check, and that
// nothing is written.
func TestReleaseRefusesInconsistentOutputs(t *testing.T) {
	tests := []struct {
		name, check string
		breakIt     func(t *testing.T, out string)
	}{
		{"a month without maturities", "maturity", func(t *testing.T, out string) {
			editMonth(t, out, "2022-05", func(r *lake.MonthRecord) { r.Budget.SLand.Maturity = "" })
		}},
		{"a maturity contradicting the provisional flag", "maturity", func(t *testing.T, out string) {
			editMonth(t, out, "2022-05", func(r *lake.MonthRecord) { r.Budget.EFos.Provisional = true })
		}},
		{"the identity does not close", "identity", func(t *testing.T, out string) {
			editMonth(t, out, "2022-02", func(r *lake.MonthRecord) { r.Budget.BIm.GtC += 0.01 })
		}},
		{"countries do not add up to WORLD", "fossil_world", func(t *testing.T, out string) {
			editMonth(t, out, "2022-07", func(r *lake.MonthRecord) { r.FossilNational[0].GtC += 0.05 })
		}},
		{"a latitude band lost land", "land_partition", func(t *testing.T, out string) {
			editMonth(t, out, "2022-09", func(r *lake.MonthRecord) { bumpRegion(r, "band-land", lake.CompLand, 0.01) })
		}},
		{"countries lost fire", "land_partition", func(t *testing.T, out string) {
			editMonth(t, out, "2022-09", func(r *lake.MonthRecord) { bumpRegion(r, "country", lake.CompFire, -0.001) })
		}},
		{"an ocean band lost ocean", "ocean_partition", func(t *testing.T, out string) {
			editMonth(t, out, "2022-10", func(r *lake.MonthRecord) { bumpRegion(r, "band-ocean", lake.CompOcean, 0.002) })
		}},
		{"a month published after the tables were rebuilt", "monthly_table", func(t *testing.T, out string) {
			editMonth(t, out, "2022-04", func(r *lake.MonthRecord) {
				r.Budget.SOcean.GtC += 0.01
				r.Budget.BIm.GtC -= 0.01
			})
		}},
		{"a month changed after the tables", "annual_sums", func(t *testing.T, out string) {
			editMonth(t, out, "2022-11", func(r *lake.MonthRecord) {
				r.Budget.EFos.GtC += 0.01
				r.Budget.BIm.GtC += 0.01 // the identity still closes: only the annual sum is off
				r.FossilNational = nil
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			baseWorld(months2022(12)...).write(t, out)
			if failed := Failed(RunChecks(out)); len(failed) > 0 {
				t.Fatalf("the consistent world fails %+v", failed)
			}
			tt.breakIt(t, out)
			_, _, err := Create(out, Options{Now: day1})
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.check+":") {
				t.Fatalf("err = %v, want a refusal by %s", err, tt.check)
			}
			if rels, _ := List(out); len(rels) != 0 {
				t.Errorf("a refused release was written: %v", rels)
			}
		})
	}
}

// editMonth rewrites a month's budget.json after f, without restating
// the maturities (lake.WriteMonth would).
func editMonth(t *testing.T, out, month string, f func(*lake.MonthRecord)) {
	t.Helper()
	path := filepath.Join(out, lake.MonthsDir, month, lake.BudgetJSON)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r lake.MonthRecord
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	f(&r)
	b, _ = json.Marshal(r)
	if err := durable.WriteFile(path, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		t.Fatal(err)
	}
}

func bumpRegion(r *lake.MonthRecord, kind, comp string, dGtC float64) {
	for i, row := range r.Regional {
		if row.Kind == kind && row.Component == comp {
			r.Regional[i].GtC += dGtC
			return
		}
	}
	panic("no " + kind + " " + comp + " row")
}
