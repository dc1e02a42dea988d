package regions

import (
	"fmt"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Grid is the grid the set lives on.
func (s *Set) Grid() grid.Grid { return s.grid }

// Regions lists every region: the globe, countries (sorted by ISO3), the
// RECCAP2 land regions and ocean basins, the bands and the special regions.
func (s *Set) Regions() []Region { return s.regions }

// Lookup finds a region by id.
func (s *Set) Lookup(id string) (Region, bool) {
	i, ok := s.index[id]
	if !ok {
		return Region{}, false
	}
	return s.regions[i], true
}

// CountryIDs lists the ISO alpha-3 codes of the countries.
func (s *Set) CountryIDs() []string { return s.countries }

// LandFraction is the land share of each cell, 0..1.
func (s *Set) LandFraction() []float32 { return s.land }

// OceanFraction is 1 − LandFraction: the ocean share of each cell (lakes
// that Natural Earth leaves outside the country polygons count as water).
func (s *Set) OceanFraction() []float32 {
	of := make([]float32, len(s.land))
	for i, lf := range s.land {
		of[i] = 1 - lf
	}
	return of
}

// Weights returns the land weights of region id (the share of each cell's
// area that is the region's land); for a country, its fractional cover.
func (s *Set) Weights(id string) ([]float32, error) { return s.dense(id, s.landW) }

// OceanWeights returns the ocean weights of region id.
func (s *Set) OceanWeights(id string) ([]float32, error) { return s.dense(id, s.oceanW) }

func (s *Set) dense(id string, sp sparse) ([]float32, error) {
	r, ok := s.index[id]
	if !ok {
		return nil, fmt.Errorf("regions: unknown region %q", id)
	}
	w := make([]float32, s.grid.Cells())
	for cell := range w {
		for j := sp.start[cell]; j < sp.start[cell+1]; j++ {
			if sp.region[j] == int32(r) {
				w[cell] = sp.weight[j]
			}
		}
	}
	return w, nil
}

// SumLand returns Σ value·area·landWeight for every region in Regions()
// order, in one pass over the grid; values are per m² of land (NaN
// skipped). Regions without land get 0.
func (s *Set) SumLand(values []float32) []float64 { return s.sum(values, s.landW) }

// SumOcean is SumLand for values per m² of ocean and the ocean weights.
func (s *Set) SumOcean(values []float32) []float64 { return s.sum(values, s.oceanW) }

func (s *Set) sum(values []float32, sp sparse) []float64 {
	out := make([]float64, len(s.regions))
	n := s.grid.NLon
	for r := 0; r < s.grid.NLat; r++ {
		area := s.grid.RowAreaM2(r)
		for cell := r * n; cell < (r+1)*n; cell++ {
			a, b := sp.start[cell], sp.start[cell+1]
			if a == b {
				continue
			}
			v := values[cell]
			if v != v {
				continue
			}
			va := float64(v) * area
			for j := a; j < b; j++ {
				out[sp.region[j]] += va * float64(sp.weight[j])
			}
		}
	}
	return out
}

// HasLand and HasOcean report whether a region has any land or ocean
// weight, so tables can leave out meaningless rows (ocean flux of a
// country).
func (s *Set) HasLand(id string) bool { r, ok := s.index[id]; return ok && s.hasLand[r] }

// HasOcean reports whether region id has ocean weight.
func (s *Set) HasOcean(id string) bool { r, ok := s.index[id]; return ok && s.hasOcean[r] }
