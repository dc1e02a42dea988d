package mapimg

import (
	"fmt"
	"sync"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// Outline is where the coastlines and the country borders of a grid run,
// derived from the committed Natural Earth masks (data/regions, through
// internal/regions): a cell is land when at least half of it is, and
// belongs to the country with the largest cover in it. Coastlines are the
// edges between land and ocean cells, borders the edges between land
// cells of different countries, so both follow the grid's cells.
type Outline struct {
	Grid    grid.Grid
	Country []int32 // per cell: index into Names, -1 for ocean
	Names   []string
	IDs     []string // ISO 3166-1 alpha-3, as Names
}

var outlines sync.Map // grid.Grid → *Outline

// OutlineOf returns the outline of g, computed once per grid.
func OutlineOf(g grid.Grid) (*Outline, error) {
	if o, ok := outlines.Load(g); ok {
		return o.(*Outline), nil
	}
	set, err := regions.Load(g)
	if err != nil {
		return nil, fmt.Errorf("outline of the %v° grid: %w", g.DLon, err)
	}
	o := &Outline{Grid: g, Country: make([]int32, g.Cells())}
	best := make([]float32, g.Cells())
	land := set.LandFraction()
	for i := range o.Country {
		o.Country[i] = -1
	}
	for _, id := range set.CountryIDs() {
		r, _ := set.Lookup(id)
		cells, w, err := set.SparseWeights(id)
		if err != nil {
			return nil, err
		}
		k := int32(len(o.IDs))
		o.IDs, o.Names = append(o.IDs, id), append(o.Names, r.Name)
		for j, c := range cells {
			if land[c] >= 0.5 && w[j] > best[c] {
				best[c], o.Country[c] = w[j], k
			}
		}
	}
	outlines.Store(g, o)
	return o, nil
}

// A Segment is a straight piece of outline in degrees of longitude and
// latitude.
type Segment struct{ Lon0, Lat0, Lon1, Lat1 float64 }

// Lines returns the coastline and border segments, each run of
// consecutive cell edges along one grid line merged into one segment.
func (o *Outline) Lines() (coast, border []Segment) {
	nlon, nlat := o.Grid.NLon, o.Grid.NLat
	res := 180 / float64(nlat)
	lonOf := func(col int) float64 { return -180 + float64(col)*res }
	latOf := func(row int) float64 { return 90 - float64(row)*res }
	kind := func(a, b int32) int { // 0 none, 1 coast, 2 border
		switch {
		case (a < 0) != (b < 0):
			return 1
		case a >= 0 && a != b:
			return 2
		}
		return 0
	}
	add := func(k int, s Segment) {
		if k == 1 {
			coast = append(coast, s)
		} else if k == 2 {
			border = append(border, s)
		}
	}
	// Vertical edges: between column col-1 and col (wrapping at 180°),
	// merged down the rows.
	for col := 0; col < nlon; col++ {
		left := (col + nlon - 1) % nlon
		run, start := 0, 0
		for row := 0; row <= nlat; row++ {
			k := 0
			if row < nlat {
				k = kind(o.Country[row*nlon+left], o.Country[row*nlon+col])
			}
			if k != run {
				add(run, Segment{lonOf(col), latOf(start), lonOf(col), latOf(row)})
				run, start = k, row
			}
		}
	}
	// Horizontal edges: between row-1 and row, merged along the columns.
	for row := 1; row < nlat; row++ {
		run, start := 0, 0
		for col := 0; col <= nlon; col++ {
			k := 0
			if col < nlon {
				k = kind(o.Country[(row-1)*nlon+col], o.Country[row*nlon+col])
			}
			if k != run {
				add(run, Segment{lonOf(start), latOf(row), lonOf(col), latOf(row)})
				run, start = k, col
			}
		}
	}
	return coast, border
}
