package main

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"encoding/csv"
	"math"
	"os"
	"sort"
	"strconv"
)

// Cover file format (little endian), gzip-compressed:
//
//	"CBREGION1" | uint32 nlat | uint32 nlon | uint32 samples per cell
//	then for each cell holding land, in increasing cell order:
//	uvarint(cell − previous cell) | uvarint(k) | k × (uvarint(country row), uvarint(samples))
//
// Country rows index countries.csv (data rows, from 0). The format is
// documented in data/regions/README.md.
const magic = "CBREGION1"

func writeCover(path string, fine *fineGrid, res float64, used map[int16]int) error {
	k := int(math.Round(res * samplesPerDegree))
	nlat, nlon := fine.nlat/k, fine.nlon/k
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	zw.ModTime = zw.ModTime.UTC() // zero time: reproducible bytes
	bw := bufio.NewWriter(zw)
	bw.WriteString(magic)
	for _, v := range []uint32{uint32(nlat), uint32(nlon), uint32(k * k)} {
		binary.Write(bw, binary.LittleEndian, v)
	}
	buf := make([]byte, binary.MaxVarintLen64)
	put := func(x uint64) { bw.Write(buf[:binary.PutUvarint(buf, x)]) }
	counts := map[int]int{}
	prev := 0
	for r := 0; r < nlat; r++ {
		for c := 0; c < nlon; c++ {
			clear(counts)
			for y := r * k; y < (r+1)*k; y++ {
				row := fine.code[y*fine.nlon+c*k : y*fine.nlon+(c+1)*k]
				for _, code := range row {
					if code > 0 {
						counts[used[code]]++
					}
				}
			}
			if len(counts) == 0 {
				continue
			}
			cell := r*nlon + c
			put(uint64(cell - prev))
			prev = cell
			keys := make([]int, 0, len(counts))
			for key := range counts {
				keys = append(keys, key)
			}
			sort.Ints(keys)
			put(uint64(len(keys)))
			for _, key := range keys {
				put(uint64(key))
				put(uint64(counts[key]))
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

func writeTable(path string, rows []country) error {
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"iso3", "name", "iso_numeric", "un_region", "un_subregion"})
	for _, r := range rows {
		w.Write([]string{r.ISO3, r.Name, strconv.Itoa(r.Code), r.Region, r.Subregion})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

