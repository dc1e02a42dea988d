package socat

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
)

func TestRead(t *testing.T) {
	tests := []struct {
		file    string
		opt     Options
		wantIs  error
		wantMsg string // "" for success
	}{
		{"synthesis_v2024.tsv", Options{}, nil, ""},
		{"single_cruise_qcid.tsv", Options{}, nil, ""},
		{"reordered_crlf_bom.tsv", Options{}, nil, ""},
		{"bad_lat.tsv", Options{}, nil, `variable "latitude", 2023-01: line 4: 91 is outside -90..90`},
		{"bad_number.tsv", Options{}, nil, `variable "SST", 2023-01: line 4: "26,5" is not a number`},
		{"bad_date.tsv", Options{}, nil, "line 4: 2023-2-30 12:1:0 is not a time"},
		{"bad_flag.tsv", Options{}, nil, "line 4: flag 2.5 is not an integer"},
		{"bad_fco2.tsv", Options{}, nil, `variable "fCO2rec", 2023-01: line 4: -381.5 is outside 0..100000`},
		{"bad_short.tsv", Options{}, nil, "line 4: 20 fields, header has 26"},
		{"bad_noheader.tsv", Options{}, ErrNoHeader, "no header line"},
		{"bad_nofco2.tsv", Options{}, ErrMissingColumn, "header on line 1: missing column fCO2rec"},
		{"all_dropped.tsv", Options{}, ErrNoValidRows, "2 data rows, dropped map[QC_Flag E:1 missing fCO2rec:1]"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			res, err := ReadFile(path, tt.opt)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, path+".golden.json", res)
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

// TestSynthesis checks the selection rules on the synthesis sample one by
// one, beside its golden file, so a failure names the rule.
func TestSynthesis(t *testing.T) {
	res, err := ReadFile(filepath.Join("testdata", "synthesis_v2024.tsv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantDropped := map[string]int{"missing fCO2rec": 1, "fCO2rec_flag 3": 1, "fCO2rec_flag 9": 1, "QC_Flag E": 2, "missing position": 1}
	if len(res.Dropped) != len(wantDropped) {
		t.Errorf("Dropped = %v, want %v", res.Dropped, wantDropped)
	}
	total := len(res.Obs)
	for k, n := range wantDropped {
		if res.Dropped[k] != n {
			t.Errorf("Dropped[%q] = %d, want %d", k, res.Dropped[k], n)
		}
	}
	for _, n := range res.Dropped {
		total += n
	}
	if res.Rows != 11 || total != res.Rows || len(res.Obs) != 5 {
		t.Errorf("rows %d, kept %d, kept+dropped %d; want 11, 5, 11", res.Rows, len(res.Obs), total)
	}
	// Longitude 0 and 360 are the same meridian; 359.5 °E is 0.5 °W.
	if res.Obs[0].LonDeg != 0 || res.Obs[1].LonDeg != 0 || res.Obs[2].LonDeg != -0.5 {
		t.Errorf("longitudes %v %v %v, want 0 0 -0.5", res.Obs[0].LonDeg, res.Obs[1].LonDeg, res.Obs[2].LonDeg)
	}
	if want := time.Date(2023, 1, 5, 12, 1, 30, 500e6, time.UTC); !res.Obs[1].Time.Equal(want) {
		t.Errorf("time %v, want %v (fractional seconds kept)", res.Obs[1].Time, want)
	}
	if o := res.Obs[2]; !math.IsNaN(o.SSTDegC) || !math.IsNaN(o.Salinity) || o.FCO2RecUatm != 383 {
		t.Errorf("row with NaN SST and sal: %+v, want it kept with NaN SST and salinity", o)
	}
	if res.Obs[4].QC != "D" || res.Obs[3].Expocode != "49P120230120" || res.HeaderLine != 11 {
		t.Errorf("QC %q expocode %q header line %d", res.Obs[4].QC, res.Obs[3].Expocode, res.HeaderLine)
	}
}

func TestOptions(t *testing.T) {
	path := filepath.Join("testdata", "synthesis_v2024.tsv")
	// Keep E cruises and questionable values too.
	res, err := ReadFile(path, Options{QCFlags: []string{"A", "B", "C", "D", "E"}, FCO2Flags: []int{2, 3}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Obs) != 8 || res.Dropped["QC_Flag E"] != 0 || res.Dropped["fCO2rec_flag 3"] != 0 {
		t.Errorf("with E and flag 3 kept: %d obs, dropped %v; want 8 obs", len(res.Obs), res.Dropped)
	}
	// Only A: the B and D cruise goes.
	res, err = ReadFile(path, Options{QCFlags: []string{"A"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Obs) != 3 || res.Dropped["QC_Flag B"] != 2 || res.Dropped["QC_Flag D"] != 1 {
		t.Errorf("A only: %d obs, dropped %v; want 3 obs, QC_Flag B 2, D 1", len(res.Obs), res.Dropped)
	}
}

func TestOldSingleCruise(t *testing.T) {
	res, err := ReadFile(filepath.Join("testdata", "single_cruise_qcid.tsv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// QC_ID 13 is C; 15 is not a kept flag.
	if len(res.Obs) != 2 || res.Obs[0].QC != "C" || res.Dropped["QC_Flag 15"] != 1 {
		t.Errorf("%d obs, QC %q, dropped %v; want 2 obs of QC C and one QC_Flag 15 dropped", len(res.Obs), res.Obs[0].QC, res.Dropped)
	}
	if o := res.Obs[0]; o.FCO2RecUatm != 369.196 || math.Abs(o.LonDeg-(337.28101-360)) > 1e-12 || o.LatDeg != 64.107 {
		t.Errorf("first obs %+v", o)
	}
}

func TestReorderedVariants(t *testing.T) {
	res, err := ReadFile(filepath.Join("testdata", "reordered_crlf_bom.tsv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Obs) != 3 {
		t.Fatalf("%d obs, want 3", len(res.Obs))
	}
	// 180 °E maps to -180 (the range is [-180, 180)); -179 stays.
	if res.Obs[0].LonDeg != -180 || res.Obs[2].LonDeg != -179 || res.Obs[0].SSTDegC != 1.5 || res.Obs[1].FCO2RecUatm != 361 {
		t.Errorf("obs %+v", res.Obs)
	}
	if want := time.Date(2024, 3, 31, 23, 59, 59, 999e6, time.UTC); !res.Obs[1].Time.Equal(want) {
		t.Errorf("time %v, want %v", res.Obs[1].Time, want)
	}
}

// TestEdgeRows covers row shapes that need no file of their own.
func TestEdgeRows(t *testing.T) {
	const hdr = "Expocode\tQC_Flag\tyr\tmon\tday\thh\tmm\tss\tlongitude\tlatitude\tfCO2rec\tfCO2rec_flag\n"
	tests := []struct {
		name, row string
		wantMsg   string // "" for success
	}{
		{"trailing empty field", "X\tA\t2023\t1\t1\t0\t0\t0\t10\t10\t400\t2\t\n", ""},
		{"extra value", "X\tA\t2023\t1\t1\t0\t0\t0\t10\t10\t400\t2\t7\n", "13 fields, header has 12"},
		{"seconds round into 2201", "X\tA\t2200\t12\t31\t23\t59\t59.99999999999\t10\t10\t400\t2\n", "is after 2200"},
		{"lon above 360", "X\tA\t2023\t1\t1\t0\t0\t0\t360.5\t10\t400\t2\n", "360.5 is outside -180..360"},
		{"empty expocode", "\tA\t2023\t1\t1\t0\t0\t0\t10\t10\t400\t2\n", "empty Expocode"},
		{"hour 24", "X\tA\t2023\t1\t1\t24\t0\t0\t10\t10\t400\t2\n", "is not a time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Read(strings.NewReader(hdr+tt.row), "edge.tsv", Options{})
			if tt.wantMsg == "" {
				if err != nil || len(res.Obs) != 1 {
					t.Fatalf("err %v, want one observation", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) || !strings.Contains(err.Error(), "line 2") {
				t.Errorf("err = %v, want one on line 2 containing %q", err, tt.wantMsg)
			}
		})
	}
}
