package twin

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"

	"github.com/carbonbudget/carbonbudget/internal/durable"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// socatColumns are the columns of a SOCAT synthesis file (science.md
// section 9), in its order and spelling.
var socatColumns = []string{"Expocode", "version", "SOCAT_DOI", "QC_Flag", "yr", "mon", "day", "hh", "mm", "ss",
	"longitude [dec.deg.E]", "latitude [dec.deg.N]", "sample_depth [m]", "sal", "SST [deg.C]", "Tequ [deg.C]",
	"PPPP [hPa]", "Pequ [hPa]", "WOA_SSS", "NCEP_SLP [hPa]", "ETOPO2_depth [m]", "dist_to_land [km]",
	"GVCO2 [umol/mol]", "fCO2rec [uatm]", "fCO2rec_src", "fCO2rec_flag"}

func socatPath(dir string, m grid.Month) string {
	return filepath.Join(dir, "socat", fmt.Sprintf("SOCATv_%04d%02d.tsv", m.Year, int(m.Month)))
}

// writeSOCAT writes month m's observations as a SOCAT synthesis file: a
// free-text metadata block, the Expocode header line, tab-separated rows,
// longitude 0..360 (0° written as 360 on some rows, as SOCAT has both),
// NaN for missing values.
func writeSOCAT(path string, m grid.Month, obs []shipObs, opt Options) error {
	return durable.WriteFile(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		writeSOCATMetadata(bw, m, len(obs), opt)
		for i, c := range socatColumns {
			if i > 0 {
				bw.WriteByte('\t')
			}
			bw.WriteString(c)
		}
		bw.WriteByte('\n')
		version := strconv.Itoa(opt.ToYear + 1)
		doi := fmt.Sprintf("synthetic:twin-seed-%d", opt.Seed)
		var buf []byte
		for _, o := range obs {
			buf = appendSOCATRow(buf[:0], &o, version, doi)
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
}

func writeSOCATMetadata(w *bufio.Writer, m grid.Month, n int, opt Options) {
	lines := []string{
		"SOCAT-format synthesis file of the carbonbudget twin world",
		fmt.Sprintf("Month: %s    Observations: %d", m, n),
		fmt.Sprintf("Twin world: seed %d, years %d-%d, %g degree grid. These data are synthetic, not observations.", opt.Seed, opt.FromYear, opt.ToYear, opt.ResDeg),
		"They sample the twin's true surface-ocean fCO2 along repeated ship routes and at moorings, with",
		"sub-grid variability and measurement noise, in the layout of the Surface Ocean CO2 Atlas (SOCAT).",
		"",
		"Column descriptions:",
		"Expocode: cruise identifier, platform code followed by the cruise start date (YYYYMMDD)",
		"version: release of this file",
		"SOCAT_DOI: where the cruise comes from",
		"QC_Flag: data-set quality flag A-E (A-D usable, E rejected)",
		"yr, mon, day, hh, mm, ss: UTC time of the measurement",
		"longitude [dec.deg.E]: 0 to 360; latitude [dec.deg.N]",
		"sample_depth [m]: intake depth",
		"sal: salinity (PSS-78); SST [deg.C]: sea-surface temperature; Tequ [deg.C]: equilibrator temperature",
		"PPPP [hPa]: atmospheric pressure; Pequ [hPa]: equilibrator pressure",
		"WOA_SSS: climatological salinity; NCEP_SLP [hPa]: reanalysis sea-level pressure",
		"ETOPO2_depth [m]: bottom depth; dist_to_land [km]: distance to the nearest land",
		"GVCO2 [umol/mol]: atmospheric CO2 mole fraction (the twin's global mean)",
		"fCO2rec [uatm]: recomputed surface-water fCO2 at SST; fCO2rec_src: how it was computed",
		"fCO2rec_flag: WOCE flag of fCO2rec (2 good, 3 questionable, 4 bad)",
		"Missing values are NaN.",
		"",
	}
	for _, l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
}

func appendSOCATRow(buf []byte, o *shipObs, version, doi string) []byte {
	t := o.t.UTC()
	buf = append(buf, o.expocode...)
	buf = append(append(buf, '\t'), version...)
	buf = append(append(buf, '\t'), doi...)
	buf = append(append(buf, '\t'), o.qc...)
	for _, v := range []int{t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second()} {
		buf = strconv.AppendInt(append(buf, '\t'), int64(v), 10)
	}
	lon := math.Round(o.lonDeg*1000) / 1000
	if lon < 0 {
		lon += 360
	}
	if lon == 0 && o.lon360 {
		lon = 360
	}
	tequ := o.sst + 0.2
	for _, v := range []float64{lon, o.latDeg, 5, o.sal, o.sst, tequ, o.pressureHPa, o.pressureHPa + 2, o.woaSSS,
		o.pressureHPa, o.depthM, o.distKm, o.xco2, o.fco2} {
		buf = appendFixed(append(buf, '\t'), v)
	}
	buf = append(buf, "\t1\t"...)
	buf = strconv.AppendInt(buf, int64(o.flag), 10)
	return append(buf, '\n')
}

func appendFixed(buf []byte, v float64) []byte {
	if v != v {
		return append(buf, "NaN"...)
	}
	return strconv.AppendFloat(buf, v, 'f', 3, 64)
}
