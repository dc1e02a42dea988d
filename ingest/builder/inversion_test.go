package builder

import (
	"context"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/ingest/inversion"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
	"github.com/carbonbudget/carbonbudget/internal/twin"
)

// TestInversionLayoutsMatch keeps the config's layout list and the
// reader's equal.
func TestInversionLayoutsMatch(t *testing.T) {
	if !slices.Equal(config.InversionLayouts, inversion.Layouts) {
		t.Errorf("config.InversionLayouts = %v, inversion.Layouts = %v", config.InversionLayouts, inversion.Layouts)
	}
}

// gtc is a field's global total in GtC (per m² of cell values).
func gtc(f *grid.Field) float64 {
	var s float64
	areas := f.Grid.AreasM2()
	for i, x := range f.Values {
		if x == x {
			s += float64(x) * areas[i]
		}
	}
	return s * 1e-15
}

// TestTwinInversions builds a twin month with both inversion products and
// compares their global totals with the twin's truth: the net land flux
// the atmosphere sees (S_LAND − E_LUC + river uptake), the contemporary
// ocean flux and the fossil emissions.
func TestTwinInversions(t *testing.T) {
	opt, cfg, set := twinWorld(t)
	m := grid.Month{Year: 2014, Month: 7}
	c, err := New(cfg, set.LandFraction(), slog.New(slog.DiscardHandler)).Cube(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	// A second builder on the same work directory loads the stored cube:
	// the product fields survive the store (their names hold '/' and '-').
	stored, err := New(cfg, set.LandFraction(), slog.New(slog.DiscardHandler)).Cube(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range c.Models(cube.InvBioPrefix) {
		a, b := c.Fields[cube.InvBioPrefix+name], stored.Fields[cube.InvBioPrefix+name]
		if b == nil || !slices.Equal(a.Values, b.Values) {
			t.Errorf("%s%s differs after the store", cube.InvBioPrefix, name)
		}
	}
	if got := c.Models(cube.InvBioPrefix); !slices.Equal(got, []string{"CAMS", "CT-NRT"}) {
		t.Errorf("products in the cube: %v, want CAMS and CT-NRT", got)
	}
	truth := twinMonth(t, opt, m)
	g := cfg.Grid()
	areas, land := g.AreasM2(), set.LandFraction()
	var landGtC, oceanGtC, fossilGtC float64
	for i := range areas {
		lf := float64(land[i])
		if lf > 0 {
			landGtC += areas[i] * lf * (finite(truth.NBP[i]) - finite(truth.ELUC[i])) * 1e-15
			fossilGtC += areas[i] * lf * finite(truth.Fossil[i]) * 1e-15
		}
		if lf < 1 {
			oceanGtC += areas[i] * (1 - lf) * finite(truth.FgCO2[i]) * 1e-15
		}
	}
	landGtC += truth.Budget.River
	for _, p := range []struct {
		name    string
		hasFire bool
	}{{"CT-NRT", true}, {"CAMS", false}} {
		field := func(prefix string) *grid.Field {
			f, err := c.Field(prefix + p.name)
			if err != nil {
				t.Fatal(err)
			}
			if f.Units != cube.InversionUnits || f.Grid != g {
				t.Errorf("%s%s: units %q on %v, want %q on %v", prefix, p.name, f.Units, f.Grid, cube.InversionUnits, g)
			}
			return f
		}
		net := gtc(field(cube.InvBioPrefix))
		if _, ok := c.Fields[cube.InvFirePrefix+p.name]; ok != p.hasFire {
			t.Errorf("%s: fire field present %v, want %v", p.name, ok, p.hasFire)
		} else if ok {
			fire := gtc(field(cube.InvFirePrefix))
			if fire >= 0 {
				t.Errorf("%s: fire %.3f GtC/month, want negative (emission, out of the surface)", p.name, fire)
			}
			net += fire
		}
		ocean := gtc(field(cube.InvOceanPrefix))
		fossil := -gtc(field(cube.InvFossilPrefix))
		t.Logf("%s %s: land %.3f (truth %.3f), ocean %.3f (truth %.3f), fossil %.3f (truth %.3f) GtC/month",
			p.name, m, net, landGtC, ocean, oceanGtC, fossil, fossilGtC)
		// The products err by design (correlated noise, prior leakage of
		// a few % of fossil, coastal mis-partition): within 0.25 GtC a
		// month on land and 0.15 on the ocean, where the truth's monthly
		// land flux swings by several GtC over the seasons.
		if math.Abs(net-landGtC) > 0.25 {
			t.Errorf("%s: net land %.3f GtC/month, truth %.3f", p.name, net, landGtC)
		}
		if math.Abs(ocean-oceanGtC) > 0.15 {
			t.Errorf("%s: ocean %.3f GtC/month, truth %.3f", p.name, ocean, oceanGtC)
		}
		// The imposed fossil prior is within 3% of the truth, not equal.
		if r := fossil / fossilGtC; r < 0.97 || r > 1.03 || math.Abs(r-1) < 1e-3 {
			t.Errorf("%s: fossil prior / truth = %.4f, want within 3%% and not exact", p.name, r)
		}
	}
}

func twinMonth(t *testing.T, opt twin.Options, m grid.Month) *twin.MonthFields {
	t.Helper()
	set, err := regions.Load(grid.MustNew(opt.ResDeg))
	if err != nil {
		t.Fatal(err)
	}
	w, err := twin.New(set, opt)
	if err != nil {
		t.Fatal(err)
	}
	for {
		f, err := w.Next(context.Background())
		if err != nil {
			t.Fatalf("twin month %s: %v", m, err)
		}
		if f.Month == m {
			return f
		}
	}
}

func finite(x float32) float64 {
	if x != x {
		return 0
	}
	return float64(x)
}

// TestInversionLatency: the twin's last month has neither product yet.
// The month still builds, is not provisional for it, and the catalogue
// lists both products as missing.
func TestInversionLatency(t *testing.T) {
	_, cfg, set := twinWorld(t)
	m := grid.Month{Year: 2015, Month: 12}
	c, err := New(cfg, set.LandFraction(), slog.New(slog.DiscardHandler)).Cube(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(c.Missing, InversionSource) {
		t.Errorf("missing = %v: a late inversion must not make the month provisional", c.Missing)
	}
	missing := 0
	for _, e := range c.Catalogue {
		if e.Source == InversionSource {
			if e.Status != "missing" {
				t.Errorf("%s %s: status %q, want missing", e.Model, m, e.Status)
			}
			missing++
		}
	}
	if missing != 2 {
		t.Errorf("%d inversion entries in the catalogue, want 2", missing)
	}
	for _, name := range c.FieldNames() {
		if strings.HasPrefix(name, "inv") {
			t.Errorf("field %s present for a month the products have not published", name)
		}
	}
}

// TestInversionBrokenFile: a product file that is there but is not
// netCDF fails the month, naming the file and the month.
func TestInversionBrokenFile(t *testing.T) {
	_, cfg, set := twinWorld(t)
	m := grid.Month{Year: 2015, Month: 12}
	cfg.InputDir = t.TempDir()
	cfg.Sources = map[string]config.Source{}
	cfg.Inversions = []config.Inversion{{Name: "CT-NRT", Layout: "carbontracker", Path: "ct/CT-NRT.{yyyy}{mm}.nc"}}
	path := config.ExpandPath(cfg.InputDir, cfg.Inversions[0].Path, m, "CT-NRT")
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte("<html>502 Bad Gateway</html>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := New(cfg, set.LandFraction(), slog.New(slog.DiscardHandler)).Cube(context.Background(), m)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), m.String()) {
		t.Errorf("Cube with a broken inversion file: error %v, want one naming %s and %s", err, path, m)
	}
}
