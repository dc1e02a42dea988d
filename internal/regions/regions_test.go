package regions

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func TestCountriesPartitionTheLand(t *testing.T) {
	for _, res := range grid.SupportedResolutions {
		g := grid.MustNew(res)
		s, err := Load(g)
		if err != nil {
			t.Fatal(err)
		}
		sum := make([]float64, g.Cells())
		for _, id := range s.CountryIDs() {
			w, _ := s.Weights(id)
			for i, x := range w {
				sum[i] += float64(x)
			}
		}
		for i, lf := range s.LandFraction() {
			// 1e-6: float32 fractions of at most a few countries a cell.
			if math.Abs(sum[i]-float64(lf)) > 1e-6 {
				t.Fatalf("%v cell %d: countries sum to %g, land fraction %g", g, i, sum[i], lf)
			}
		}
	}
}

func TestReccapLandCoversAllCountriesButAntarctica(t *testing.T) {
	g := grid.MustNew(1)
	s, _ := Load(g)
	ones := make([]float32, g.Cells())
	for i := range ones {
		ones[i] = 1
	}
	sums := s.SumLand(ones)
	var countries, reccap, antarctic float64
	for i, r := range s.Regions() {
		switch r.Kind {
		case KindCountry:
			countries += sums[i]
			if reccapOfID(t, s, r.ID) == "" {
				antarctic += sums[i]
			}
		case KindReccapLand:
			reccap += sums[i]
		}
	}
	// 1e-9 relative: float64 sums of the same weights in another order.
	if math.Abs(reccap-(countries-antarctic))/reccap > 1e-9 {
		t.Errorf("RECCAP2 land regions sum to %.6e m², countries less the Antarctic to %.6e", reccap, countries-antarctic)
	}
	if frac := antarctic / countries; frac > 0.1 {
		t.Errorf("%.1f%% of the land is outside RECCAP2: only Antarctica and sub-Antarctic islands may be", frac*100)
	}
	if land := g.TotalAreaM2(s.LandFraction()); math.Abs(countries-land)/land > 1e-6 {
		t.Errorf("countries %.6e m² vs land fraction %.6e m²", countries, land)
	}
}

func reccapOfID(t *testing.T, s *Set, iso string) string {
	t.Helper()
	for _, c := range s.regions {
		if c.ID == iso {
			for _, r := range reccapLand {
				w, _ := s.Weights(r.ID)
				cw, _ := s.Weights(iso)
				for i := range cw {
					if cw[i] > 0 && w[i] >= cw[i]-1e-7 {
						return r.ID
					}
				}
			}
		}
	}
	return ""
}

func TestKnownPlacesAndMaskPicture(t *testing.T) {
	g := grid.MustNew(1)
	s, err := Load(g)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		lat, lon float64
		want     string // ISO3, or "" for open ocean
	}{
		{"Paris", 48.85, 2.35, "FRA"},
		{"Madrid", 40.4, -3.7, "ESP"},
		{"Brasília", -15.8, -47.9, "BRA"},
		{"Kinshasa area", -4.3, 15.3, "COD"},
		{"Beijing", 39.9, 116.4, "CHN"},
		{"central Australia", -25, 134, "AUS"},
		{"Greenland ice sheet", 72, -40, "GRL"},
		{"South Pole", -89.5, 0, "ATA"},
		{"mid-Pacific", 0, -150, ""},
		{"South Atlantic", -30, -15, ""},
	}
	owner := dominantCountry(s)
	for _, tt := range tests {
		i, _ := g.Locate(tt.lat, tt.lon)
		if got := owner[i]; got != tt.want {
			t.Errorf("%s (%g, %g): cell belongs to %q, want %q", tt.name, tt.lat, tt.lon, got, tt.want)
		}
	}
	path := filepath.Join(t.TempDir(), "countries_1deg.png")
	if err := renderCountries(path, g, s, owner); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	t.Logf("country mask picture: %s (%d bytes)", path, st.Size())
}

// dominantCountry names, per cell, the country with the largest cover ("" for
// no land).
func dominantCountry(s *Set) []string {
	g := s.Grid()
	owner := make([]string, g.Cells())
	best := make([]float32, g.Cells())
	for _, id := range s.CountryIDs() {
		w, _ := s.Weights(id)
		for i, x := range w {
			if x > best[i] {
				best[i], owner[i] = x, id
			}
		}
	}
	return owner
}

func renderCountries(path string, g grid.Grid, s *Set, owner []string) error {
	img := image.NewRGBA(image.Rect(0, 0, g.NLon*2, g.NLat*2))
	for i, id := range owner {
		c := color.RGBA{70, 110, 170, 255} // ocean
		if id != "" {
			h := uint32(2166136261)
			for _, b := range []byte(id) {
				h = (h ^ uint32(b)) * 16777619
			}
			c = color.RGBA{uint8(80 + h%150), uint8(80 + (h>>8)%150), uint8(60 + (h>>16)%120), 255}
		}
		r, col := g.RowCol(i)
		for dy := 0; dy < 2; dy++ {
			for dx := 0; dx < 2; dx++ {
				img.Set(col*2+dx, r*2+dy, c)
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return png.Encode(f, img)
}

func TestRegionTable(t *testing.T) {
	s, err := Load(grid.MustNew(2))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range s.Regions() {
		kinds[r.Kind]++
	}
	if kinds[KindCountry] < 200 || kinds[KindReccapLand] != 10 || kinds[KindReccapOcean] != 5 || kinds[KindBand] != 3 || kinds[KindSpecial] != 3 {
		t.Errorf("region kinds = %v", kinds)
	}
	if r, ok := s.Lookup("USA"); !ok || !strings.Contains(r.Name, "United States") {
		t.Errorf("Lookup(USA) = %+v %v", r, ok)
	}
	if s.HasOcean("FRA") || !s.HasLand("FRA") || s.HasLand("reccap2-ocean/pacific") || !s.HasOcean("band/tropics-20") || !s.HasLand("band/tropics-20") {
		t.Error("HasLand/HasOcean wrong")
	}
	if _, err := s.Weights("ATLANTIS"); err == nil {
		t.Error("unknown region gave no error")
	}
	if _, err := Load(grid.Global(3)); err == nil {
		t.Error("a 3° grid loaded without masks")
	}
}

func TestSumLandAndOcean(t *testing.T) {
	g := grid.MustNew(1)
	s, _ := Load(g)
	ones := make([]float32, g.Cells())
	for i := range ones {
		ones[i] = 1
	}
	land, ocean := s.SumLand(ones), s.SumOcean(ones)
	idx := map[string]int{}
	for i, r := range s.Regions() {
		idx[r.ID] = i
	}
	earth := 4 * math.Pi * grid.EarthRadiusM * grid.EarthRadiusM
	if got := land[idx["global"]] + ocean[idx["global"]]; math.Abs(got-earth)/earth > 1e-6 {
		t.Errorf("global land+ocean = %.6e m², want the sphere %.6e", got, earth)
	}
	var basins, bands float64
	for _, r := range s.Regions() {
		switch r.Kind {
		case KindReccapOcean:
			basins += ocean[idx[r.ID]]
		case KindBand:
			bands += ocean[idx[r.ID]]
		}
	}
	// Bands partition the ocean; basins all of it but the Caspian.
	if math.Abs(bands-ocean[idx["global"]])/bands > 1e-6 {
		t.Errorf("bands hold %.6e m² of ocean, globe %.6e", bands, ocean[idx["global"]])
	}
	if lost := 1 - basins/ocean[idx["global"]]; lost < 0 || lost > 0.002 {
		t.Errorf("basins miss %.3f%% of the ocean (only the Caspian Sea may be left out)", lost*100)
	}
	if pac, atl := ocean[idx["reccap2-ocean/pacific"]]/1e12, ocean[idx["reccap2-ocean/atlantic"]]/1e12; pac < 120 || pac > 180 || atl < 60 || atl > 100 {
		t.Errorf("Pacific %.0f, Atlantic %.0f million km²: implausible basin areas", pac, atl)
	}
}

func BenchmarkSumLandAndOcean025(b *testing.B) {
	g := grid.MustNew(0.25)
	s, err := Load(g)
	if err != nil {
		b.Fatal(err)
	}
	v := make([]float32, g.Cells())
	for i := range v {
		v[i] = float32(i%97) * 0.01
	}
	b.ReportMetric(float64(len(s.Regions())), "regions")
	b.ReportAllocs()
	for b.Loop() {
		s.SumLand(v)
		s.SumOcean(v)
	}
}
