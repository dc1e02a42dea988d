package socat

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
)

// headerLineOf is the 1-based line of the data header in s: the line that
// starts "Expocode\tversion\t" followed by a DOI column, not the preamble's
// data-set table ("Expocode\tversion\tDataset Name").
func headerLineOf(s string) int {
	for i, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "Expocode\tversion\t") && !strings.Contains(l, "Dataset Name") {
			return i + 1
		}
	}
	return -1
}

// TestLayouts reads the synthesis and single-cruise layouts of SOCAT
// v2022–v2025 (layout_test.go): what is kept, in which order, with which
// longitude, and what is dropped for which reason.
func TestLayouts(t *testing.T) {
	type want struct {
		lon, fco2 float64
		qc        string
		time      time.Time
	}
	at := func(y, mo, d, h, mi int, s float64) time.Time {
		return time.Date(y, time.Month(mo), d, h, mi, 0, 0, time.UTC).Add(time.Duration(s * 1e9))
	}
	synth := []want{
		{0, 381.25, "A", at(2023, 1, 5, 12, 0, 0)},
		{0, 382.5, "A", at(2023, 1, 5, 12, 1, 0)}, // 360 °E is Greenwich
		{-1, 383.75, "A", at(2023, 1, 5, 12, 2, 0)},
		{-180, 401, "C", at(2023, 1, 20, 6, 0, 0)}, // 180 °E is the date line
	}
	single := func(qc string) []want {
		return []want{{170, 369.5, qc, at(2024, 3, 1, 0, 0, 0)}, {189.999 - 360, 372.5, qc, at(2024, 3, 2, 23, 59, 30.5)}}
	}
	tests := []struct {
		name, file, text string
		opt              Options
		want             []want
		dropped          map[string]int
	}{
		{"synthesis v2022, SOCAT_DOI", "SOCATv2022.tsv", synthesisFile("2022", "SOCAT_DOI"), Options{}, synth,
			map[string]int{"QC_Flag E": 1, "missing fCO2rec": 1}},
		{"synthesis v2025, Source_DOI", "SOCATv2025.tsv", synthesisFile("2025", "Source_DOI"), Options{}, synth,
			map[string]int{"QC_Flag E": 1, "missing fCO2rec": 1}},
		{"single cruise, QC column", "44SY20240301_SOCAT_enhanced.tsv", singleCruiseFile("B", true), Options{}, single("B"),
			map[string]int{"fCO2rec_flag 3": 1, "fCO2rec_flag 4": 1, "fCO2rec_flag 9": 1}},
		{"single cruise, flag in the metadata only", "44SY20240301.tsv", singleCruiseFile("D", false), Options{}, single("D"),
			map[string]int{"fCO2rec_flag 3": 1, "fCO2rec_flag 4": 1, "fCO2rec_flag 9": 1}},
		{"single cruise, questionable kept", "44SY20240301.tsv", singleCruiseFile("B", true), Options{FCO2Flags: []int{2, 3}},
			[]want{single("B")[0], {189.5 - 360, 371, "B", at(2024, 3, 1, 0, 1, 0)}, single("B")[1]},
			map[string]int{"fCO2rec_flag 4": 1, "fCO2rec_flag 9": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Read(strings.NewReader(tt.text), tt.file, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.HeaderLine != headerLineOf(tt.text) {
				t.Errorf("header on line %d, want %d (after the data-set table)", res.HeaderLine, headerLineOf(tt.text))
			}
			if len(res.Obs) != len(tt.want) {
				t.Fatalf("%d obs %+v, want %d", len(res.Obs), res.Obs, len(tt.want))
			}
			for i, w := range tt.want {
				o := res.Obs[i]
				// 1e-9°: 189.999 − 360 in float64.
				if math.Abs(o.LonDeg-w.lon) > 1e-9 || o.FCO2RecUatm != w.fco2 || o.QC != w.qc || !o.Time.Equal(w.time) || o.FCO2Flag != 2 && tt.opt.FCO2Flags == nil {
					t.Errorf("obs %d = %+v, want lon %v fCO2 %v QC %s at %v", i, o, w.lon, w.fco2, w.qc, w.time)
				}
			}
			if len(res.Dropped) != len(tt.dropped) {
				t.Errorf("dropped %v, want %v", res.Dropped, tt.dropped)
			}
			for k, n := range tt.dropped {
				if res.Dropped[k] != n {
					t.Errorf("dropped[%q] = %d, want %d", k, res.Dropped[k], n)
				}
			}
		})
	}
}

// TestLayoutRefusals: single-cruise layouts whose QC flag cannot be known,
// or that keep nothing. Each is a SourceError naming the file.
func TestLayoutRefusals(t *testing.T) {
	noFlag := strings.Replace(singleCruiseFile("B", false), "Data set QC flag: B (see below)\n", "", 1)
	twoFlags := strings.Replace(singleCruiseFile("B", false), "Data set QC flag: B (see below)\n", "Data set QC flag: B (see below)\nData set QC flag: E\n", 1)
	tests := []struct {
		name, text string
		wantIs     error
		wantMsg    string
	}{
		{"flag E in the metadata only", singleCruiseFile("E", false), ErrNoValidRows, "5 data rows, dropped map[QC_Flag E:5]"},
		{"no QC column, no stated flag", noFlag, ErrMissingColumn, "missing column QC_Flag"},
		{"no QC column, two stated flags", twoFlags, ErrMissingColumn, "the metadata block states QC flags B and E"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.text), "44SY20240301.tsv", Options{})
			var se *ingest.SourceError
			if !errors.Is(err, tt.wantIs) || !errors.As(err, &se) || se.Path != "44SY20240301.tsv" || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %v, want a SourceError naming 44SY20240301.tsv, wrapping %v, containing %q", err, tt.wantIs, tt.wantMsg)
			}
		})
	}
}
