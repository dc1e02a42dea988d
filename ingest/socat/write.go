package socat

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
)

// writeHeader is the header Write emits: the synthesis file's spelling of
// the columns Obs holds.
const writeHeader = "Expocode\tQC_Flag\tyr\tmon\tday\thh\tmm\tss\tlongitude [dec.deg.E]\tlatitude [dec.deg.N]\tsal\tSST [deg.C]\tfCO2rec [uatm]\tfCO2rec_flag"

// Write writes obs as a minimal SOCAT file that Read parses back to the
// same observations: a one-line preamble, the header and one row per
// observation, longitude in SOCAT's 0..360, NaN for missing values.
func Write(w io.Writer, obs []Obs) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "SOCAT-format file written by carbonbudget: %d observations\n%s\n", len(obs), writeHeader)
	var buf []byte
	for _, o := range obs {
		t := o.Time.UTC()
		buf = append(buf[:0], o.Expocode...)
		buf = append(buf, '\t')
		buf = append(buf, o.QC...)
		for _, v := range []int{t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute()} {
			buf = append(buf, '\t')
			buf = strconv.AppendInt(buf, int64(v), 10)
		}
		sec := float64(t.Second()) + float64(t.Nanosecond())/1e9
		lon := o.LonDeg
		if lon < 0 {
			lon += 360
		}
		for _, v := range []float64{sec, lon, o.LatDeg, o.Salinity, o.SSTDegC, o.FCO2RecUatm} {
			buf = append(buf, '\t')
			buf = appendFloat(buf, v)
		}
		buf = append(buf, '\t')
		buf = strconv.AppendInt(buf, int64(o.FCO2Flag), 10)
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func appendFloat(buf []byte, v float64) []byte {
	if math.IsNaN(v) {
		return append(buf, "NaN"...)
	}
	return strconv.AppendFloat(buf, v, 'g', -1, 64)
}
