package main

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/airbusgeo/godal"
)

const (
	// samplesPerDegree is the fine grid of the rasterisation: 80 per degree
	// (45″, about 1.4 km at the equator), so a 0.25° cell holds 20 × 20 =
	// 400 samples and its cover is known to 0.25 %.
	samplesPerDegree = 80
	// baseRes is the finest analysis grid; the coarser ones (0.5, 1, 2°)
	// are whole blocks of it, so counts are kept per 0.25° cell.
	baseRes  = 0.25
	baseSide = 20 // samples along one side of a 0.25° cell
	// tileDeg is the height of one rasterised band of latitudes: 5° is
	// 28800 × 400 samples, 23 MB of Int16, which bounds the memory.
	tileDeg = 5
	// maxCode bounds the burn codes: ISO numeric codes are below 1000.
	maxCode = 1000
)

// baseCover holds the fine samples of every country in every 0.25° cell,
// in cell order (row 0 at 90°N, column 0 at 180°W): the entries of cell i
// are [start[i], start[i+1]), sorted by burn code.
type baseCover struct {
	nlat, nlon int
	start      []int32
	code       []int16
	samples    []uint16
}

// rasterise burns the features (a GeoJSON layer with a "code" field, see
// writeFeatures) onto the fine grid, one band of latitudes at a time, and
// counts the samples per 0.25° cell.
func rasterise(vec *godal.Dataset, layer string) (*baseCover, error) {
	nx, ny := 360*samplesPerDegree, tileDeg*samplesPerDegree
	bc := &baseCover{nlat: int(180 / baseRes), nlon: int(360 / baseRes), start: []int32{0}}
	buf := make([]int16, nx*ny)
	for north := 90; north > -90; north -= tileDeg {
		if err := burnTile(vec, layer, north, nx, ny, buf); err != nil {
			return nil, fmt.Errorf("rasterise %d°N–%d°N: %w", north-tileDeg, north, err)
		}
		if err := bc.addTile(buf, nx, ny); err != nil {
			return nil, fmt.Errorf("rasterise %d°N–%d°N: %w", north-tileDeg, north, err)
		}
	}
	return bc, nil
}

// burnTile rasterises the band of latitudes from north−tileDeg to north
// into buf (row 0 at the north edge); a sample takes the code of the
// polygon containing its centre (no all-touched: fractions come from
// counting samples, so the centre rule keeps them unbiased).
func burnTile(vec *godal.Dataset, layer string, north, nx, ny int, buf []int16) error {
	itoa := strconv.Itoa
	ds, err := vec.Rasterize("", []string{"-of", "MEM", "-a_srs", "EPSG:4326",
		"-te", "-180", itoa(north - tileDeg), "180", itoa(north), "-ts", itoa(nx), itoa(ny),
		"-ot", "Int16", "-init", "0", "-a", "code", "-l", layer})
	if err != nil {
		return err
	}
	defer ds.Close()
	return ds.Bands()[0].Read(0, 0, buf, nx, ny)
}

// addTile appends the counts of the 0.25° cells of one tile.
func (bc *baseCover) addTile(buf []int16, nx, ny int) error {
	var counts [maxCode]uint16
	var touched []int16
	for br := 0; br < ny/baseSide; br++ {
		for bcol := 0; bcol < nx/baseSide; bcol++ {
			touched = touched[:0]
			for y := br * baseSide; y < (br+1)*baseSide; y++ {
				for _, c := range buf[y*nx+bcol*baseSide : y*nx+(bcol+1)*baseSide] {
					if c == 0 {
						continue
					}
					if c < 0 || c >= maxCode {
						return fmt.Errorf("burn code %d: a feature without a code was rasterised", c)
					}
					if counts[c] == 0 {
						touched = append(touched, c)
					}
					counts[c]++
				}
			}
			sort.Slice(touched, func(i, j int) bool { return touched[i] < touched[j] })
			for _, c := range touched {
				bc.code = append(bc.code, c)
				bc.samples = append(bc.samples, counts[c])
				counts[c] = 0
			}
			bc.start = append(bc.start, int32(len(bc.code)))
		}
	}
	return nil
}

// present reports which burn codes hold at least one sample.
func (bc *baseCover) present() []bool {
	p := make([]bool, maxCode)
	for _, c := range bc.code {
		p[c] = true
	}
	return p
}
