package regions

// SumAll returns Σ value·areaM2·weight for every region in Regions()
// order, in one pass over the grid, with the weights of Weights (land
// regions over their land, ocean regions over their ocean, the globe over
// whole cells). values are per m² of cell, one per cell; NaN cells are
// skipped. It panics if len(values) is not the number of cells.
func (s *Set) SumAll(values []float32) []float64 {
	return s.sum(values, &s.landW, &s.oceanW)
}

// SumLand is SumAll for values per m² of land: it weighs every region by
// its land weights, so ocean regions get 0 and the globe its land total.
func (s *Set) SumLand(values []float32) []float64 { return s.sum(values, &s.landW, nil) }

// SumOcean is SumAll for values per m² of ocean: land regions get 0 and
// the globe its ocean total.
func (s *Set) SumOcean(values []float32) []float64 { return s.sum(values, nil, &s.oceanW) }

func (s *Set) sum(values []float32, land, ocean *sparse) []float64 {
	if len(values) != s.grid.Cells() {
		panic("regions: sum of a field of the wrong size")
	}
	out := make([]float64, len(s.regions))
	n := s.grid.NLon
	for row := 0; row < s.grid.NLat; row++ {
		area := s.grid.RowAreaM2(row)
		for cell := row * n; cell < (row+1)*n; cell++ {
			v := values[cell]
			if v != v {
				continue
			}
			va := float64(v) * area
			if land != nil {
				addEntries(out, land, cell, va)
			}
			if ocean != nil {
				addEntries(out, ocean, cell, va)
			}
		}
	}
	return out
}

func addEntries(out []float64, sp *sparse, cell int, va float64) {
	a, b := sp.start[cell], sp.start[cell+1]
	regions, weights := sp.region[a:b], sp.weight[a:b]
	for j, r := range regions {
		out[r] += va * float64(weights[j])
	}
}
