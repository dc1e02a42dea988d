package regions

import (
	"testing"
)

func TestAmazonia(t *testing.T) {
	s := loadSet(t, 0.25)
	g := s.Grid()
	w, _ := s.Weights(AmazoniaID)
	for _, row := range readTable(t, "amazonia.csv") {
		i, _ := g.Locate(atof(t, row["lat"]), atof(t, row["lon"]))
		if got := w[i] > 0; got != (row["in"] == "true") {
			t.Errorf("%s: in Amazonia = %v (weight %g), want %s", row["place"], got, w[i], row["in"])
		}
	}
	// Pan-Amazonia is about 8.4 million km² (RAISG); the Amazon basin 6–7.
	if a := g.TotalAreaM2(w) / 1e12; a < 7 || a > 9 {
		t.Errorf("Amazonia %.2f million km², want 7..9", a)
	} else {
		t.Logf("Amazonia: %.2f million km²", a)
	}
}

func TestInPolygon(t *testing.T) {
	square := [][2]float64{{0, 0}, {2, 0}, {2, 2}, {0, 2}}
	for _, c := range []struct {
		x, y float64
		want bool
	}{{1, 1, true}, {3, 1, false}, {-1, 1, false}, {1, 2.5, false}, {1.99, 0.01, true}} {
		if got := inPolygon(square, c.x, c.y); got != c.want {
			t.Errorf("(%g, %g): %v, want %v", c.x, c.y, got, c.want)
		}
	}
}
