package regions

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/carbonbudget/carbonbudget/data"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Kinds of region.
const (
	KindCountry     = "country"
	KindReccapLand  = "reccap2-land"
	KindReccapOcean = "reccap2-ocean"
	KindBand        = "band"
	KindSpecial     = "special"
	KindGlobal      = "global"
)

// Region is one row of the region table.
type Region struct {
	ID   string // ISO alpha-3 for countries, else a slug such as "reccap2-land/europe"
	Name string
	Kind string
}

// Set is the region table on one grid with every region's weights.
type Set struct {
	grid    grid.Grid
	regions []Region
	index   map[string]int
	land    []float32
	// Cell-major sparse weights: entries of cell i are [start[i], start[i+1]).
	landW, oceanW sparse
	countries     []string // ISO3 of the country regions, in table order
	hasLand       []bool   // per region
	hasOcean      []bool
}

type sparse struct {
	start  []int32
	region []int32
	weight []float32
}

// Options tunes Load.
type Options struct {
	Bands []Band // nil: DefaultBands
}

// Load returns the regions on g from the embedded masks.
func Load(g grid.Grid) (*Set, error) { return LoadWith(g, Options{}) }

// LoadWith is Load with options.
func LoadWith(g grid.Grid, opt Options) (*Set, error) {
	if opt.Bands == nil {
		opt.Bands = DefaultBands
	}
	table, err := readCountries()
	if err != nil {
		return nil, err
	}
	cover, err := readCover(g, len(table))
	if err != nil {
		return nil, err
	}
	return build(g, table, cover, opt.Bands), nil
}

type countryRow struct{ iso3, name, region, subregion string }

func readCountries() ([]countryRow, error) {
	f, err := data.Regions.Open("regions/countries.csv")
	if err != nil {
		return nil, fmt.Errorf("regions: %w", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 2 {
		return nil, fmt.Errorf("regions: countries.csv: %v", err)
	}
	var out []countryRow
	for _, r := range recs[1:] {
		out = append(out, countryRow{r[0], r[1], r[3], r[4]})
	}
	return out, nil
}

// cellCover is the country cover of one cell: table rows and fractions.
type cellCover struct {
	cell     int
	rows     []int32
	fraction []float32
}

func readCover(g grid.Grid, ncountries int) ([]cellCover, error) {
	if g != grid.Global(g.DLon) || g.DLon != g.DLat {
		return nil, fmt.Errorf("regions: no masks for grid %v (only the global analysis grids)", g)
	}
	name := "regions/cover_" + strconv.FormatFloat(g.DLon, 'f', -1, 64) + ".bin.gz"
	f, err := data.Regions.Open(name)
	if err != nil {
		return nil, fmt.Errorf("regions: no masks for grid %v (have 2, 1, 0.5 and 0.25°): %w", g, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("regions: %s: %w", name, err)
	}
	br := bufio.NewReader(zr)
	head := make([]byte, 9)
	var dims [3]uint32
	if _, err := io.ReadFull(br, head); err != nil || string(head) != "CBREGION1" {
		return nil, fmt.Errorf("regions: %s: not a cover file", name)
	}
	if err := binary.Read(br, binary.LittleEndian, &dims); err != nil {
		return nil, fmt.Errorf("regions: %s: %w", name, err)
	}
	if int(dims[0]) != g.NLat || int(dims[1]) != g.NLon {
		return nil, fmt.Errorf("regions: %s is %dx%d, grid %v", name, dims[0], dims[1], g)
	}
	samples := float32(dims[2])
	var out []cellCover
	cell := 0
	for {
		d, err := binary.ReadUvarint(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("regions: %s: %w", name, err)
		}
		cell += int(d)
		k, _ := binary.ReadUvarint(br)
		cc := cellCover{cell: cell}
		for j := uint64(0); j < k; j++ {
			row, _ := binary.ReadUvarint(br)
			n, err := binary.ReadUvarint(br)
			if err != nil || int(row) >= ncountries || cell >= g.Cells() {
				return nil, fmt.Errorf("regions: %s: corrupt entry at cell %d", name, cell)
			}
			cc.rows = append(cc.rows, int32(row))
			cc.fraction = append(cc.fraction, float32(n)/samples)
		}
		out = append(out, cc)
	}
	return out, nil
}

// build assembles the region table and the sparse weights.
func build(g grid.Grid, table []countryRow, cover []cellCover, bands []Band) *Set {
	s := &Set{grid: g, index: map[string]int{}, land: make([]float32, g.Cells())}
	add := func(id, name, kind string) int {
		s.index[id] = len(s.regions)
		s.regions = append(s.regions, Region{id, name, kind})
		return len(s.regions) - 1
	}
	global := add("global", "Globe", KindGlobal)
	countryRegion := make([]int, len(table))
	for i, c := range table {
		countryRegion[i] = add(c.iso3, c.name, KindCountry)
		s.countries = append(s.countries, c.iso3)
	}
	for _, r := range reccapLand {
		add(r.ID, r.Name, KindReccapLand)
	}
	for _, r := range reccapOcean {
		add(r.ID, r.Name, KindReccapOcean)
	}
	bandRegion := make([]int, len(bands))
	for i, b := range bands {
		bandRegion[i] = add(b.ID, b.Name, KindBand)
	}
	amazonia := add("special/amazonia", "Amazonia (80°W–44°W, 20°S–10°N)", KindSpecial)
	canada := add("special/canada", "Canada", KindSpecial)
	sea := add("special/southeast-asia", "Southeast Asia (the RECCAP2 region)", KindSpecial)
	reccapOfRow := make([]int, len(table))
	for i, c := range table {
		reccapOfRow[i] = -1
		if id := reccapOf(c.iso3, c.region, c.subregion); id != "" {
			reccapOfRow[i] = s.index[id]
		}
	}
	landAcc := newAccumulator(g.Cells())
	oceanAcc := newAccumulator(g.Cells())
	ci := 0
	for cell := 0; cell < g.Cells(); cell++ {
		lat, lon := g.Centre(cell)
		var lf float32
		if ci < len(cover) && cover[ci].cell == cell {
			cc := cover[ci]
			ci++
			for j, row := range cc.rows {
				f := cc.fraction[j]
				lf += f
				landAcc.add(countryRegion[row], f)
				if r := reccapOfRow[row]; r >= 0 {
					landAcc.add(r, f)
				}
				if table[row].subregion == "South America" && inAmazonia(lat, lon) {
					landAcc.add(amazonia, f)
				}
				if table[row].iso3 == "CAN" {
					landAcc.add(canada, f)
				}
				if reccapOfRow[row] == s.index["reccap2-land/southeast-asia"] {
					landAcc.add(sea, f)
				}
			}
		}
		lf = float32(math.Min(1, float64(lf)))
		s.land[cell] = lf
		of := 1 - lf
		landAcc.add(global, lf)
		oceanAcc.add(global, of)
		for i, b := range bands {
			if lat >= b.SouthDeg && lat < b.NorthDeg || (b.NorthDeg == 90 && lat >= b.SouthDeg) {
				landAcc.add(bandRegion[i], lf)
				oceanAcc.add(bandRegion[i], of)
			}
		}
		if of > 0 {
			if id := basinOf(lat, lon); id != "" {
				oceanAcc.add(s.index[id], of)
			}
		}
		landAcc.next()
		oceanAcc.next()
	}
	s.landW, s.oceanW = landAcc.done(), oceanAcc.done()
	s.hasLand, s.hasOcean = make([]bool, len(s.regions)), make([]bool, len(s.regions))
	for _, r := range s.landW.region {
		s.hasLand[r] = true
	}
	for _, r := range s.oceanW.region {
		s.hasOcean[r] = true
	}
	return s
}

// accumulator builds a cell-major sparse matrix, merging repeated entries
// of one region in one cell.
type accumulator struct {
	sp  sparse
	cur map[int32]int // region -> entry index within the current cell
}

func newAccumulator(cells int) *accumulator {
	a := &accumulator{cur: map[int32]int{}}
	a.sp.start = make([]int32, 1, cells+1)
	return a
}

func (a *accumulator) add(region int, w float32) {
	if w <= 0 {
		return
	}
	if j, ok := a.cur[int32(region)]; ok {
		a.sp.weight[j] += w
		return
	}
	a.cur[int32(region)] = len(a.sp.region)
	a.sp.region = append(a.sp.region, int32(region))
	a.sp.weight = append(a.sp.weight, w)
}

func (a *accumulator) next() {
	a.sp.start = append(a.sp.start, int32(len(a.sp.region)))
	clear(a.cur)
}

func (a *accumulator) done() sparse { return a.sp }

// sortedIDs is used by the CLI to list regions of one kind in order.
func sortedIDs(rs []Region) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	sort.Strings(ids)
	return ids
}
