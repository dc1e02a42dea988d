package regions

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestKnownCellsAndMaskPicture renders the 1° country mask to a PNG (look
// at it with -v: the path is logged) and checks known places.
func TestKnownCellsAndMaskPicture(t *testing.T) {
	s := loadSet(t, 1)
	g := s.Grid()
	owner := dominantCountry(s)
	lf := s.LandFraction()
	basins := map[string][]float32{}
	for _, r := range reccapOcean {
		basins[r.ID], _ = s.Weights(r.ID)
	}
	for _, row := range readTable(t, "known_cells.csv") {
		i, ok := g.Locate(atof(t, row["lat"]), atof(t, row["lon"]))
		if !ok {
			t.Fatalf("%s: outside the grid", row["place"])
		}
		if owner[i] != row["iso3"] {
			t.Errorf("%s: cell %d belongs to %q, want %q", row["place"], i, owner[i], row["iso3"])
		}
		if row["iso3"] == "" {
			if lf[i] != 0 {
				t.Errorf("%s: open ocean with land fraction %g", row["place"], lf[i])
			}
			if w := basins["reccap2-ocean/"+row["basin"]]; w == nil || w[i] != 1 {
				t.Errorf("%s: not wholly in basin %q", row["place"], row["basin"])
			}
		}
	}
	path := filepath.Join(t.TempDir(), "countries_1deg.png")
	if err := renderCountries(path, g, owner); err != nil {
		t.Fatal(err)
	}
	checkPicture(t, path, g, owner)
}

// dominantCountry names, per cell, the country with the largest cover
// ("" for no land).
func dominantCountry(s *Set) []string {
	owner := make([]string, s.Grid().Cells())
	best := make([]float32, len(owner))
	for _, id := range s.CountryIDs() {
		cells, w, _ := s.SparseWeights(id)
		for j, c := range cells {
			if w[j] > best[c] {
				best[c], owner[c] = w[j], id
			}
		}
	}
	return owner
}

var oceanColour = color.RGBA{70, 110, 170, 255}

// countryColour is a stable colour per country (FNV hash of the code).
func countryColour(id string) color.RGBA {
	h := uint32(2166136261)
	for _, b := range []byte(id) {
		h = (h ^ uint32(b)) * 16777619
	}
	return color.RGBA{uint8(80 + h%150), uint8(80 + (h>>8)%150), uint8(60 + (h>>16)%120), 255}
}

func renderCountries(path string, g grid.Grid, owner []string) error {
	img := image.NewRGBA(image.Rect(0, 0, g.NLon*2, g.NLat*2))
	for i, id := range owner {
		c := oceanColour
		if id != "" {
			c = countryColour(id)
		}
		r, col := g.RowCol(i)
		for dy := 0; dy < 2; dy++ {
			for dx := 0; dx < 2; dx++ {
				img.SetRGBA(col*2+dx, r*2+dy, c)
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// checkPicture decodes the PNG back and checks a few pixels, so a broken
// renderer cannot pass.
func checkPicture(t *testing.T, path string, g grid.Grid, owner []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() != 2*g.NLon || b.Dy() != 2*g.NLat {
		t.Fatalf("%s: %v, want %d×%d", path, b, 2*g.NLon, 2*g.NLat)
	}
	paris, _ := g.Locate(48.85, 2.35)
	pacific, _ := g.Locate(0, -150)
	for _, c := range []struct {
		cell int
		want color.RGBA
	}{{paris, countryColour("FRA")}, {pacific, oceanColour}} {
		r, col := g.RowCol(c.cell)
		if got := color.RGBAModel.Convert(img.At(2*col+1, 2*r+1)).(color.RGBA); got != c.want {
			t.Errorf("pixel of cell %d (%s) is %v, want %v", c.cell, owner[c.cell], got, c.want)
		}
	}
	st, _ := f.Stat()
	t.Logf("country mask picture: %s (%d bytes)", path, st.Size())
}

// TestCountryExtents: no country has cover outside its known extent.
func TestCountryExtents(t *testing.T) {
	s := loadSet(t, 0.25)
	g := s.Grid()
	for _, row := range readTable(t, "country_extents.csv") {
		west, east := atof(t, row["west"]), atof(t, row["east"])
		south, north := atof(t, row["south"]), atof(t, row["north"])
		cells, _, err := s.SparseWeights(row["iso3"])
		if err != nil || len(cells) == 0 {
			t.Fatalf("%s: %d cells, %v", row["iso3"], len(cells), err)
		}
		bad := 0
		for _, c := range cells {
			lat, lon := g.Centre(int(c))
			inLon := lon >= west && lon <= east
			if west > east {
				inLon = lon >= west || lon <= east
			}
			if !inLon || lat < south || lat > north {
				if bad++; bad <= 3 {
					t.Errorf("%s has cover at (%g, %g), outside %s..%s°E, %s..%s°N", row["iso3"], lat, lon, row["west"], row["east"], row["south"], row["north"])
				}
			}
		}
		if bad > 3 {
			t.Errorf("%s: %d cells outside its extent", row["iso3"], bad)
		}
	}
}
