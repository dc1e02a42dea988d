package regions

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"testing"
)

// TestReadCellsRejectsCorruptData feeds hand-made cover streams to the
// decoder: good ones decode, bad ones fail with an error (no panic).
func TestReadCellsRejectsCorruptData(t *testing.T) {
	enc := func(xs ...uint64) *bufio.Reader {
		var b []byte
		for _, x := range xs {
			b = binary.AppendUvarint(b, x)
		}
		return bufio.NewReader(bytes.NewReader(b))
	}
	const cells, countries, spc = 10, 3, 100
	good, err := readCells(enc(2, 2, 0, 30, 2, 70, 5, 1, 1, 100), cells, countries, spc)
	if err != nil || len(good.cells) != 2 || good.cells[1] != 7 || good.samples[1] != 70 || good.start[2] != 3 {
		t.Fatalf("good stream: %+v %v", good, err)
	}
	for _, c := range []struct {
		name string
		r    *bufio.Reader
	}{
		{"cell past the grid", enc(10, 1, 0, 1)},
		{"repeated cell", enc(1, 1, 0, 1, 0, 1, 0, 1)},
		{"country out of range", enc(1, 1, 3, 1)},
		{"more samples than the cell holds", enc(1, 2, 0, 60, 1, 41)},
		{"no entries", enc(1, 0)},
		{"truncated", enc(1, 2, 0)},
	} {
		if _, err := readCells(c.r, cells, countries, spc); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}
