package carbonmonitor

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func TestRead(t *testing.T) {
	tests := []struct {
		file    string
		wantIs  error
		wantMsg string // "" for success
	}{
		{"web_export.csv", nil, ""},
		{"api_value_trailing.csv", nil, ""},
		{"timestamp_iso.csv", nil, ""},
		{"timestamp_unix.csv", nil, ""},
		{"reordered_extra.csv", nil, ""},
		{"bad_sector.csv", ErrUnknownSector, `line 2: unknown sector "International Shipping"`},
		{"bad_date.csv", nil, `variable "date": line 2: date "31/02/2023" does not exist`},
		{"bad_date_order.csv", nil, `date "2023/01/01": want DD/MM/YYYY`},
		{"bad_value.csv", nil, `variable "value", 2023-01: line 2: WORLD Power on 2023-01-01: "n/a" is not a number`},
		{"bad_negative.csv", nil, "-0.5 MtCO2/day is negative"},
		{"bad_duplicate.csv", nil, "line 3: WORLD Power on 2023-01-01 appears twice"},
		{"bad_header.csv", nil, "no sector column"},
		{"bad_empty.csv", ErrNoRecords, "no data rows"},
		{"bad_short.csv", nil, "line 2: 2 fields, want at least 4"},
		{"bad_nocountry.csv", nil, "line 2: empty country"},
		{"bad_units.csv", nil, "no value or MtCO2 per day column"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			d, err := ReadFile(path)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, path+".golden.json", d)
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) || !strings.Contains(err.Error(), tt.file) {
				t.Fatalf("ReadFile(%s) error = %v, want one naming the file and containing %q", tt.file, err, tt.wantMsg)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
			}
			var se *ingest.SourceError
			if !errors.As(err, &se) {
				t.Errorf("error %T is not an ingest.SourceError", err)
			}
		})
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestHazards checks the web-export hazards one by one, beside the golden
// file, so a failure says which hazard broke.
func TestHazards(t *testing.T) {
	d, err := ReadFile(filepath.Join("testdata", "web_export.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Records) != 4 {
		t.Fatalf("%d records, want 4 (blank and trailer rows skipped)", len(d.Records))
	}
	if r := d.Records[0]; r.Country != "Brazil" || r.Sector != "Domestic Aviation" || !r.Date.Equal(day(2023, 1, 1)) || r.MtCO2PerDay != 0.0200738 {
		t.Errorf("first record (after the BOM) = %+v", r)
	}
	if r := d.Records[3]; r.Country != "EU27 & UK" || r.MtCO2PerDay != 0.32041 || !r.Date.Equal(day(2024, 7, 31)) {
		t.Errorf("last record (CRLF, DD/MM/YYYY) = %+v", r)
	}
	if len(d.Notes) != 2 || d.Notes[1] != "September 17th, 2024" || !d.UnitsFromHeader {
		t.Errorf("notes %q units-from-header %v, want the two trailer texts and true", d.Notes, d.UnitsFromHeader)
	}
	api, err := ReadFile(filepath.Join("testdata", "api_value_trailing.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if api.UnitsFromHeader {
		t.Error(`"value" header reported as stating its units`)
	}
	if got := api.Daily("China", "Power"); len(got) != 2 || !got[1].Date.Equal(day(2019, 1, 2)) || got[1].MtCO2PerDay != 14.2501 {
		t.Errorf("Daily(China, Power) = %+v", got)
	}
}

func TestDateForms(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"01/02/2023", day(2023, 2, 1), true}, // day first
		{"1/2/2023", day(2023, 2, 1), true},
		{"2023-02-01", day(2023, 2, 1), true},
		{"29/02/2024", day(2024, 2, 29), true},
		{"1577836800", day(2020, 1, 1), true},
		{"1577880000", day(2020, 1, 1), true}, // noon UTC truncates to the day
		{"29/02/2023", time.Time{}, false},
		{"02/01/23", time.Time{}, false},
		{"2023-13-01", time.Time{}, false},
		{"", time.Time{}, false},
		{"1/2/3/4", time.Time{}, false},
		{"01/01/1850", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := parseDate(tt.in)
		if (err == nil) != tt.ok || (tt.ok && !got.Equal(tt.want)) {
			t.Errorf("parseDate(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestIsAggregate(t *testing.T) {
	for c, want := range map[string]bool{"WORLD": true, "EU27 & UK": true, "ROW": false, "France": false, "United Kingdom": false} {
		if IsAggregate(c) != want {
			t.Errorf("IsAggregate(%q) = %v, want %v", c, !want, want)
		}
	}
}

func TestHelpers(t *testing.T) {
	d, err := Read(strings.NewReader("country,date,sector,value\nA,02/01/2023,Power,2\nB,01/01/2023,Power,3\nA,01/01/2023,Power,1\nA,01/02/2023,Power,5\n"), "h.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Daily("A", "Power"); len(got) != 3 || got[0].MtCO2PerDay != 1 || got[1].MtCO2PerDay != 2 || got[2].MtCO2PerDay != 5 {
		t.Errorf("Daily(A, Power) = %+v, want values 1, 2, 5 in date order", got)
	}
	idx := d.Index()
	if len(idx) != 2 || len(idx[Key{"A", "Power"}]) != 3 || idx[Key{"A", "Power"}][2].MtCO2PerDay != 5 {
		t.Errorf("Index = %+v", idx)
	}
	if jan := d.Month(grid.Month{Year: 2023, Month: 1}); len(jan) != 3 {
		t.Errorf("Month(2023-01) has %d records, want 3", len(jan))
	}
	if dates := d.Dates(); len(dates) != 3 || !dates[0].Equal(day(2023, 1, 1)) || !dates[2].Equal(day(2023, 2, 1)) {
		t.Errorf("Dates = %v", dates)
	}
	if c := d.Countries(); len(c) != 2 || c[0] != "A" {
		t.Errorf("Countries = %v", c)
	}
}

// TestDaySet compares the duplicate set with a map over days on both sides
// of the first one added, before 1970 (negative day numbers) included.
func TestDaySet(t *testing.T) {
	var s daySet
	ref := map[int64]bool{}
	for i, d := range []int64{19000, 19001, 18999, 19000, 100, -25567, -25567, 73000, 19063, 19064, 18936, 100} {
		got := s.add(d)
		if got == ref[d] { // add reports new; ref says seen
			t.Fatalf("step %d: add(%d) = %v, but seen before = %v", i, d, got, ref[d])
		}
		ref[d] = true
	}
}

// TestDateLayouts reads the older export layout (country,date,sector,
// value,timestamp with DD-MM-YYYY dates) and day or month first decided
// by the file's values; it refuses what is truly ambiguous or
// contradictory, naming the line.
func TestDateLayouts(t *testing.T) {
	for _, tc := range []struct {
		file     string
		first    time.Time // the first record's day
		last     time.Time
		n        int
		errWants string
	}{
		{"old_layout_ddmm.csv", day(2020, 1, 1), day(2020, 1, 14), 14, ""},
		{"month_first_dashes.csv", day(2020, 1, 10), day(2020, 1, 15), 6, ""},
		{"bad_old_layout_timestamp.csv", time.Time{}, time.Time{}, 0, "line 6: timestamp 2020-01-06 and date 2020-01-05 name different days"},
		{"bad_ambiguous_dashes.csv", time.Time{}, time.Time{}, 0, "DD-MM-YYYY and MM-DD-YYYY cannot be told apart"},
		{"bad_mixed_date_order.csv", time.Time{}, time.Time{}, 0, "dates put the day first on line 2 but the month first on line 3"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			d, err := ReadFile(filepath.Join("testdata", tc.file))
			if tc.errWants != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errWants) || !strings.Contains(err.Error(), tc.file) {
					t.Fatalf("err = %v, want one naming the file and %q", err, tc.errWants)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Records) != tc.n || !d.Records[0].Date.Equal(tc.first) || !d.Records[tc.n-1].Date.Equal(tc.last) {
				t.Errorf("%d records from %v to %v, want %d from %v to %v", len(d.Records), d.Records[0].Date, d.Records[len(d.Records)-1].Date, tc.n, tc.first, tc.last)
			}
		})
	}
}

// TestCheckJump: a row whose daily mean jumps a thousandfold from one
// month to the next (kt written for Mt) is refused naming the row and
// the month; a real-sized shock and tiny rows are not.
func TestCheckJump(t *testing.T) {
	data := func(feb float64) *Data {
		d := &Data{Name: "cm.csv"}
		for day := 1; day <= 31; day++ {
			d.Records = append(d.Records, Record{Country: "China", Sector: "Power", Date: time.Date(2024, 1, day, 0, 0, 0, 0, time.UTC), MtCO2PerDay: 14},
				Record{Country: "Japan", Sector: "Domestic Aviation", Date: time.Date(2024, 1, day, 0, 0, 0, 0, time.UTC), MtCO2PerDay: 0.002})
		}
		for day := 1; day <= 29; day++ {
			d.Records = append(d.Records, Record{Country: "China", Sector: "Power", Date: time.Date(2024, 2, day, 0, 0, 0, 0, time.UTC), MtCO2PerDay: feb},
				Record{Country: "Japan", Sector: "Domestic Aviation", Date: time.Date(2024, 2, day, 0, 0, 0, 0, time.UTC), MtCO2PerDay: 0.0001})
		}
		return d
	}
	feb := grid.Month{Year: 2024, Month: 2}
	if err := checkJump(data(14_000), feb, DefaultMaxMonthlyJump); err == nil || !strings.Contains(err.Error(), "China Power") || !strings.Contains(err.Error(), "2024-02") || !strings.Contains(err.Error(), "cm.csv") {
		t.Errorf("kt for Mt: err = %v, want one naming cm.csv, China Power and 2024-02", err)
	}
	if err := checkJump(data(5), feb, DefaultMaxMonthlyJump); err != nil {
		t.Errorf("a drop to a third: %v, want none", err)
	}
	if err := checkJump(data(14), grid.Month{Year: 2024, Month: 1}, DefaultMaxMonthlyJump); err != nil {
		t.Errorf("the file's first month has nothing to compare with: %v", err)
	}
}

// checkJump runs CheckJump on month m of d and the month before.
func checkJump(d *Data, m grid.Month, factor float64) error {
	return CheckJump(d.Name, m, d.Month(m), d.Month(m.Add(-1)), factor)
}
