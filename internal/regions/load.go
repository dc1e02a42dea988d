package regions

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/carbonbudget/carbonbudget/data"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Options tunes LoadWith. The zero value is what Load uses.
type Options struct {
	// Bands are the latitude bands, each made into a band-land and a
	// band-ocean region; nil means DefaultBands.
	Bands []Band
}

// Load returns the regions on g from the embedded masks. g must be one of
// the global analysis grids (grid.New with 2, 1, 0.5 or 0.25).
func Load(g grid.Grid) (*Set, error) { return LoadWith(g, Options{}) }

// LoadWith is Load with options.
func LoadWith(g grid.Grid, opt Options) (*Set, error) {
	if opt.Bands == nil {
		opt.Bands = DefaultBands
	}
	if err := checkBands(opt.Bands); err != nil {
		return nil, err
	}
	table, err := readCountries(countriesFile)
	if err != nil {
		return nil, err
	}
	c, err := readCover(g, len(table))
	if err != nil {
		return nil, err
	}
	return build(g, table, c, opt.Bands), nil
}

const countriesFile = "regions/countries.csv"

// countryRow is one row of countries.csv.
type countryRow struct{ iso3, name, region, subregion string }

func readCountries(name string) ([]countryRow, error) {
	f, err := data.Regions.Open(name)
	if err != nil {
		return nil, fmt.Errorf("regions: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 5
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("regions: %s: %w", name, err)
	}
	if len(recs) < 2 || recs[0][0] != "iso3" {
		return nil, fmt.Errorf("regions: %s: no header row or no countries", name)
	}
	out := make([]countryRow, 0, len(recs)-1)
	for _, r := range recs[1:] {
		out = append(out, countryRow{r[0], r[1], r[3], r[4]})
	}
	return out, nil
}

// cover is the country cover of the cells holding land, flat: cell
// cells[k] holds rows[start[k]:start[k+1]] of countries.csv, with
// samples[j] of samplesPerCell fine samples each.
type cover struct {
	samplesPerCell uint32
	cells          []int32
	start          []int32
	rows           []int32
	samples        []uint32
}

// coverFile names the embedded cover file of a grid.
func coverFile(g grid.Grid) string {
	return "regions/cover_" + strconv.FormatFloat(g.DLon, 'f', -1, 64) + ".bin.gz"
}

// readCover reads the cover file of g (format in data/regions/README.md).
func readCover(g grid.Grid, ncountries int) (*cover, error) {
	if g != grid.Global(g.DLon) || g.DLon != g.DLat {
		return nil, fmt.Errorf("regions: no masks for grid %v (only the global analysis grids of 2, 1, 0.5 and 0.25°)", g)
	}
	name := coverFile(g)
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
	spc, err := readHeader(br, g)
	if err != nil {
		return nil, fmt.Errorf("regions: %s: %w", name, err)
	}
	c, err := readCells(br, g.Cells(), ncountries, spc)
	if err != nil {
		return nil, fmt.Errorf("regions: %s: %w", name, err)
	}
	return c, nil
}

const magic = "CBREGION1"

func readHeader(br *bufio.Reader, g grid.Grid) (samplesPerCell uint32, err error) {
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(br, head); err != nil || string(head) != magic {
		return 0, fmt.Errorf("not a cover file (no %s header)", magic)
	}
	var dims [3]uint32
	if err := binary.Read(br, binary.LittleEndian, &dims); err != nil {
		return 0, fmt.Errorf("header: %w", err)
	}
	if int(dims[0]) != g.NLat || int(dims[1]) != g.NLon || dims[2] == 0 {
		return 0, fmt.Errorf("holds %d×%d cells of %d samples, want the %d×%d of grid %v", dims[0], dims[1], dims[2], g.NLat, g.NLon, g)
	}
	return dims[2], nil
}

func readCells(br *bufio.Reader, cells, ncountries int, samplesPerCell uint32) (*cover, error) {
	c := &cover{samplesPerCell: samplesPerCell, start: []int32{0}}
	for cell := 0; ; {
		d, err := binary.ReadUvarint(br)
		if err == io.EOF {
			return c, nil
		}
		if err != nil {
			return nil, err
		}
		if cell += int(d); cell >= cells || (d == 0 && len(c.cells) > 0) {
			return nil, fmt.Errorf("cell %d out of order or out of range", cell)
		}
		if err := c.readCell(br, cell, ncountries); err != nil {
			return nil, err
		}
	}
}

func (c *cover) readCell(br *bufio.Reader, cell, ncountries int) error {
	k, err := binary.ReadUvarint(br)
	if err != nil || k == 0 || k > uint64(ncountries) {
		return fmt.Errorf("cell %d: bad entry count %d (%v)", cell, k, err)
	}
	var total uint64
	for j := uint64(0); j < k; j++ {
		row, err1 := binary.ReadUvarint(br)
		n, err2 := binary.ReadUvarint(br)
		if err1 != nil || err2 != nil || row >= uint64(ncountries) || n == 0 {
			return fmt.Errorf("cell %d: corrupt entry %d", cell, j)
		}
		total += n
		c.rows = append(c.rows, int32(row))
		c.samples = append(c.samples, uint32(n))
	}
	if total > uint64(c.samplesPerCell) {
		return fmt.Errorf("cell %d: %d samples of land in a cell of %d", cell, total, c.samplesPerCell)
	}
	c.cells = append(c.cells, int32(cell))
	c.start = append(c.start, int32(len(c.rows)))
	return nil
}
