package socat

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// synthesisHeader is the SOCAT v2024 synthesis header (science.md section 9).
const synthesisHeader = "Expocode\tversion\tSOCAT_DOI\tQC_Flag\tyr\tmon\tday\thh\tmm\tss\tlongitude [dec.deg.E]\tlatitude [dec.deg.N]\tsample_depth [m]\tsal\tSST [deg.C]\tTequ [deg.C]\tPPPP [hPa]\tPequ [hPa]\tWOA_SSS\tNCEP_SLP [hPa]\tETOPO2_depth [m]\tdist_to_land [km]\tGVCO2 [umol/mol]\tfCO2rec [uatm]\tfCO2rec_src\tfCO2rec_flag"

var (
	millionOnce sync.Once
	million     []byte
)

// millionRows is a synthesis-style file of 1,000,000 rows (1,000 cruises
// of 1,000 one-minute rows, every 20th cruise flagged E, every 25th value
// flagged 3) after a 1,500-line metadata block, about 190 MB.
func millionRows() []byte {
	millionOnce.Do(func() {
		var b bytes.Buffer
		b.Grow(200 << 20)
		for i := 0; i < 1500; i++ {
			b.WriteString("metadata line " + strconv.Itoa(i) + ": Expocode: cruise description\n")
		}
		b.WriteString(synthesisHeader + "\n")
		var row []byte
		for c := 0; c < 1000; c++ {
			expo := "33HH2023" + strconv.Itoa(10000+c)
			qc := string(rune('A' + c%4))
			if c%20 == 19 {
				qc = "E"
			}
			for i := 0; i < 1000; i++ {
				row = appendBenchRow(row[:0], expo, qc, c, i)
				b.Write(row)
			}
		}
		million = b.Bytes()
	})
	return million
}

func appendBenchRow(row []byte, expo, qc string, c, i int) []byte {
	row = append(row, expo...)
	row = append(row, "\t2024\thttps://doi.org/10.25921/abcd-1234\t"...)
	row = append(row, qc...)
	row = append(row, '\t')
	row = strconv.AppendInt(row, int64(1990+c%34), 10)
	row = append(row, '\t')
	row = strconv.AppendInt(row, int64(1+c%12), 10)
	row = append(row, '\t')
	row = strconv.AppendInt(row, int64(1+c%28), 10)
	row = append(row, '\t')
	row = strconv.AppendInt(row, int64(i/60%24), 10)
	row = append(row, '\t')
	row = strconv.AppendInt(row, int64(i%60), 10)
	row = append(row, "\t0\t"...)
	row = strconv.AppendFloat(row, float64(c%360)+float64(i)*0.001, 'f', 5, 64)
	row = append(row, '\t')
	row = strconv.AppendFloat(row, float64(c%140-70)+float64(i)*0.0005, 'f', 5, 64)
	row = append(row, "\t5\t35.123\t"...)
	row = strconv.AppendFloat(row, 2+float64(i%250)*0.1, 'f', 3, 64)
	row = append(row, "\tNaN\t1013.2\tNaN\t35.2\t1012.9\t4123\t350\t412.3\t"...)
	row = strconv.AppendFloat(row, 300+float64(i%1000)*0.1, 'f', 3, 64)
	row = append(row, "\t1\t"...)
	if i%25 == 24 {
		return append(row, "3\n"...)
	}
	return append(row, "2\n"...)
}

// BenchmarkReadMillion parses one million synthesis rows (issue 5 target:
// under 3 s).
func BenchmarkReadMillion(b *testing.B) {
	data := millionRows()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := Read(bytes.NewReader(data), "bench.tsv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		if res.Rows != 1_000_000 {
			b.Fatalf("%d rows", res.Rows)
		}
	}
}

// TestBenchData keeps the benchmark generator honest on a small sample:
// its rows parse and its flags drop what they should.
func TestBenchData(t *testing.T) {
	var b strings.Builder
	b.WriteString(synthesisHeader + "\n")
	for i := 0; i < 50; i++ {
		b.Write(appendBenchRow(nil, "33HH202310019", "E", 19, i))
		b.Write(appendBenchRow(nil, "33HH202310001", "B", 1, i))
	}
	res, err := Read(strings.NewReader(b.String()), "gen.tsv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Obs) != 48 || res.Dropped["QC_Flag E"] != 50 || res.Dropped["fCO2rec_flag 3"] != 2 {
		t.Errorf("%d obs, dropped %v; want 48, QC_Flag E 50, fCO2rec_flag 3 2", len(res.Obs), res.Dropped)
	}
}
