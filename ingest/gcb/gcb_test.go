package gcb

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/realdata"
)

func TestRead(t *testing.T) {
	tests := []struct {
		file    string
		wantErr string
	}{
		{"luc.csv", ""},
		{"bom-crlf.csv", ""},
		{"unordered.csv", "years must increase"},
		{"notnumber.csv", `column "a": "x" is not a number`},
		{"noyear.csv", "want Year"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := ReadFile(filepath.Join("testdata", tt.file))
			if tt.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.file)) {
				t.Fatalf("err = %v, want one naming the file and containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestValuesAndGaps(t *testing.T) {
	tb, err := ReadFile(filepath.Join("testdata", "luc.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok, _ := tb.Value("GCB | Net", 2022); !ok || v != 1.05 {
		t.Errorf("GCB | Net 2022 = %v %v, want 1.05", v, ok)
	}
	if _, ok, _ := tb.Value("BLUE | Net", 2022); ok {
		t.Error("empty cell reported as a value")
	}
	years, vals, _ := tb.Series("BLUE | Net")
	if len(years) != 2 || years[1] != 2023 || vals[1] != 1.2 {
		t.Errorf("Series = %v %v", years, vals)
	}
	if _, _, err := tb.Value("Nope", 2022); err == nil {
		t.Error("unknown column gave no error")
	}
	bom, _ := ReadFile(filepath.Join("testdata", "bom-crlf.csv"))
	if v, ok, _ := bom.Value("GCB", 2021); !ok || v != 2.8 {
		t.Errorf("BOM/CRLF file: GCB 2021 = %v", v)
	}
}

// The real GCB 2025 sheets (values read off the CSVs, see PROVENANCE.md).
func TestRealGCB2025(t *testing.T) {
	tb, err := ReadFile(realdata.Path(t, "gcb", "gcb2025v1.0_global_carbon_budget.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if tb.Years[0] != 1959 || tb.Years[len(tb.Years)-1] != 2025 {
		t.Errorf("years %d..%d, want 1959..2025", tb.Years[0], tb.Years[len(tb.Years)-1])
	}
	if v, _, _ := tb.Value("atmospheric growth", 2024); math.Abs(v-7.92252) > 1e-9 {
		t.Errorf("G_ATM 2024 = %v, want 7.92252", v)
	}
	if _, ok, _ := tb.Value("ocean sink", 2025); ok {
		t.Error("2025 ocean sink should be empty (only the fossil projection is given)")
	}
	luc, err := ReadFile(realdata.Path(t, "gcb", "gcb2025v1.0_land_use_change_emissions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := luc.Series("GCB | Net"); err != nil {
		t.Error(err)
	}
	ocean, err := ReadFile(realdata.Path(t, "gcb", "gcb2025v1.0_ocean_sink.csv")) // lower-case "year" header
	if err != nil || len(ocean.Columns) < 20 {
		t.Errorf("ocean sink sheet: %v, %d columns", err, len(ocean.Columns))
	}
}
