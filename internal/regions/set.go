package regions

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Set is the region table on one grid with every region's weights. It is
// immutable once loaded and safe for concurrent use.
type Set struct {
	grid      grid.Grid
	regions   []Region
	index     map[string]int
	countries []string  // ISO3 of the country regions, in table order
	land      []float32 // land fraction per cell
	// Land and ocean weights, cell-major. Every region but the globe has
	// entries in one of them only (its surface).
	landW, oceanW     sparse
	hasLand, hasOcean []bool // per region
	names             *nameIndex

	byRegionOnce sync.Once
	byRegion     []regionCells // land + ocean weights, region-major, built on first use
}

// regionCells lists the cells of one region and its weight in each.
type regionCells struct {
	cells   []int32
	weights []float32
}

// Grid is the grid the set lives on.
func (s *Set) Grid() grid.Grid { return s.grid }

// Regions lists every region: the globe, the countries (sorted by ISO3),
// the RECCAP2 land regions and ocean basins, the land and ocean bands and
// the special regions. Sums come in this order. The slice is shared: do
// not modify it.
func (s *Set) Regions() []Region { return s.regions }

// Lookup finds a region by id.
func (s *Set) Lookup(id string) (Region, bool) {
	i, ok := s.index[id]
	if !ok {
		return Region{}, false
	}
	return s.regions[i], true
}

// CountryOf finds a country by its ISO 3166-1 alpha-3 code (any case).
func (s *Set) CountryOf(alpha3 string) (Region, bool) {
	r, ok := s.Lookup(strings.ToUpper(strings.TrimSpace(alpha3)))
	if !ok || r.Kind != KindCountry {
		return Region{}, false
	}
	return r, true
}

// CountryIDs lists the ISO alpha-3 codes of the countries, sorted.
func (s *Set) CountryIDs() []string { return slices.Clone(s.countries) }

// LandFraction is the land share of each cell, 0..1 (a copy).
func (s *Set) LandFraction() []float32 { return slices.Clone(s.land) }

// OceanFraction is 1 − LandFraction: the water share of each cell (the
// Caspian Sea included; lakes are land, as Natural Earth draws them).
func (s *Set) OceanFraction() []float32 {
	of := make([]float32, len(s.land))
	for i, lf := range s.land {
		of[i] = 1 - lf
	}
	return of
}

// Weights returns the dense weight of region id in every cell: for a land
// region (country, RECCAP2 land, land band, special) the share of the
// cell that is its land, for an ocean region (basin, ocean band) the
// share that is its ocean, for the globe 1.
func (s *Set) Weights(id string) ([]float32, error) {
	r, ok := s.index[id]
	if !ok {
		return nil, fmt.Errorf("regions: unknown region %q", id)
	}
	rc := s.regionCells()[r]
	w := make([]float32, s.grid.Cells())
	for j, cell := range rc.cells {
		w[cell] = rc.weights[j]
	}
	return w, nil
}

// SparseWeights returns the cells where region id has weight, in
// increasing order, and its weight in each (as Weights; fresh copies).
func (s *Set) SparseWeights(id string) (cells []int32, weights []float32, err error) {
	r, ok := s.index[id]
	if !ok {
		return nil, nil, fmt.Errorf("regions: unknown region %q", id)
	}
	rc := s.regionCells()[r]
	return slices.Clone(rc.cells), slices.Clone(rc.weights), nil
}

// LandWeights returns the land weights of region id (zero for ocean
// regions; the land fraction for the globe).
func (s *Set) LandWeights(id string) ([]float32, error) { return s.dense(id, s.landW) }

// OceanWeights returns the ocean weights of region id (zero for land
// regions; the ocean fraction for the globe).
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

// regionCells transposes the land and ocean weights into one list per
// region, once.
func (s *Set) regionCells() []regionCells {
	s.byRegionOnce.Do(func() {
		rc := make([]regionCells, len(s.regions))
		// Count first: appending to the globe's million cells one by one
		// took half a second of a 0.25° month in growing slices.
		count := make([]int, len(s.regions))
		for _, sp := range []*sparse{&s.landW, &s.oceanW} {
			for _, r := range sp.region[:sp.start[s.grid.Cells()]] {
				count[r]++
			}
		}
		for r, n := range count {
			rc[r].cells, rc[r].weights = make([]int32, 0, n), make([]float32, 0, n)
		}
		for cell := 0; cell < s.grid.Cells(); cell++ {
			for _, sp := range []*sparse{&s.landW, &s.oceanW} {
				for j := sp.start[cell]; j < sp.start[cell+1]; j++ {
					r := &rc[sp.region[j]]
					if n := len(r.cells); n > 0 && r.cells[n-1] == int32(cell) {
						r.weights[n-1] += sp.weight[j] // the globe: land + ocean
						continue
					}
					r.cells = append(r.cells, int32(cell))
					r.weights = append(r.weights, sp.weight[j])
				}
			}
		}
		s.byRegion = rc
	})
	return s.byRegion
}

// HasLand reports whether region id has any land weight, so tables can
// leave out meaningless rows (the land flux of an ocean basin).
func (s *Set) HasLand(id string) bool { r, ok := s.index[id]; return ok && s.hasLand[r] }

// HasOcean reports whether region id has any ocean weight.
func (s *Set) HasOcean(id string) bool { r, ok := s.index[id]; return ok && s.hasOcean[r] }
