package units

import (
	"math"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func TestConvert(t *testing.T) {
	jan23 := grid.Month{Year: 2023, Month: 1} // 31 days
	feb23 := grid.Month{Year: 2023, Month: 2} // 28 days = 2 419 200 s
	feb24 := grid.Month{Year: 2024, Month: 2} // 29 days (leap year)
	apr23 := grid.Month{Year: 2023, Month: 4} // 30 days = 2 592 000 s
	tests := []struct {
		from, to string
		m        grid.Month
		in, want float64
	}{
		{"K", "degC", jan23, 273.15, 0},
		{"[K]", "degC", jan23, 300, 26.85}, // GRIB spelling through GDAL
		{"degC", "degC", jan23, 12.5, 12.5},
		{"degrees_Celsius", "degC", jan23, -1.8, -1.8},
		// ERA5 monthly-mean tp is metres per day: 2 mm/day over 29 days.
		{"m", "mm month-1", feb24, 0.002, 58},
		{"m of water equivalent", "mm month-1", jan23, 0.001, 31},
		{"mm day-1", "mm month-1", apr23, 2, 60},
		// ERA5 tp in GRIB 2: kg m-2 (mm) per day; 2 kg m-2 over 29 days.
		{"kg m**-2", "mm month-1", feb24, 2, 58},
		{"kg m-2 s-1", "mm month-1", apr23, 1e-5, 25.92},
		// ERA5 monthly-mean ssrd: J m-2 per day; 8.64 MJ m-2 day-1 = 100 W m-2.
		{"J m**-2", "W m-2", jan23, 8.64e6, 100},
		{"W*s/m^2", "W m-2", jan23, 8.64e6, 100}, // GDAL's GRIB1 unit of ERA5 ssrd
		{"-", "1", jan23, 0.3, 0.3},              // GDAL's GRIB1 unit of ERA5 ci
		{"kg C m-2 s-1", "g C m-2 month-1", feb23, 1e-8, 24.192},
		{"kg m-2 s-1", "g C m-2 month-1", feb23, 1e-8, 24.192},
		// 1e-7 mol m-2 s-1 × 12.011 g/mol × 2 592 000 s = 3.1132512 g C m-2.
		{"mol m-2 s-1", "g C m-2 month-1", apr23, 1e-7, 3.1132512},
		{"g C m-2 month-1", "g C m-2 month-1", apr23, 7, 7},
		{"gC/m2/month", "g C m-2 month-1", apr23, 7, 7},
		{"g C / m^2 / month", "g C m-2 month-1", apr23, 7, 7}, // GFED4.1s netCDF conversions
		{"kg C m-2 month-1", "g C m-2 month-1", apr23, 0.007, 7},
		// GFED5 CO2 in g CO2: 44.009 g CO2 hold 12.011 g C.
		{"g CO2 m-2 month-1", "g C m-2 month-1", feb23, 44.009, 12.011},
		{"Pa", "hPa", jan23, 101325, 1013.25},
		{"hPa", "Pa", jan23, 1013.25, 101325},
		{"millibars", "hPa", jan23, 500, 500},
		{"%", "1", jan23, 50, 0.5},
		{"(0 - 1)", "1", jan23, 0.25, 0.25}, // ERA5 siconc
		{"", "1", jan23, 0.7, 0.7},
		{"m s**-1", "m s-1", jan23, 3, 3},
		{"m**3 m**-3", "m3 m-3", jan23, 0.3, 0.3},
		{"psu", "1e-3", jan23, 35, 35},
		{"PSU", "1e-3", jan23, 35, 35},
		{"g kg-1", "1e-3", jan23, 35, 35},
		{"mg m^-3", "mg m-3", jan23, 0.2, 0.2},
		{"milligram m-3", "mg m-3", jan23, 0.2, 0.2},
	}
	for _, tt := range tests {
		v := []float32{float32(tt.in), float32(math.NaN())}
		if err := Convert(v, tt.from, tt.to, tt.m); err != nil {
			t.Errorf("Convert(%v, %q -> %q, %v): %v", tt.in, tt.from, tt.to, tt.m, err)
			continue
		}
		// float32 storage: 1e-6 relative, plus an absolute floor for zero.
		if math.Abs(float64(v[0])-tt.want) > 1e-6*math.Abs(tt.want)+1e-5 {
			t.Errorf("Convert(%v, %q -> %q, %v) = %v, want %v", tt.in, tt.from, tt.to, tt.m, v[0], tt.want)
		}
		if !math.IsNaN(float64(v[1])) {
			t.Errorf("Convert(NaN, %q -> %q) = %v, want NaN", tt.from, tt.to, v[1])
		}
	}
}

func TestConvertErrors(t *testing.T) {
	m := grid.Month{Year: 2023, Month: 1}
	tests := []struct {
		from, to string
		m        grid.Month
		mention  string
	}{
		{"furlongs", "m", m, `"furlongs"`},
		{"K", "kelvins per fortnight", m, `"kelvins per fortnight"`},
		{"degC", "K", m, `"degC"`}, // only K -> degC is a canonical conversion
		{"m", "degC", m, `"m"`},
		{"J m-2", "mm month-1", m, `"J m-2"`},
		{"kg C m-2 s-1", "g C m-2 month-1", grid.Month{}, "needs the month"},
		{"m", "mm month-1", grid.Month{}, "needs the month"},
	}
	for _, tt := range tests {
		v := []float32{1}
		err := Convert(v, tt.from, tt.to, tt.m)
		if err == nil || !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("Convert(%q -> %q) error = %v, want one mentioning %s", tt.from, tt.to, err, tt.mention)
		}
		if v[0] != 1 {
			t.Errorf("Convert(%q -> %q) failed but changed the values to %v", tt.from, tt.to, v)
		}
	}
}

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{
		"m s**-1": "m s-1", " [C] ": "degC", "W  m-2": "W m-2", "kg C m**-2 s**-1": "kg C m-2 s-1",
		"g/kg": "1e-3", "percent": "%", "mol m^-2 s^-1": "mol m-2 s-1",
	} {
		if got, err := Canonical(in); err != nil || got != want {
			t.Errorf("Canonical(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	// Every canonical unit of the cube is itself accepted.
	for _, u := range []string{"degC", "mm month-1", "W m-2", "m3 m-3", "m s-1", "1", "hPa", "m", "1e-3", "mg m-3", "g C m-2 month-1"} {
		if got, err := Canonical(u); err != nil || got != u {
			t.Errorf("Canonical(%q) = %q, %v; want itself", u, got, err)
		}
	}
}

func BenchmarkConvert(b *testing.B) {
	v := make([]float32, 1440*721)
	b.ReportAllocs()
	for b.Loop() {
		if err := Convert(v, "kg C m-2 s-1", "g C m-2 month-1", grid.Month{Year: 2023, Month: 2}); err != nil {
			b.Fatal(err)
		}
	}
}
