package inversion

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

var feb2023 = grid.Month{Year: 2023, Month: time.February}

// February 2023 has 28 days: 2 419 200 s.
const febSeconds = 28 * 86400

// want is the value every cell of a field holds (nil field: absent).
type want struct {
	bio, ocean, fire, fossil *float64
}

func v(x float64) *float64 { return &x }

func TestRead(t *testing.T) {
	molToG := 12.011 * febSeconds // mol C m-2 s-1 → g C m-2 month-1
	tests := []struct {
		file, layout string
		wantLayout   string
		want         want
	}{
		// CarbonTracker: mol m-2 s-1 positive to the atmosphere.
		{"ct-2023-02.nc", "carbontracker", "carbontracker", want{v(-1e-6 * molToG), v(2e-7 * molToG), v(-5e-8 * molToG), v(-3e-7 * molToG)}},
		{"ct-2023-02.nc", "", "carbontracker", want{v(-1e-6 * molToG), v(2e-7 * molToG), v(-5e-8 * molToG), v(-3e-7 * molToG)}},
		// CAMS: kgC m-2 month-1 positive to the atmosphere, ocean packed, no fire.
		{"cams-2023-02.nc", "cams", "cams", want{bio: v(-10), ocean: v(5), fossil: v(-20)}},
		{"cams-2023-02.nc", "", "cams", want{bio: v(-10), ocean: v(5), fossil: v(-20)}},
		// CF: direction from standard_name (land, downward) and positive (ocean).
		{"cf-2023-02.nc", "", "cf", want{bio: v(1e-9 * 1000 * febSeconds), ocean: v(1e-8 * molToG)}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.layout, func(t *testing.T) {
			p, err := Read(filepath.Join("testdata", tt.file), feb2023, tt.layout)
			if err != nil {
				t.Fatalf("Read(%s, %q): %v", tt.file, tt.layout, err)
			}
			if p.Layout != tt.wantLayout {
				t.Errorf("Read(%s, %q) layout = %q, want %q", tt.file, tt.layout, p.Layout, tt.wantLayout)
			}
			if p.Grid.NLat != 4 || p.Grid.NLon != 8 {
				t.Errorf("Read(%s) grid = %v, want 4×8", tt.file, p.Grid)
			}
			checkField(t, tt.file, "bio", p.Bio, tt.want.bio, p.Grid)
			checkField(t, tt.file, "ocean", p.Ocean, tt.want.ocean, p.Grid)
			checkField(t, tt.file, "fire", p.Fire, tt.want.fire, p.Grid)
			checkField(t, tt.file, "fossil", p.Fossil, tt.want.fossil, p.Grid)
		})
	}
}

// checkField checks every cell but the CT file's first bio cell (checked
// in TestReadOrientation) against want, to 1e-6 relative (float32).
func checkField(t *testing.T, file, name string, f *grid.Field, want *float64, g grid.Grid) {
	t.Helper()
	switch {
	case f == nil && want == nil:
		return
	case f == nil:
		t.Errorf("%s: %s absent, want %g", file, name, *want)
		return
	case want == nil:
		t.Errorf("%s: %s present, want absent", file, name)
		return
	}
	if f.Units != Units {
		t.Errorf("%s: %s units %q, want %q", file, name, f.Units, Units)
	}
	for i, x := range f.Values {
		if r, c := g.RowCol(i); strings.HasPrefix(file, "ct-") && name == "bio" && r == g.NLat-1 && c == 0 {
			continue
		}
		if math.Abs(float64(x)-*want) > 1e-6*math.Abs(*want) {
			t.Fatalf("%s: %s[%d] = %g, want %g", file, name, i, x, *want)
		}
	}
}

// TestReadOrientation: the CT file's first value (southernmost row,
// westernmost column, south-to-north latitudes) comes back in the last
// row, first column of the north-up field.
func TestReadOrientation(t *testing.T) {
	p, err := Read(filepath.Join("testdata", "ct-2023-02.nc"), feb2023, "carbontracker")
	if err != nil {
		t.Fatal(err)
	}
	want := -2e-6 * 12.011 * febSeconds
	got := p.Bio.Values[p.Grid.Index(p.Grid.NLat-1, 0)]
	if math.Abs(float64(got)-want) > 1e-6*math.Abs(want) {
		t.Errorf("bio at the south-west corner = %g, want %g", got, want)
	}
	if lat := p.Grid.LatCentre(0); lat != 67.5 {
		t.Errorf("first row at %g°N, want 67.5 (north-up)", lat)
	}
}

// TestReadMonthLength: the same mol m-2 s-1 is more carbon in a 31-day
// month; a January read of the CF file uses January's values and length.
func TestReadMonthLength(t *testing.T) {
	jan := grid.Month{Year: 2023, Month: time.January}
	p, err := Read(filepath.Join("testdata", "cf-2023-02.nc"), jan, "cf")
	if err != nil {
		t.Fatal(err)
	}
	want := 2e-8 * 12.011 * 31 * 86400
	if got := p.Ocean.Values[0]; math.Abs(float64(got)-want) > 1e-6*want {
		t.Errorf("January ocean = %g, want %g", got, want)
	}
}

func TestReadRefusals(t *testing.T) {
	tests := []struct {
		file, layout string
		month        grid.Month
		variable     string // the variable the error names ("" none)
		msg          string // a part of the message
	}{
		{"ct-2023-02.nc", "carbontracker", grid.Month{Year: 2023, Month: time.March}, "bio_flux_opt", "month absent"},
		{"ct-bad-units.nc", "carbontracker", feb2023, "bio_flux_opt", "furlongs"},
		{"ct-no-units.nc", "carbontracker", feb2023, "bio_flux_opt", "no units"},
		{"cams-no-units.nc", "cams", feb2023, "flux_apos_ocean", "no units"},
		{"ct-no-ocean.nc", "carbontracker", feb2023, "ocn_flux_opt", "variable absent"},
		{"ct-fill.nc", "carbontracker", feb2023, "bio_flux_opt", "non-finite"},
		{"ct-huge.nc", "carbontracker", feb2023, "bio_flux_opt", "physical bound"},
		{"cf-no-direction.nc", "cf", feb2023, "land_flux", "direction unknown"},
		{"both.nc", "", feb2023, "", "ambiguous"},
		{"ct-2023-02.nc", "cams", feb2023, "flux_apos_bio", "variable absent"},
		{"ct-2023-02.nc", "ctnrt", feb2023, "", "unknown"},
		{"ct-no-ocean.nc", "", feb2023, "", "no known inversion layout"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.msg, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			_, err := Read(path, tt.month, tt.layout)
			var se *ingest.SourceError
			if !errors.As(err, &se) {
				t.Fatalf("Read(%s, %s, %q) error = %v, want a SourceError", tt.file, tt.month, tt.layout, err)
			}
			if se.Path != path || se.Variable != tt.variable || se.Month != tt.month {
				t.Errorf("Read(%s) error names %s, %q, %s; want %s, %q, %s", tt.file, se.Path, se.Variable, se.Month, path, tt.variable, tt.month)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Read(%s) error = %q, want it to say %q", tt.file, err, tt.msg)
			}
		})
	}
}

func TestMonthOfName(t *testing.T) {
	tests := []struct {
		name string
		want grid.Month
		ok   bool
	}{
		{"CT-NRT.v2024-1.flux1x1.202301.nc", grid.Month{Year: 2023, Month: time.January}, true},
		{"cams73_latest_co2_flux_surface_mm_202312.nc", grid.Month{Year: 2023, Month: time.December}, true},
		{"z_cams_l_cams55_201905_FT23r3_ra_sfc_mm_co2_flux.nc", grid.Month{Year: 2019, Month: time.May}, true},
		{"fluxes.nc", grid.Month{}, false},
	}
	for _, tt := range tests {
		got, ok := monthOfName(tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("monthOfName(%q) = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}
