package noaa

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkReadMonthly parses a Mauna Loa-sized file (70 years of months
// in the 8-column layout): small, but read on every ingest run.
func BenchmarkReadMonthly(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("# File Creation: Thu Feb  5 03:55:17 2026\n#            decimal       monthly    de-season  #days  st.dev  unc. of\n")
	for y := 1958; y < 2028; y++ {
		for m := 1; m <= 12; m++ {
			fmt.Fprintf(&sb, " %d %4d %11.4f %11.2f %11.2f %6d %7.2f %7.2f\n", y, m, float64(y)+(float64(m)-0.5)/12, 315+float64(y-1958)*1.6, 315+float64(y-1958)*1.6, 25, 0.5, 0.2)
		}
	}
	text := sb.String()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadMonthly(strings.NewReader(text), "bench.txt"); err != nil {
			b.Fatal(err)
		}
	}
}
