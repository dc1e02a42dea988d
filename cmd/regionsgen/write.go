package main

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

	"github.com/carbonbudget/carbonbudget/internal/durable"
)

// Cover file format (little endian), gzip-compressed:
//
//	"CBREGION1" | uint32 nlat | uint32 nlon | uint32 samples per cell
//	then for each cell holding land, in increasing cell order:
//	uvarint(cell − previous cell) | uvarint(k) | k × (uvarint(country row), uvarint(samples))
//
// Country rows index countries.csv (data rows, from 0) and increase within
// a cell. The format is documented in data/regions/README.md and read by
// internal/regions.
const magic = "CBREGION1"

// writeCover aggregates the 0.25° counts to the res° grid and writes its
// cover file.
func writeCover(path string, bc *baseCover, res float64, rowOf []int) error {
	m := int(math.Round(res / baseRes))
	if m < 1 || float64(m)*baseRes != res || bc.nlat%m != 0 {
		return fmt.Errorf("%s: %g° is not a whole multiple of %g°", path, res, baseRes)
	}
	side := m * baseSide
	return durable.WriteFile(path, func(w io.Writer) error {
		zw, err := gzip.NewWriterLevel(w, gzip.BestCompression) // header time zero: reproducible bytes
		if err != nil {
			return err
		}
		bw := bufio.NewWriter(zw)
		bw.WriteString(magic)
		for _, v := range []uint32{uint32(bc.nlat / m), uint32(bc.nlon / m), uint32(side * side)} {
			binary.Write(bw, binary.LittleEndian, v)
		}
		writeCells(bw, bc, m, rowOf)
		if err := bw.Flush(); err != nil {
			return err
		}
		return zw.Close()
	})
}

// writeCells writes the entries of every coarse cell (m × m base cells).
func writeCells(bw *bufio.Writer, bc *baseCover, m int, rowOf []int) {
	buf := make([]byte, binary.MaxVarintLen64)
	put := func(x int) { bw.Write(buf[:binary.PutUvarint(buf, uint64(x))]) }
	counts := make([]int, maxCode)
	var rows []int
	nlat, nlon := bc.nlat/m, bc.nlon/m
	prev := 0
	for r := 0; r < nlat; r++ {
		for c := 0; c < nlon; c++ {
			rows = rows[:0]
			for br := r * m; br < (r+1)*m; br++ {
				for bcol := c * m; bcol < (c+1)*m; bcol++ {
					b := br*bc.nlon + bcol
					for j := bc.start[b]; j < bc.start[b+1]; j++ {
						row := rowOf[bc.code[j]]
						if counts[row] == 0 {
							rows = append(rows, row)
						}
						counts[row] += int(bc.samples[j])
					}
				}
			}
			if len(rows) == 0 {
				continue
			}
			cell := r*nlon + c
			put(cell - prev)
			prev = cell
			sort.Ints(rows)
			put(len(rows))
			for _, row := range rows {
				put(row)
				put(counts[row])
				counts[row] = 0
			}
		}
	}
}

func writeTable(path string, rows []country) error {
	return durable.WriteFile(path, func(f io.Writer) error {
		w := csv.NewWriter(f)
		w.Write([]string{"iso3", "name", "iso_numeric", "un_region", "un_subregion"})
		for _, r := range rows {
			w.Write([]string{r.ISO3, r.Name, strconv.Itoa(r.Code), r.Region, r.Subregion})
		}
		w.Flush()
		return w.Error()
	})
}
