package regions

import (
	"math"
	"testing"
)

// earthLandMkm2 is the usual land area of the Earth (Antarctica, Greenland
// and inland water included), million km².
const earthLandMkm2 = 148.9

func TestEarthLandArea(t *testing.T) {
	for _, tt := range []struct{ res, tol float64 }{{0.25, 0.02}, {0.5, 0.02}, {1, 0.05}, {2, 0.05}} {
		s := loadSet(t, tt.res)
		land := s.Grid().TotalAreaM2(s.LandFraction()) / 1e12
		t.Logf("%v: land %.3f million km² (%+.2f%% against %.1f)", s.Grid(), land, 100*(land-earthLandMkm2)/earthLandMkm2, earthLandMkm2)
		if rel := math.Abs(land-earthLandMkm2) / earthLandMkm2; rel > tt.tol {
			t.Errorf("%v: land %.2f million km², want %.1f within %.0f%%", s.Grid(), land, earthLandMkm2, tt.tol*100)
		}
	}
}

func TestLandAreaAgreesAcrossGrids(t *testing.T) {
	// Every grid adds up the same fine samples, so the totals differ only
	// by the spherical area of a cell versus its samples (< 0.05 %).
	fine := loadSet(t, 0.25)
	want := fine.Grid().TotalAreaM2(fine.LandFraction())
	for _, res := range []float64{0.5, 1, 2} {
		s := loadSet(t, res)
		if got := s.Grid().TotalAreaM2(s.LandFraction()); math.Abs(got-want)/want > 5e-4 {
			t.Errorf("%g°: land %.4e m², 0.25°: %.4e m²", res, got, want)
		}
	}
}

func TestCountryAreas(t *testing.T) {
	s := loadSet(t, 0.25)
	for _, row := range readTable(t, "country_areas.csv") {
		total, land := atof(t, row["total_mkm2"]), atof(t, row["land_mkm2"])
		w, err := s.Weights(row["iso3"])
		if err != nil {
			t.Fatal(err)
		}
		got := s.Grid().TotalAreaM2(w) / 1e12
		t.Logf("%s: %.3f million km²; published total %.2f (%+.1f%%), land %.2f (%+.1f%%)",
			row["iso3"], got, total, 100*(got-total)/total, land, 100*(got-land)/land)
		want := total
		if row["compare"] == "land" {
			want = land
			if got > total {
				t.Errorf("%s: %.3f million km², more than the published total %.2f", row["iso3"], got, total)
			}
		}
		if math.Abs(got-want)/want > 0.05 {
			t.Errorf("%s: %.3f million km², published %s %.2f: off by more than 5%%", row["iso3"], got, row["compare"], want)
		}
	}
}

func TestAntarcticaAndGreenland(t *testing.T) {
	s := loadSet(t, 0.25)
	for _, c := range []struct {
		iso3     string
		min, max float64 // million km², Natural Earth's grounded land
	}{{"ATA", 11.5, 14.5}, {"GRL", 2.0, 2.25}} {
		w, _ := s.Weights(c.iso3)
		got := s.Grid().TotalAreaM2(w) / 1e12
		t.Logf("%s: %.3f million km²", c.iso3, got)
		if got < c.min || got > c.max {
			t.Errorf("%s: %.3f million km², want %g..%g", c.iso3, got, c.min, c.max)
		}
	}
	// The polar cap the generator fills is all land.
	g, lf := s.Grid(), s.LandFraction()
	for col := 0; col < g.NLon; col++ {
		if x := lf[g.Index(g.NLat-1, col)]; x != 1 {
			t.Fatalf("southernmost row, column %d: land fraction %g, want 1", col, x)
		}
	}
}
