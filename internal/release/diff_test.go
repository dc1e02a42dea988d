package release

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// TestCompareNamesTheCause runs two small worlds that differ in one way
// each and checks the diff's kind, its causes and which values changed.
func TestCompareNamesTheCause(t *testing.T) {
	tests := []struct {
		name   string
		change func(w *world)
		kind   string
		// terms are the changed region/term pairs (any month); nil: none.
		terms []string
		cause string // a substring of the summary
	}{
		{"nothing changed", func(*world) {}, "none", nil, "no value changed"},
		{"rerun into another input directory", func(w *world) { w.config = strings.Replace(w.config, "/data/a", "/data/b", 1) }, "none", nil, "no value changed"},
		{"NOAA revised its last month", func(w *world) {
			w.noaaRevisionPPM, w.noaaSHA, w.noaaVintage = 0.3, "ee55", "Sun Mar  5 03:55:17 2023"
		}, "data", []string{"global g_atm", "global b_im"}, `co2_monthly input noaa/co2_mm_gl.txt changed (sha256 aa11 → ee55, vintage "Wed Feb  5 03:55:17 2023" → "Sun Mar  5 03:55:17 2023")`},
		{"new code version, same numbers", func(w *world) { w.code = "v1.1.0" }, "method", nil, "method: code version v1.0.0 → v1.1.0"},
		{"new code version changes the land sink", func(w *world) { w.code, w.landBumpGtC = "v1.1.0", 0.05 }, "method",
			nil, "method: code version v1.0.0 → v1.1.0"},
		{"a retrained model", func(w *world) { w.modelSHA, w.landBumpGtC = "ff66", 0.05 }, "method", nil, "method: ocean model gobm-TWIN changed"},
		{"a configuration key", func(w *world) { w.config += "extra: 1\n"; w.landBumpGtC = 0.05 }, "method", nil, `method: configuration extra "" → "1"`},
		{"the land sink moved with nothing changed", func(w *world) { w.landBumpGtC = 0.05 }, "non-reproducible", nil, "NON-REPRODUCIBLE"},
	}
	base := baseWorld(months2022(3)...)
	a := t.TempDir()
	base.write(t, a)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := base
			tt.change(&w)
			b := t.TempDir()
			w.write(t, b)
			d, err := Compare(a, b)
			if err != nil {
				t.Fatal(err)
			}
			summary := strings.Join(d.Summary, "\n")
			if d.Kind != tt.kind || !strings.Contains(summary, tt.cause) {
				t.Fatalf("kind %q, summary:\n%s\nwant kind %q and %q", d.Kind, summary, tt.kind, tt.cause)
			}
			if (tt.kind == "none" || tt.name == "new code version, same numbers") && len(d.Changes) != 0 {
				t.Errorf("%d changes in an empty diff", len(d.Changes))
			}
			if tt.terms != nil {
				got := map[string]bool{}
				for _, c := range d.Changes {
					got[c.Region+" "+c.Term] = true
				}
				if len(got) != len(tt.terms) {
					t.Errorf("changed %v, want exactly %v", got, tt.terms)
				}
				for _, term := range tt.terms {
					if !got[term] {
						t.Errorf("%s did not change; changed %v", term, got)
					}
				}
			}
			if tt.kind == "non-reproducible" && len(d.NonReproducible) != 3 {
				t.Errorf("non-reproducible months %v, want all three", d.NonReproducible)
			}
		})
	}
}

// TestDiffRankedAndWritten checks that changes come largest first and
// that the CSV and JSON outputs hold every change.
func TestDiffRankedAndWritten(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	w := baseWorld(months2022(2)...)
	w.write(t, a)
	w.landBumpGtC, w.code = 0.05, "v2"
	w.write(t, b)
	d, err := Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Changes) < 4 {
		t.Fatalf("%d changes: want S_LAND, B_IM and regional land rows", len(d.Changes))
	}
	for i := 1; i < len(d.Changes); i++ {
		if abs := func(c Change) float64 { return max(c.DeltaGtC, -c.DeltaGtC, c.DeltaSigmaGtC, -c.DeltaSigmaGtC) }; abs(d.Changes[i]) > abs(d.Changes[i-1]) {
			t.Fatalf("change %d (%+v) larger than change %d", i, d.Changes[i], i-1)
		}
	}
	var buf bytes.Buffer
	if err := d.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(d.Changes)+1 || rows[1][0] != d.Changes[0].Month || !strings.Contains(rows[1][10], "code v1.0.0 → v2") {
		t.Errorf("CSV has %d rows for %d changes; first %v", len(rows), len(d.Changes), rows[1])
	}
	buf.Reset()
	if err := d.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back Diff
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Changes) != len(d.Changes) || back.Changes[0].DeltaGtC != d.Changes[0].DeltaGtC || back.Kind != "method" {
		t.Errorf("JSON round trip: %d changes, kind %q", len(back.Changes), back.Kind)
	}
}
