package gcb

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/realdata"
)

func TestReadAnnual(t *testing.T) {
	tests := []struct {
		file      string
		read      func(string) (*Series, error)
		wantFirst int
		wantGtC   []float64
		wantErr   string
	}{
		{"cement/gtc.csv", ReadCementFile, 2021, []float64{0.2244, 0.2209, 0.2274}, ""},
		{"cement/mtc.csv", ReadCementFile, 2021, []float64{0.2244, 0.2209, 0.2274}, ""},
		{"cement/nocolumn.csv", ReadCementFile, 0, nil, `variable "GCB": no such column (have Cao, Huang)`},
		{"cement/tonnes.csv", ReadCementFile, 0, nil, "wrong units"},
		{"cement/between.csv", ReadCementFile, 0, nil, "wrong units"},
		{"cement/gap.csv", ReadCementFile, 0, nil, "no value for 2022"},
		{"eluc/good.csv", ReadELUCFile, 2021, []float64{1.10, 1.05, 0.99}, ""},
		{"eluc/nocolumn.csv", ReadELUCFile, 0, nil, `variable "GCB | Net": no such column`},
		{"eluc/mtc.csv", ReadELUCFile, 0, nil, "wrong units"},
		{"eluc/gap.csv", ReadELUCFile, 0, nil, "no value for 2021"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			s, err := tt.read(path)
			if tt.wantErr != "" {
				var se *ingest.SourceError
				if !errors.As(err, &se) || se.Path != path || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a SourceError naming %s and containing %q", err, path, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.FirstYear != tt.wantFirst || len(s.GtCPerYear) != len(tt.wantGtC) {
				t.Fatalf("series %d %v, want %d %v", s.FirstYear, s.GtCPerYear, tt.wantFirst, tt.wantGtC)
			}
			for i, v := range tt.wantGtC {
				if math.Abs(s.GtCPerYear[i]-v) > 1e-12 {
					t.Errorf("%d: %g GtC/yr, want %g", s.FirstYear+i, s.GtCPerYear[i], v)
				}
			}
		})
	}
}

func TestSeriesMonth(t *testing.T) {
	cement, err := ReadCementFile(filepath.Join("testdata", "cement", "gtc.csv"))
	if err != nil {
		t.Fatal(err)
	}
	eluc, err := ReadELUCFile(filepath.Join("testdata", "eluc", "good.csv"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		s         *Series
		m         grid.Month
		want      ingest.MonthValue
		wantErr   bool
		sumToYear bool
	}{
		// 2023 is the last year: 31 of 365 days.
		{cement, grid.Month{Year: 2023, Month: 1}, ingest.MonthValue{GtC: 0.2274 * 31 / 365, SigmaGtC: 0.2 * 0.2274 * 31 / 365, FromYear: 2023}, false, false},
		// 2024 is a leap year beyond the series: the 2023 value carried forward.
		{cement, grid.Month{Year: 2024, Month: 2}, ingest.MonthValue{GtC: 0.2274 * 29 / 366, SigmaGtC: 0.2 * 0.2274 * 29 / 366, Projected: true, FromYear: 2023}, false, false},
		{cement, grid.Month{Year: 2020, Month: 12}, ingest.MonthValue{}, true, false},
		{eluc, grid.Month{Year: 2022, Month: 6}, ingest.MonthValue{GtC: 1.05 * 30 / 365, SigmaGtC: 0.7 * 30 / 365, FromYear: 2022}, false, false},
		{eluc, grid.Month{Year: 2020, Month: 6}, ingest.MonthValue{}, true, false},
	}
	for _, tt := range tests {
		got, err := tt.s.Month(tt.m)
		if tt.wantErr {
			var se *ingest.SourceError
			if !errors.As(err, &se) || se.Month != tt.m || se.Path != tt.s.Path || se.Variable != tt.s.Variable {
				t.Errorf("%s %s: err = %v, want a SourceError naming file, variable and month", tt.s.Variable, tt.m, err)
			}
			continue
		}
		if err != nil || got.Projected != tt.want.Projected || got.FromYear != tt.want.FromYear ||
			math.Abs(got.GtC-tt.want.GtC) > 1e-12 || math.Abs(got.SigmaGtC-tt.want.SigmaGtC) > 1e-12 {
			t.Errorf("%s %s = %+v, %v; want %+v", tt.s.Variable, tt.m, got, err, tt.want)
		}
	}
	var sum float64
	for _, m := range grid.Range(grid.Month{Year: 2022, Month: 1}, grid.Month{Year: 2022, Month: 12}) {
		v, _ := eluc.Month(m)
		sum += v.GtC
	}
	if math.Abs(sum-1.05) > 1e-12 {
		t.Errorf("2022 months of E_LUC add up to %g, want the annual 1.05", sum)
	}
}

// TestRealCement reads the real GCB 2025 cement carbonation sheet. Values
// read off the CSV (data/real/gcb, PROVENANCE.md): 1959 0.013422795, 2024
// 0.224290503 GtC/yr; the Cao and Huang columns end before the GCB one.
func TestRealCement(t *testing.T) {
	s, err := ReadCementFile(realdata.Path(t, "gcb", "gcb2025v1.0_cement_carbonation_sink.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if s.FirstYear != 1959 || s.LastYear() != 2024 {
		t.Errorf("years %d-%d, want 1959-2024", s.FirstYear, s.LastYear())
	}
	if s.GtCPerYear[0] != 0.013422795 || s.GtCPerYear[2024-1959] != 0.224290503 {
		t.Errorf("1959 %g, 2024 %g GtC/yr; want 0.013422795, 0.224290503", s.GtCPerYear[0], s.GtCPerYear[2024-1959])
	}
}
