package netcdf

import (
	"bufio"
	"bytes"
	"os"
	"testing"
)

// FuzzClassicHeader feeds arbitrary bytes to the classic header parser that
// guards against truncated files: it must return, never panic.
func FuzzClassicHeader(f *testing.F) {
	f.Add([]byte("CDF\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("CDF\x05"))
	if b, err := os.ReadFile("testdata/small-classic.nc"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h := &header{r: bufio.NewReader(bytes.NewReader(b))}
		if n, err := h.extent(); err == nil && n < 0 {
			t.Fatalf("negative extent %d", n)
		}
	})
}
