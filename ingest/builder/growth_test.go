package builder

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/noaa"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Synthetic growth tables in NOAA's layouts (values invented).
const (
	growthTxt = "# File Creation: Thu Feb  5 03:55:17 2026\n#\n# year     ann inc         unc\n" +
		"  2022        2.27        0.10\n  2023        2.81        0.15\n"
	growthNoUnc  = "# year     ann inc\n  2022        2.27\n  2023        2.81\n"
	growthTo2022 = "year,ann inc,unc\n2021,2.41,0.08\n2022,2.27,0.10\n"
	growthMissed = "# year     ann inc         unc\n  2022        2.27        0.10\n  2023      -99.99      -99.99\n"
	growthBroken = "year,ann inc,unc\n2022,2.27,0.10\n2023,2.8l,0.15\n"
	annualMeans  = "Year,Mean,Uncertainty\n2022,416.55,0.08\n2023,418.93,0.10\n"
)

// TestBuildGrowth: the optional co2_growth source gives the cube NOAA's
// rate of the month's year when the table has it, nil (neither an error
// nor provisional) when the file or the year is absent, and an error
// naming the file for a broken table or one of the wrong kind.
func TestBuildGrowth(t *testing.T) {
	may := grid.Month{Year: 2023, Month: 5}
	tests := []struct {
		name       string
		file       string // "" = no file written
		configured bool
		want       float64 // NaN: want nil
		wantUnc    float64
		wantErr    string
		wantIs     error
	}{
		{"not configured", growthTxt, false, math.NaN(), 0, "", nil},
		{"text", growthTxt, true, 2.81, 0.15, "", nil},
		{"no unc column", growthNoUnc, true, 2.81, math.NaN(), "", nil},
		{"absent file", "", true, math.NaN(), 0, "", nil},
		{"year not yet published", growthTo2022, true, math.NaN(), 0, "", nil},
		{"year marked missing", growthMissed, true, math.NaN(), 0, "", nil},
		{"broken", growthBroken, true, 0, 0, `line 3: "2.8l" is not a number`, nil},
		{"annual means", annualMeans, true, 0, 0, "annual-mean table, want growth rates", noaa.ErrWrongKind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := inputs(t, may)
			path := filepath.Join(in, "noaa", "co2_gr_gl.txt")
			if tt.file != "" {
				write(t, path, tt.file)
			}
			cfg := testConfig(t, in)
			if tt.configured {
				cfg.Sources["co2_growth"] = config.Source{Path: "noaa/co2_gr_gl.txt"}
			}
			c, err := New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), may)
			if tt.wantErr != "" {
				var se *ingest.SourceError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), path) || !errors.As(err, &se) {
					t.Fatalf("err = %v, want a SourceError naming %s and containing %q", err, path, tt.wantErr)
				}
				if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
					t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Provisional() {
				t.Errorf("cube provisional (missing %v); co2_growth must never make it so", c.Missing)
			}
			g := c.NOAAGrowth
			switch {
			case math.IsNaN(tt.want) && g != nil:
				t.Errorf("NOAAGrowth = %+v, want nil", *g)
			case math.IsNaN(tt.want):
			case g == nil:
				t.Errorf("NOAAGrowth = nil, want %g ± %g", tt.want, tt.wantUnc)
			case g.Year != 2023 || g.PPMPerYear != tt.want || !sameOrNaN(g.UncPPMPerYear, tt.wantUnc) || g.Source != path:
				t.Errorf("NOAAGrowth = %+v, want 2023: %g ± %g from %s", *g, tt.want, tt.wantUnc, path)
			}
		})
	}
}

// TestGrowthArrival: a growth table that appears after a month was built
// changes the month's key, so the month is rebuilt with it rather than
// served from the cache without it.
func TestGrowthArrival(t *testing.T) {
	may := grid.Month{Year: 2023, Month: 5}
	in := inputs(t, may)
	cfg := testConfig(t, in)
	cfg.Sources["co2_growth"] = config.Source{Path: "noaa/co2_gr_gl.txt"}
	c, err := New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), may)
	if err != nil || c.NOAAGrowth != nil {
		t.Fatalf("without the table: err %v, growth %+v; want nil, nil", err, c.NOAAGrowth)
	}
	write(t, filepath.Join(in, "noaa", "co2_gr_gl.txt"), growthTxt)
	c2, err := New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), may)
	if err != nil {
		t.Fatal(err)
	}
	if c2.Key == c.Key || c2.NOAAGrowth == nil || c2.NOAAGrowth.PPMPerYear != 2.81 || c2.NOAAGrowth.Vintage != "Thu Feb  5 03:55:17 2026" {
		t.Errorf("after the table arrived: key changed %v, growth %+v; want a new key and 2.81 of vintage Thu Feb  5 03:55:17 2026", c2.Key != c.Key, c2.NOAAGrowth)
	}
}

func sameOrNaN(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
