package regions

import (
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// builder assembles a Set: the region table, then the land and ocean
// weights cell by cell.
type builder struct {
	s             *Set
	table         []countryRow
	countryRegion []int32 // table row -> region index
	reccapRegion  []int32 // table row -> RECCAP2 land region by country, or -1
	global        int32
	reccapByID    map[string]int32
	basin         map[string]int32
	bandLand      []int32
	bandOcean     []int32
	bands         []Band
	amazonia      int32
	canada        int32
	southeastAsia int32
	land, ocean   accumulator
}

// build assembles the region table and the sparse weights.
func build(g grid.Grid, table []countryRow, c *cover, bands []Band) *Set {
	b := newBuilder(g, table, bands, len(c.rows))
	spc := float32(c.samplesPerCell)
	k := 0
	for cell := 0; cell < g.Cells(); cell++ {
		lat, lon := g.Centre(cell)
		var landSamples uint32
		if k < len(c.cells) && int(c.cells[k]) == cell {
			for j := c.start[k]; j < c.start[k+1]; j++ {
				landSamples += c.samples[j]
				b.addCountry(int(c.rows[j]), float32(c.samples[j])/spc, lat, lon)
			}
			k++
		}
		b.addCell(float32(landSamples)/spc, lat, lon)
	}
	return b.done()
}

// newBuilder makes the region table; countryEntries sizes the land
// weights (each country entry brings a few group entries).
func newBuilder(g grid.Grid, table []countryRow, bands []Band, countryEntries int) *builder {
	s := &Set{grid: g, index: map[string]int{}, land: make([]float32, 0, g.Cells())}
	b := &builder{s: s, table: table, bands: bands, reccapByID: map[string]int32{}, basin: map[string]int32{}}
	add := func(id, name string, kind Kind) int32 {
		s.index[id] = len(s.regions)
		s.regions = append(s.regions, Region{ID: id, Name: name, Kind: kind})
		return int32(len(s.regions) - 1)
	}
	b.global = add(GlobalID, "Globe", KindGlobal)
	for _, c := range table {
		b.countryRegion = append(b.countryRegion, add(c.iso3, c.name, KindCountry))
		s.countries = append(s.countries, c.iso3)
	}
	for _, r := range reccapLand {
		b.reccapByID[r.ID] = add(r.ID, r.Name, KindReccapLand)
	}
	for _, r := range reccapOcean {
		b.basin[r.ID] = add(r.ID, r.Name, KindReccapOcean)
	}
	for _, band := range bands {
		b.bandLand = append(b.bandLand, add("band-land/"+band.Slug, band.Name+", land", KindBandLand))
	}
	for _, band := range bands {
		b.bandOcean = append(b.bandOcean, add("band-ocean/"+band.Slug, band.Name+", ocean", KindBandOcean))
	}
	b.amazonia = add(AmazoniaID, "Amazonia (pan-Amazonia after RAISG, approximate)", KindSpecial)
	b.canada = add(CanadaID, "Canada", KindSpecial)
	b.southeastAsia = add(SoutheastAsiaID, "Southeast Asia (the RECCAP2 region)", KindSpecial)
	for _, c := range table {
		r := int32(-1)
		if id := reccapOf(c.iso3, c.region, c.subregion); id != "" {
			r = b.reccapByID[id]
		}
		b.reccapRegion = append(b.reccapRegion, r)
	}
	b.land.start = make([]int32, 1, g.Cells()+1)
	b.land.region = make([]int32, 0, 3*countryEntries)
	b.land.weight = make([]float32, 0, 3*countryEntries)
	b.ocean.start = make([]int32, 1, g.Cells()+1)
	b.ocean.region = make([]int32, 0, 3*g.Cells())
	b.ocean.weight = make([]float32, 0, 3*g.Cells())
	return b
}

// Ids of the special regions.
const (
	AmazoniaID      = "special/amazonia"
	CanadaID        = "special/canada"
	SoutheastAsiaID = "special/southeast-asia"
)

// addCountry adds fraction f of a cell to table row's country and to the
// groupings it belongs to at (lat, lon).
func (b *builder) addCountry(row int, f float32, lat, lon float64) {
	b.land.add(b.countryRegion[row], f)
	rc := b.reccapRegion[row]
	if id := overseasReccap(b.table[row].region, lat, lon); id != "" {
		rc = b.reccapByID[id]
	}
	if rc < 0 {
		return
	}
	b.land.add(rc, f)
	switch rc {
	case b.reccapByID[reccapSouthAmerica]:
		if inAmazonia(lat, lon) {
			b.land.add(b.amazonia, f)
		}
	case b.reccapByID[reccapSoutheastAsia]:
		b.land.add(b.southeastAsia, f)
	}
	if b.table[row].iso3 == "CAN" {
		b.land.add(b.canada, f)
	}
}

// addCell adds the cell-wide weights (globe, bands, basins) and closes the
// cell.
func (b *builder) addCell(landFraction float32, lat, lon float64) {
	oceanFraction := 1 - landFraction
	b.s.land = append(b.s.land, landFraction)
	b.land.add(b.global, landFraction)
	b.ocean.add(b.global, oceanFraction)
	if i := bandOf(b.bands, lat); i >= 0 {
		b.land.add(b.bandLand[i], landFraction)
		b.ocean.add(b.bandOcean[i], oceanFraction)
	}
	if id := basinOf(lat, lon); id != "" {
		b.ocean.add(b.basin[id], oceanFraction)
	}
	b.land.next()
	b.ocean.next()
}

func (b *builder) done() *Set {
	s := b.s
	s.landW, s.oceanW = b.land.sparse, b.ocean.sparse
	s.hasLand, s.hasOcean = make([]bool, len(s.regions)), make([]bool, len(s.regions))
	for _, r := range s.landW.region {
		s.hasLand[r] = true
	}
	for _, r := range s.oceanW.region {
		s.hasOcean[r] = true
	}
	s.names = newNameIndex(b.table)
	return s
}

// sparse is a cell-major sparse matrix of weights: the entries of cell i
// are [start[i], start[i+1]).
type sparse struct {
	start  []int32
	region []int32
	weight []float32
}

// accumulator builds a sparse matrix cell by cell, merging repeated
// entries of one region in one cell (a cell holds a handful of entries, so
// a linear scan beats a map).
type accumulator struct {
	sparse
	cellStart int
}

func (a *accumulator) add(region int32, w float32) {
	if w <= 0 {
		return
	}
	for j := a.cellStart; j < len(a.region); j++ {
		if a.region[j] == region {
			a.weight[j] += w
			return
		}
	}
	a.region = append(a.region, region)
	a.weight = append(a.weight, w)
}

func (a *accumulator) next() {
	a.start = append(a.start, int32(len(a.region)))
	a.cellStart = len(a.region)
}
