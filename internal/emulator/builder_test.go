package emulator

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func TestSpecValidate(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "specs", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no spec cases in testdata/specs (%v)", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			var tc struct {
				WantError string      `json:"want_error"`
				Spec      FeatureSpec `json:"spec"`
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &tc); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			err = tc.Spec.Validate()
			if tc.WantError == "" && err != nil || tc.WantError != "" && (err == nil || !strings.Contains(err.Error(), tc.WantError)) {
				t.Errorf("Validate(%s) = %v, want error containing %q", file, err, tc.WantError)
			}
		})
	}
}

func TestConstructorsMakeValidSpecs(t *testing.T) {
	fs := []Feature{Raw("t2m", "degC"), Lagged("t2m", "degC", 3), RunningMean("tp", "mm month-1", 3),
		Anomaly("t2m", "degC"), Climatology("tp", "mm month-1"), Static("landfrac", "1"),
		Latitude(), AbsLatitude(), SinLatitude()}
	fs = append(append(fs, MonthOfYear()...), Longitude()...)
	spec := FeatureSpec{Features: fs, ClimFirstYear: 2001, ClimLastYear: 2010}
	if err := spec.Validate(); err != nil {
		t.Fatal(err)
	}
	want := "t2m t2m_lag3 tp_mean3 t2m_anom tp_clim landfrac lat abs_lat sin_lat month_sin month_cos lon_sin lon_cos"
	if got := strings.Join(spec.Names(), " "); got != want {
		t.Errorf("Names() = %q, want %q", got, want)
	}
	if got := strings.Join(spec.Sources(), " "); got != "t2m tp landfrac" {
		t.Errorf("Sources() = %q, want %q", got, "t2m tp landfrac")
	}
}

// tinyWorld is a 90° grid (2 rows × 4 columns) whose field "t" in month k
// after 2001-01 is k + 0.25·cell, exact in float32, with cell 3 missing in
// 2002-02; "mask" is static with value cell.
func tinyWorld() (grid.Grid, *memCubes) {
	g := grid.Global(90)
	data := newMemCubes()
	base := grid.Month{Year: 2001, Month: 1}
	for m := base; m.Year <= 2003; m = m.Add(1) {
		f := grid.NewField(g, "t", "degC")
		for c := range f.Values {
			f.Values[c] = float32(m.Sub(base)) + 0.25*float32(c)
		}
		if m == (grid.Month{Year: 2002, Month: 2}) {
			f.Values[3] = float32(math.NaN())
		}
		data.put(m, f)
	}
	mask := grid.NewField(g, "mask", "1")
	for c := range mask.Values {
		mask.Values[c] = float32(c)
	}
	data.put(grid.Month{}, mask)
	return g, data
}

func TestBuilderRows(t *testing.T) {
	g, data := tinyWorld()
	nan := math.NaN()
	// Month 2002-03 is k = 14. March climatology over 2001-2002: k = 2 and
	// 14, mean 8; February's for cell 3 has only 2001 (k = 1).
	tests := []struct {
		f    Feature
		want [2]float64 // cells 5 and 3
	}{
		{Raw("t", "degC"), [2]float64{14 + 1.25, 14 + 0.75}},
		{Lagged("t", "degC", 2), [2]float64{12 + 1.25, 12 + 0.75}},
		{Lagged("t", "degC", 1), [2]float64{13 + 1.25, nan}},
		{RunningMean("t", "mm month-1", 3), [2]float64{13 + 1.25, nan}}, // units fixed below
		{Anomaly("t", "degC"), [2]float64{6, 6}},
		{Feature{Name: "t_anom_lag1_mean2", Kind: KindAnomaly, Source: "t", Units: "degC", Lag: 1, Window: 2}, [2]float64{6, nan}},
		{Climatology("t", "degC"), [2]float64{8 + 1.25, 8 + 0.75}},
		{Static("mask", "1"), [2]float64{5, 3}},
		{MonthOfYear()[0], [2]float64{math.Sin(2.5 * math.Pi / 6), math.Sin(2.5 * math.Pi / 6)}},
		{MonthOfYear()[1], [2]float64{math.Cos(2.5 * math.Pi / 6), math.Cos(2.5 * math.Pi / 6)}},
		{Latitude(), [2]float64{-45, 45}},
		{AbsLatitude(), [2]float64{45, 45}},
		{SinLatitude(), [2]float64{-math.Sqrt2 / 2, math.Sqrt2 / 2}},
		{Longitude()[0], [2]float64{-math.Sqrt2 / 2, math.Sqrt2 / 2}}, // cell 5: lon −45; cell 3: 135
		{Longitude()[1], [2]float64{math.Sqrt2 / 2, -math.Sqrt2 / 2}},
	}
	tests[3].f.Units = "degC"
	spec := FeatureSpec{ClimFirstYear: 2001, ClimLastYear: 2002}
	for _, tt := range tests {
		spec.Features = append(spec.Features, tt.f)
	}
	b, err := NewBuilder(g, spec, data)
	if err != nil {
		t.Fatal(err)
	}
	x, nrow, ncol, err := b.Rows(grid.Month{Year: 2002, Month: 3}, []int{5, 3})
	if err != nil {
		t.Fatal(err)
	}
	if nrow != 2 || ncol != len(tests) {
		t.Fatalf("shape %d×%d, want 2×%d", nrow, ncol, len(tests))
	}
	for j, tt := range tests {
		for i, want := range tt.want {
			got := float64(x[i*ncol+j])
			// 1e-6: float32 storage of values of order 10.
			if math.IsNaN(want) != math.IsNaN(got) || math.Abs(got-want) > 1e-6 {
				t.Errorf("%s, cell %d: got %v, want %v", tt.f.Name, []int{5, 3}[i], got, want)
			}
		}
	}
}

func TestBuilderErrors(t *testing.T) {
	g, data := tinyWorld()
	march := grid.Month{Year: 2002, Month: 3}
	other := grid.NewField(grid.Global(45), "u", "m s-1")
	data.put(march, other)
	tests := []struct {
		name       string
		f          Feature
		cells      []int
		wantSource string
		wantMonth  grid.Month
		want       string
	}{
		{"missing source", Raw("v", "m s-1"), nil, "v", march, `feature "v": source "v", 2002-03: no field`},
		{"wrong units", Raw("t", "K"), nil, "t", march, `units "degC", feature wants "K"`},
		{"lag before the data", Lagged("t", "degC", 20), nil, "t", grid.Month{Year: 2000, Month: 7}, "2000-07"},
		{"wrong grid", Raw("u", "m s-1"), nil, "u", march, "on grid"},
		{"climatology year missing", Feature{Name: "t_clim", Kind: KindClimatology, Source: "t", Units: "degC"}, nil, "t", grid.Month{Year: 2004, Month: 3}, "climatology 2001-2004"},
		{"cell outside grid", Raw("t", "degC"), []int{8}, "", grid.Month{}, "cell 8 outside grid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := FeatureSpec{Features: []Feature{tt.f}, ClimFirstYear: 2001, ClimLastYear: 2004}
			b, err := NewBuilder(g, spec, data)
			if err != nil {
				t.Fatal(err)
			}
			_, _, _, err = b.Rows(march, tt.cells)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Rows error = %v, want one containing %q", err, tt.want)
			}
			var ie *InputError
			if tt.wantSource != "" && (!errors.As(err, &ie) || ie.Source != tt.wantSource || ie.Month != tt.wantMonth || ie.Feature != tt.f.Name) {
				t.Errorf("error %v: want an InputError for feature %q, source %q, month %s", err, tt.f.Name, tt.wantSource, tt.wantMonth)
			}
		})
	}
}

// TestBuilderReadsEachFieldOnce walks a year of months with a lag and a
// running mean: after the first month, each month needs one new field.
func TestBuilderReadsEachFieldOnce(t *testing.T) {
	g, data := tinyWorld()
	spec := FeatureSpec{Features: []Feature{Raw("t", "degC"), Lagged("t", "degC", 1), RunningMean("t", "degC", 3)}}
	b, err := NewBuilder(g, spec, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range months(2002, 2002) {
		if _, _, _, err := b.Rows(m, nil); err != nil {
			t.Fatal(err)
		}
	}
	if want := 3 + 11; data.reads != want {
		t.Errorf("%d field reads for 12 months, want %d", data.reads, want)
	}
	if len(b.cache) > 3 {
		t.Errorf("cache holds %d fields, want at most the 3 months the spec reaches", len(b.cache))
	}
}
