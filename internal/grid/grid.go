package grid

import (
	"fmt"
	"math"
)

// EarthRadiusM is the radius of the sphere used for cell areas: the IUGG
// mean Earth radius R1 = (2a+b)/3 of GRS80 (Moritz 2000, Geodetic Reference
// System 1980, J. Geodesy 74, 128), the value CDO and ESMF-style conservative
// remapping also use to within a metre.
const EarthRadiusM = 6371008.8

// SupportedResolutions are the analysis-grid spacings in degrees.
var SupportedResolutions = []float64{2, 1, 0.5, 0.25}

// Grid is a regular latitude-longitude grid. West and North are the edges of
// cell (0, 0); rows run southward by DLat and columns eastward by DLon.
// Source grids (ERA5 at 0..360, ERA-Interim at 0.75°) are Grids too, so
// regridding works between any two of them. Edges beyond the poles (as on
// grids whose cell centres sit on ±90°) are clamped to the pole for areas.
type Grid struct {
	West, North float64 // degrees east and north of the outer edges of cell (0, 0)
	DLon, DLat  float64 // cell size in degrees, both positive
	NLon, NLat  int
}

// New returns the global analysis grid with resDeg spacing, starting at
// 180°W and 90°N. resDeg must be one of SupportedResolutions.
func New(resDeg float64) (Grid, error) {
	for _, r := range SupportedResolutions {
		if r == resDeg {
			return Global(resDeg), nil
		}
	}
	return Grid{}, fmt.Errorf("grid resolution %g° not supported (use one of %v)", resDeg, SupportedResolutions)
}

// Global returns a global grid of resDeg spacing starting at 180°W and 90°N.
// resDeg must divide 180; New restricts it to the analysis resolutions.
func Global(resDeg float64) Grid {
	return Grid{
		West: -180, North: 90, DLon: resDeg, DLat: resDeg,
		NLon: int(math.Round(360 / resDeg)), NLat: int(math.Round(180 / resDeg)),
	}
}

// MustNew is New for resolutions known at compile time; it panics on an
// unsupported one (a programmer error).
func MustNew(resDeg float64) Grid {
	g, err := New(resDeg)
	if err != nil {
		panic(err)
	}
	return g
}

// String describes the grid, e.g. "1° global (180×360)".
func (g Grid) String() string {
	if g.DLon == g.DLat && g.West == -180 && g.North == 90 && g.NLon*int(math.Round(g.DLon*1e6)) == 360e6 {
		return fmt.Sprintf("%g° global (%d×%d)", g.DLon, g.NLat, g.NLon)
	}
	return fmt.Sprintf("%d×%d from %g°E %g°N by %g°×%g°", g.NLat, g.NLon, g.West, g.North, g.DLon, g.DLat)
}

// Cells is the number of cells.
func (g Grid) Cells() int { return g.NLat * g.NLon }

// Index returns the cell index of (row, col).
func (g Grid) Index(row, col int) int { return row*g.NLon + col }

// RowCol splits a cell index into row and column.
func (g Grid) RowCol(i int) (row, col int) { return i / g.NLon, i % g.NLon }

// LatCentre is the latitude of the centre of row, in degrees north.
func (g Grid) LatCentre(row int) float64 { return g.North - (float64(row)+0.5)*g.DLat }

// LonCentre is the longitude of the centre of col, in degrees east.
func (g Grid) LonCentre(col int) float64 { return g.West + (float64(col)+0.5)*g.DLon }

// Centre returns the centre of cell i.
func (g Grid) Centre(i int) (latDeg, lonDeg float64) {
	r, c := g.RowCol(i)
	return g.LatCentre(r), g.LonCentre(c)
}

// LatEdges returns the northern and southern edges of row, clamped to ±90°.
func (g Grid) LatEdges(row int) (northDeg, southDeg float64) {
	n := g.North - float64(row)*g.DLat
	s := n - g.DLat
	return clampLat(n), clampLat(s)
}

// LonEdges returns the western and eastern edges of col.
func (g Grid) LonEdges(col int) (westDeg, eastDeg float64) {
	w := g.West + float64(col)*g.DLon
	return w, w + g.DLon
}

func clampLat(lat float64) float64 { return math.Max(-90, math.Min(90, lat)) }

// RowAreaM2 is the area of one cell in row: R² Δλ (sin φN − sin φS), exact on
// the sphere.
func (g Grid) RowAreaM2(row int) float64 {
	n, s := g.LatEdges(row)
	return EarthRadiusM * EarthRadiusM * g.DLon * math.Pi / 180 * (sinDeg(n) - sinDeg(s))
}

// RowAreasM2 returns the cell area of every row.
func (g Grid) RowAreasM2() []float64 {
	a := make([]float64, g.NLat)
	for r := range a {
		a[r] = g.RowAreaM2(r)
	}
	return a
}

// AreasM2 returns the area of every cell, in cell-index order.
func (g Grid) AreasM2() []float64 {
	rows := g.RowAreasM2()
	a := make([]float64, g.Cells())
	for r, ar := range rows {
		row := a[r*g.NLon : (r+1)*g.NLon]
		for c := range row {
			row[c] = ar
		}
	}
	return a
}

// Locate returns the index of the cell containing (lat, lon); lon may be in
// either -180..180 or 0..360. ok is false outside the grid.
func (g Grid) Locate(latDeg, lonDeg float64) (i int, ok bool) {
	row := int(math.Floor((g.North - latDeg) / g.DLat))
	if latDeg == -90 && row == g.NLat { // the south pole belongs to the last row
		row--
	}
	x := math.Mod(lonDeg-g.West, 360)
	if x < 0 {
		x += 360
	}
	col := int(math.Floor(x / g.DLon))
	if row < 0 || row >= g.NLat || col < 0 || col >= g.NLon {
		return 0, false
	}
	return g.Index(row, col), true
}

func sinDeg(d float64) float64 { return math.Sin(d * math.Pi / 180) }
