package land

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/realdata"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// checkGolden compares v as indented JSON with the golden file, or writes
// it with -update.
func checkGolden(t *testing.T, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./land -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s: got\n%s\nwant\n%s", path, got, want)
	}
}

func TestReadELUC(t *testing.T) {
	tests := []struct {
		file    string
		wantErr string // substring of the error; "" for none
	}{
		{"gcb-layout.csv", ""},
		{"bom-crlf-compact.csv", ""},
		{"trailing-empty.csv", ""},
		{"no-net-column.csv", `"GCB | Net": no such column`},
		{"gap.csv", "no value for 2021"},
		{"mtc-units.csv", "outside ±10"},
		{"not-a-number.csv", "not a number"},
		{"no-values.csv", "no values"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in := filepath.Join("testdata", "eluc", tt.file)
			s, err := ReadELUCFile(in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.file) {
					t.Fatalf("ReadELUCFile(%s) error = %v, want one naming the file and containing %q", tt.file, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadELUCFile(%s): %v", tt.file, err)
			}
			checkGolden(t, in+".golden.json", struct {
				FirstYear  int       `json:"first_year"`
				GtCPerYear []float64 `json:"gtc_per_year"`
			}{s.FirstYear, s.GtCPerYear})
		})
	}
}

// TestELUCMonth: months share the year's value by their days, a year's
// months add up to it, and years after the series carry the last value
// forward flagged as projected.
func TestELUCMonth(t *testing.T) {
	s := &ELUCSeries{Source: "test", FirstYear: 2019, GtCPerYear: []float64{1.4, 1.3, 1.2}} // 2019–2021
	tests := []struct {
		month     grid.Month
		want      float64
		projected bool
		fromYear  int
	}{
		{grid.Month{Year: 2019, Month: time.January}, 1.4 * 31 / 365, false, 2019},
		{grid.Month{Year: 2020, Month: time.February}, 1.3 * 29 / 366, false, 2020}, // leap year
		{grid.Month{Year: 2021, Month: time.June}, 1.2 * 30 / 365, false, 2021},
		{grid.Month{Year: 2022, Month: time.March}, 1.2 * 31 / 365, true, 2021},
		{grid.Month{Year: 2024, Month: time.February}, 1.2 * 29 / 366, true, 2021},
	}
	for _, tt := range tests {
		got, err := s.Month(tt.month)
		if err != nil {
			t.Fatalf("Month(%s): %v", tt.month, err)
		}
		// 1e-15: one multiplication and one division of float64.
		if math.Abs(got.GtC-tt.want) > 1e-15 || got.Projected != tt.projected || got.FromYear != tt.fromYear {
			t.Errorf("Month(%s) = %+v, want %.6f GtC projected %v from %d", tt.month, got, tt.want, tt.projected, tt.fromYear)
		}
		if want := ELUCSigmaGtCPerYear * float64(tt.month.Days()) / float64(daysInYear(tt.month.Year)); math.Abs(got.SigmaGtC-want) > 1e-15 {
			t.Errorf("Month(%s) σ %.6f, want %.6f", tt.month, got.SigmaGtC, want)
		}
	}
	for _, year := range []int{2019, 2020, 2023} {
		var sum, sigma float64
		for _, m := range grid.Range(grid.Month{Year: year, Month: 1}, grid.Month{Year: year, Month: 12}) {
			em, _ := s.Month(m)
			sum += em.GtC
			sigma += em.SigmaGtC
		}
		want := s.GtCPerYear[min(year, s.LastYear())-s.FirstYear]
		if math.Abs(sum-want) > 1e-12 || math.Abs(sigma-ELUCSigmaGtCPerYear) > 1e-12 {
			t.Errorf("%d: months add up to %.12f ± %.12f GtC, want %.12f ± %.1f", year, sum, sigma, want, ELUCSigmaGtCPerYear)
		}
	}
	if _, err := s.Month(grid.Month{Year: 2018, Month: 12}); err == nil {
		t.Error("a month before the series: no error")
	}
}

// TestReadELUCRealGCB2025 reads the real GCB 2025 land-use sheet: the
// series runs 1959–2024 and 2025 is carried forward as projected.
func TestReadELUCRealGCB2025(t *testing.T) {
	path := realdata.Path(t, "gcb", "gcb2025v1.0_land_use_change_emissions.csv")
	s, err := ReadELUCFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.FirstYear != 1959 || s.LastYear() != 2024 {
		t.Fatalf("series %d-%d, want 1959-2024 (PROVENANCE.md)", s.FirstYear, s.LastYear())
	}
	for i, v := range s.GtCPerYear {
		// GCB2024: LULUCF 1.1 ± 0.7 GtC/yr over 2014–2023, and never above
		// about 2.5 GtC/yr since 1959 (science.md §5, GCB sheets).
		if v < 0.5 || v > 3 {
			t.Errorf("%d: %.3f GtC/yr outside 0.5..3", s.FirstYear+i, v)
		}
	}
	var sum float64
	for _, m := range grid.Range(grid.Month{Year: 2025, Month: 1}, grid.Month{Year: 2025, Month: 12}) {
		em, err := s.Month(m)
		if err != nil || !em.Projected || em.FromYear != 2024 {
			t.Fatalf("%s: %+v, %v; want projected from 2024", m, em, err)
		}
		sum += em.GtC
	}
	if last := s.GtCPerYear[len(s.GtCPerYear)-1]; math.Abs(sum-last) > 1e-12 {
		t.Errorf("projected 2025 adds up to %.6f GtC, want 2024's %.6f", sum, last)
	}
}

func FuzzReadELUC(f *testing.F) {
	for _, name := range []string{"gcb-layout.csv", "trailing-empty.csv", "gap.csv", "bom-crlf-compact.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", "eluc", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ReadELUC(strings.NewReader(string(data)), "fuzz.csv")
		if err != nil {
			return
		}
		if len(s.GtCPerYear) == 0 {
			t.Fatal("a series without values and no error")
		}
		m := grid.Month{Year: s.LastYear() + 1, Month: 1}
		if s.LastYear() < 9000 {
			if em, err := s.Month(m); err != nil || !em.Projected || math.IsNaN(em.GtC) {
				t.Fatalf("Month(%s) = %+v, %v", m, em, err)
			}
		}
	})
}
