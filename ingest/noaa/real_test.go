package noaa

import (
	"math"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/realdata"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// The values below were read off the files with grep (PROVENANCE.md lists
// the files, their sources and checksums); they are pinned to each file's
// vintage, not to "the NOAA value".

func TestRealMonthlyGlobal(t *testing.T) {
	txt, err := ReadMonthlyFile(realdata.Path(t, "noaa_gml", "co2_mm_gl.txt"))
	if err != nil {
		t.Fatal(err)
	}
	csv, err := ReadMonthlyFile(realdata.Path(t, "noaa_gml", "co2_mm_gl.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []*Monthly{txt, csv} {
		// 1979-01 … 2025-09: 46 years × 12 + 9 = 561 rows.
		if len(m.Rows) != 561 {
			t.Errorf("%s: %d rows, want 561", m.Name, len(m.Rows))
		}
		first, last := m.Rows[0], m.Rows[len(m.Rows)-1]
		// "  1979       1      1979.042        336.56          0.11        335.92          0.09"
		if first.Month != (grid.Month{Year: 1979, Month: 1}) || first.AveragePPM != 336.56 || first.AverageUncPPM != 0.11 ||
			first.TrendPPM != 335.92 || first.TrendUncPPM != 0.09 || first.Decimal != 1979.042 {
			t.Errorf("%s: first row %+v", m.Name, first)
		}
		// "  2025       9      2025.708        423.03          0.10        425.93          0.06"
		if last.Month != (grid.Month{Year: 2025, Month: 9}) || last.AveragePPM != 423.03 || last.TrendPPM != 425.93 {
			t.Errorf("%s: last row %+v", m.Name, last)
		}
		// "  2023      12      2023.958        421.50          0.16        420.82          0.12"
		if r, ok := m.At(grid.Month{Year: 2023, Month: 12}); !ok || r.AveragePPM != 421.50 || r.TrendUncPPM != 0.12 {
			t.Errorf("%s: 2023-12 = %+v", m.Name, r)
		}
		if m.Vintage != "Fri Dec  5 11:34:08 2025" || !m.Created.Equal(time.Date(2025, 12, 5, 11, 34, 8, 0, time.UTC)) {
			t.Errorf("%s: vintage %q (%v)", m.Name, m.Vintage, m.Created)
		}
	}
	if txt.Layout != "gl" || csv.Layout != "csv" {
		t.Errorf("layouts %q, %q; want gl, csv", txt.Layout, csv.Layout)
	}
	for i := range txt.Rows {
		if !sameRow(txt.Rows[i], csv.Rows[i]) {
			t.Fatalf("row %d: .txt %+v != .csv %+v", i, txt.Rows[i], csv.Rows[i])
		}
	}
}

func TestRealMonthlyMaunaLoa(t *testing.T) {
	m, err := ReadMonthlyFile(realdata.Path(t, "noaa_gml", "co2_mm_mlo.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Layout != "mlo" || m.Vintage != "Thu Feb  5 03:55:17 2026" {
		t.Errorf("layout %q vintage %q, want mlo and Thu Feb  5 03:55:17 2026", m.Layout, m.Vintage)
	}
	// 1958-03 … 2026-01 with no gaps: 815 rows.
	if len(m.Rows) != 815 {
		t.Errorf("%d rows, want 815", len(m.Rows))
	}
	// " 1958    3   1958.2027      315.71      314.44     -1   -9.99   -0.99"
	first := m.Rows[0]
	if first.AveragePPM != 315.71 || first.TrendPPM != 314.44 || first.Days != -1 || !math.IsNaN(first.StdDevPPM) || !math.IsNaN(first.AverageUncPPM) {
		t.Errorf("first row %+v, want 315.71, 314.44, days -1, NaN st.dev and unc", first)
	}
	// " 2026    1   2026.0417      428.62      428.37     25    0.71    0.27"
	last := m.Rows[len(m.Rows)-1]
	if last.Month != (grid.Month{Year: 2026, Month: 1}) || last.AveragePPM != 428.62 || last.TrendPPM != 428.37 ||
		last.Days != 25 || last.StdDevPPM != 0.71 || last.AverageUncPPM != 0.27 {
		t.Errorf("last row %+v", last)
	}
	// awk '!/^#/ && $6<0' | wc -l → 195; $7<0 → 196; $8<0 → 194.
	var noDays, noSD, noUnc int
	for _, r := range m.Rows {
		if r.Days == -1 {
			noDays++
		}
		if math.IsNaN(r.StdDevPPM) {
			noSD++
		}
		if math.IsNaN(r.AverageUncPPM) {
			noUnc++
		}
		if math.IsNaN(r.AveragePPM) || math.IsNaN(r.TrendPPM) {
			t.Errorf("%s: average or trend missing, but the file has none missing", r.Month)
		}
	}
	if noDays != 195 || noSD != 196 || noUnc != 194 {
		t.Errorf("missing #days/st.dev/unc = %d/%d/%d, want 195/196/194", noDays, noSD, noUnc)
	}
}

// NOAA's annual tables are rejected by the monthly reader rather than
// misread.
func TestRealWrongKind(t *testing.T) {
	for _, f := range []string{"co2_gr_gl.csv", "co2_annmean_gl.csv", "co2_gr_gl_vintage2020-11.txt"} {
		if _, err := ReadMonthlyFile(realdata.Path(t, "noaa_gml", f)); err == nil {
			t.Errorf("ReadMonthly(%s) succeeded", f)
		}
	}
}

// TestRealAnnual reads NOAA's growth and annual-mean tables of three
// vintages and both layouts.
func TestRealAnnual(t *testing.T) {
	tests := []struct {
		file     string
		kind     AnnualKind
		layout   string
		year     int
		val, unc float64 // read off the file with grep
	}{
		{"co2_gr_gl.csv", Growth, "csv", 2024, 3.74, 0.09},                      // "2024,3.74,0.09"
		{"co2_gr_gl_vintage2020-11.txt", Growth, "text", 2019, 2.54, 0.09},      // "  2019        2.54        0.09"
		{"co2_gr_mlo_vintage2022-10.txt", Growth, "text", 2021, 2.38, 0.11},     // "  2021        2.38        0.11"
		{"co2_annmean_gl.csv", Mean, "csv", 2024, 422.79, 0.10},                 // "2024,422.79,0.10"
		{"co2_annmean_gl_vintage2020-11.txt", Mean, "text", 2019, 409.85, 0.10}, // "  2019   409.85     0.10"
	}
	for _, tt := range tests {
		a, err := ReadAnnualFile(realdata.Path(t, "noaa_gml", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		r, ok := a.Year(tt.year)
		val, unc := r.GrowthPPMPerYear, r.GrowthUncPPMPerYear
		if tt.kind == Mean {
			val, unc = r.MeanPPM, r.MeanUncPPM
		}
		if a.Kind != tt.kind || a.Layout != tt.layout || !ok || val != tt.val || unc != tt.unc {
			t.Errorf("%s: kind %s layout %s, %d = %g ± %g (found %v); want %s %s %g ± %g", tt.file, a.Kind, a.Layout, tt.year, val, unc, ok, tt.kind, tt.layout, tt.val, tt.unc)
		}
	}
}
