package carbonmonitor

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

var benchCountries = []string{"Brazil", "China", "EU27 & UK", "France", "Germany", "India", "Italy", "Japan", "ROW", "Russia", "Spain", "United Kingdom", "United States", "WORLD"}

// tenYears writes ten years of daily data for the 14 rows and 6 sectors of
// the global file (3,653 days × 84 = 306,852 rows) in the web-export form:
// BOM, CRLF, DD/MM/YYYY, trailer rows.
func tenYears() []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeffcountry,date,sector,MtCO2 per day\r\n")
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(10, 0, 0)
	for i, c := range benchCountries {
		for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
			for j, s := range Sectors {
				fmt.Fprintf(&buf, "%s,%s,%s,%.6g\r\n", c, d.Format("02/01/2006"), s, 0.01*float64(1+i)*float64(1+j)+float64(d.YearDay())*1e-4)
			}
		}
	}
	buf.WriteString(",,,\r\ncarbonmonitor.org,,,\r\n\"September 17th, 2024\",,,")
	return buf.Bytes()
}

// BenchmarkReadTenYears is the parsing half of the fossil stage's target
// (ten years of daily data parsed and aggregated in under 1 s).
func BenchmarkReadTenYears(b *testing.B) {
	data := tenYears()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := Read(bytes.NewReader(data), "bench.csv")
		if err != nil {
			b.Fatal(err)
		}
		if len(d.Records) != 14*6*3653 {
			b.Fatalf("%d records", len(d.Records))
		}
	}
}
