package noaa

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestRead parses every layout variant under testdata and compares with
// its golden file; malformed files must fail with an error naming the file
// (and, where given, a line and the reason).
func TestRead(t *testing.T) {
	tests := []struct {
		file, kind string
		wantIs     error  // errors.Is target, or nil
		wantMsg    string // substring of the error, "" for success
	}{
		{"mm_gl_old.txt", "monthly", nil, ""},
		{"mm_mlo_old.txt", "monthly", nil, ""},
		{"mm_mlo.csv", "monthly", nil, ""},
		{"mm_gl_bom_crlf_extra.csv", "monthly", nil, ""},
		{"mm_7col_nohint.txt", "monthly", nil, ""},
		{"mm_7col_mlo_nohint.txt", "monthly", nil, ""},
		{"mm_gl_reordered.csv", "monthly", nil, ""},
		{"mm_gl_mirror.csv", "monthly", nil, ""}, // "Date,Decimal Date,Average,Trend" over six values a row
		{"bad_mirror_short_header.csv", "monthly", nil, "line 2: 5 columns, want 4 like the header"},
		{"gr_nounc.txt", "monthly", ErrWrongKind, "2 columns"},
		{"gr_nohint.csv", "monthly", ErrWrongKind, "3 columns"},
		{"gr_reordered.csv", "monthly", ErrWrongKind, `no "month" column`},
		{"annmean_mlo.txt", "monthly", ErrWrongKind, "3 columns"},
		{"bad_notnumber.txt", "monthly", nil, `variable "average", 2024-02: line 3: "42l.60" is not a number`},
		{"bad_ragged.txt", "monthly", nil, "line 3: 6 columns, want 7"},
		{"bad_unordered.csv", "monthly", nil, "line 3: month 2024-01 follows 2024-02"},
		{"bad_month.csv", "monthly", nil, `line 2: "13" is not a month`},
		{"bad_decimal.txt", "monthly", nil, "decimal date 2014.042 is not in year 2024"},
		{"bad_ppb.csv", "monthly", nil, "1930.12 ppm is outside 150..1000"},
		{"bad_comments_only.txt", "monthly", ErrNoRows, "no data rows"},
		{"bad_duplicate_column.csv", "monthly", nil, `two columns are "trend"`},

		{"gr_gl.txt", "annual", nil, ""},                 // NOAA's text, "# year ann inc unc" above the data
		{"gr_gl.csv", "annual", nil, ""},                 // NOAA's CSV, "year,ann inc,unc"
		{"gr_mirror.csv", "annual", nil, ""},             // "Year,Annual Increase,Uncertainty"
		{"gr_nounc.txt", "annual", nil, ""},              // old layout: no unc column, -99.99 missing
		{"gr_nohint.csv", "annual", nil, ""},             // no header: growth by magnitude; a negative unc is missing
		{"gr_reordered.csv", "annual", nil, ""},          // columns by name, extra column ignored
		{"gr_uncommented_header.txt", "annual", nil, ""}, // a mirror's text without the '#' before the column names
		{"annmean_gl.txt", "annual", nil, ""},
		{"annmean_gl.csv", "annual", nil, ""},
		{"annmean_mirror.csv", "annual", nil, ""}, // "Year,Mean,Uncertainty"
		{"annmean_mlo.txt", "annual", nil, ""},    // no column names: mean by magnitude
		{"bad_annual_silent_between.txt", "annual", nil, "line 2: 52.4 is neither a mean"},
		{"bad_annual_silent_mixed.csv", "annual", nil, "line 2: 416.55 is neither a mean"},
		{"bad_growth_range.csv", "annual", nil, `variable "ann inc", 2023-01: line 3: 418.93 ppm/yr is outside -20..20`},
		{"bad_annual_order.txt", "annual", nil, "line 3: year 2021 follows 2022"},
		{"bad_annual_notnumber.csv", "annual", nil, `variable "mean", 2022-01: line 3: "4l6.55" is not a number`},
		{"mm_gl_old.txt", "annual", ErrWrongKind, "5 columns on line"},
		{"mm_mlo.csv", "annual", ErrWrongKind, `a table with a "month" column is monthly`},
		{"mm_gl_mirror.csv", "annual", ErrWrongKind, `a table with a "date" column is monthly`},
		{"bad_comments_only.txt", "annual", ErrNoRows, "no data rows"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			got, err := readKind(tt.kind, path)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("read %s as %s: %v", tt.file, tt.kind, err)
				}
				checkGolden(t, path+"."+tt.kind+".golden.json", got)
				return
			}
			if err == nil {
				t.Fatalf("read %s as %s: no error, want one containing %q", tt.file, tt.kind, tt.wantMsg)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || !strings.Contains(err.Error(), tt.file) {
				t.Errorf("read %s as %s: error %q, want one naming the file and containing %q", tt.file, tt.kind, err, tt.wantMsg)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("read %s: errors.Is(%v, %v) = false", tt.file, err, tt.wantIs)
			}
			var se *ingest.SourceError
			if !errors.As(err, &se) {
				t.Errorf("read %s: error %T is not an ingest.SourceError", tt.file, err)
			}
		})
	}
}

// readKind reads path with the reader of kind ("monthly" or "annual").
func readKind(kind, path string) (any, error) {
	if kind == "annual" {
		return ReadAnnualFile(path)
	}
	return ReadMonthlyFile(path)
}

// TestMissingMarkers checks the missing-value rules on the old Mauna Loa
// layout, independently of the golden file.
func TestMissingMarkers(t *testing.T) {
	m, err := ReadMonthlyFile(filepath.Join("testdata", "mm_mlo_old.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Layout != "mlo-old" {
		t.Errorf("layout = %q, want mlo-old", m.Layout)
	}
	jun, ok := m.At(grid.Month{Year: 1958, Month: 6})
	if !ok || !math.IsNaN(jun.AveragePPM) || jun.TrendPPM != 314.85 || jun.Days != -1 {
		t.Errorf("1958-06 = %+v (found %v), want average NaN (-99.99), trend 314.85, days -1", jun, ok)
	}
	if _, ok := m.At(grid.Month{Year: 1958, Month: 7}); ok {
		t.Error("At(1958-07) found a month the file does not have")
	}
	want := time.Date(2021, 4, 7, 9, 46, 58, 0, time.UTC)
	if m.Vintage != "Wed Apr  7 09:46:58 2021" || !m.Created.Equal(want) {
		t.Errorf("vintage %q created %v, want %q and %v", m.Vintage, m.Created, "Wed Apr  7 09:46:58 2021", want)
	}
}

func TestCSVAndTextAgree(t *testing.T) {
	a, err := ReadMonthly(strings.NewReader("# year month decimal average average_unc trend trend_unc\n  2024 1 2024.042 421.07 0.10 420.47 0.06\n"), "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadMonthly(strings.NewReader("year,month,decimal,average,average_unc,trend,trend_unc\n2024,1,2024.042,421.07,0.10,420.47,0.06"), "b.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !sameRow(a.Rows[0], b.Rows[0]) {
		t.Errorf("text row %+v != CSV row %+v", a.Rows[0], b.Rows[0])
	}
}

func TestReadFileMissing(t *testing.T) {
	_, err := ReadMonthlyFile(filepath.Join("testdata", "no-such-file.txt"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want os.ErrNotExist", err)
	}
}

// sameRow compares rows with NaN equal to NaN.
func sameRow(a, b MonthRow) bool {
	eq := func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }
	return a.Month == b.Month && a.Days == b.Days && eq(a.Decimal, b.Decimal) && eq(a.AveragePPM, b.AveragePPM) &&
		eq(a.AverageUncPPM, b.AverageUncPPM) && eq(a.TrendPPM, b.TrendPPM) && eq(a.TrendUncPPM, b.TrendUncPPM) && eq(a.StdDevPPM, b.StdDevPPM)
}

// TestAnnualLayoutsAgree reads the same synthetic table in NOAA's text,
// NOAA's CSV and the mirrors' CSV: the layouts must give the same rows.
func TestAnnualLayoutsAgree(t *testing.T) {
	for _, files := range [][]string{{"gr_gl.txt", "gr_gl.csv", "gr_mirror.csv"}, {"annmean_gl.txt", "annmean_gl.csv", "annmean_mirror.csv"}} {
		var first *Annual
		for _, f := range files {
			a, err := ReadAnnualFile(filepath.Join("testdata", f))
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = a
				continue
			}
			if a.Kind != first.Kind || len(a.Rows) != len(first.Rows) {
				t.Fatalf("%s: kind %s, %d rows; %s: kind %s, %d rows", f, a.Kind, len(a.Rows), files[0], first.Kind, len(first.Rows))
			}
			for i := range a.Rows {
				if !sameAnnualRow(a.Rows[i], first.Rows[i]) {
					t.Errorf("%s row %d %+v != %s row %+v", f, i, a.Rows[i], files[0], first.Rows[i])
				}
			}
		}
	}
}

// TestAnnualYear checks Year's lookup and the missing marker of the old
// growth layout.
func TestAnnualYear(t *testing.T) {
	a, err := ReadAnnualFile(filepath.Join("testdata", "gr_nounc.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := a.Year(2008); !ok || r.GrowthPPMPerYear != 1.77 || !math.IsNaN(r.GrowthUncPPMPerYear) || !math.IsNaN(r.MeanPPM) {
		t.Errorf("Year(2008) = %+v, %v; want 1.77 ppm/yr, NaN unc (no column), NaN mean", r, ok)
	}
	if r, ok := a.Year(2009); !ok || !math.IsNaN(r.GrowthPPMPerYear) {
		t.Errorf("Year(2009) = %+v, %v; want NaN (-99.99 in the file)", r, ok)
	}
	if _, ok := a.Year(2010); ok {
		t.Error("Year(2010) found a year the file does not have")
	}
	if a.HasUnc {
		t.Error("HasUnc true for a file without an uncertainty column")
	}
}

func sameAnnualRow(a, b AnnualRow) bool {
	eq := func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }
	return a.Year == b.Year && eq(a.GrowthPPMPerYear, b.GrowthPPMPerYear) && eq(a.GrowthUncPPMPerYear, b.GrowthUncPPMPerYear) &&
		eq(a.MeanPPM, b.MeanPPM) && eq(a.MeanUncPPM, b.MeanUncPPM)
}
