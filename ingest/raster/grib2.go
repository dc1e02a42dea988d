package raster

import (
	"math"
	"strconv"
	"strings"
)

// GDAL names a GRIB 2 band after the WMO parameter (GRIB_ELEMENT TMP,
// PRMSL, …), not after ECMWF's short name, and one element covers several
// ECMWF parameters (TMP is 2t at 2 m and skt at the surface; TPRATE is
// tp when accumulated and tprate at an instant). So a GRIB 2 band is
// matched on the codes GDAL records with it: GRIB_DISCIPLINE, the
// parameter category and number and the first fixed surface in
// GRIB_PDS_TEMPLATE_ASSEMBLED_VALUES, and for accumulations the type of
// statistical processing.

// grib2Code is one GRIB 2 encoding of an ECMWF parameter, as ecCodes
// 2.28 defines it (definitions/grib2/shortName.def, localConcepts/ecmf/
// shortName.def and their units.def).
type grib2Code struct {
	discipline, category, number int
	// surface is typeOfFirstFixedSurface (1 ground or water surface, 101
	// mean sea level, 103 height above ground); -1: not checked (ECMWF's
	// local swvl1 encoding sets none).
	surface int
	// levelM is the first fixed surface's value (m above ground); NaN:
	// not checked.
	levelM float64
	// accumulated: the message must be statistically processed (product
	// templates 4.8 or 4.11) with typeOfStatisticalProcessing 1, as tp
	// and ssrd are; the same codes at an instant are rates (tprate,
	// dswrf) in other units.
	accumulated bool
	// ecmwfOnly: a code in a local range (discipline, category or number
	// of 192 or more) means this only in a message from ECMWF (centre 98).
	ecmwfOnly bool
	// unit is ECMWF's unit for the encoding. GDAL's table labels 0.1.52
	// kg/(m^2*s) and 0.4.7 W/(m^2), the units of the instantaneous rates,
	// whatever the statistical processing, so GDAL's GRIB_UNIT is not used.
	unit string
}

var nan = math.NaN()

// grib2Codes maps ECMWF short names (and the ERA5 netCDF names) to their
// GRIB 2 encodings.
var grib2Codes = map[string][]grib2Code{
	"2t":   {{0, 0, 0, 103, 2, false, false, "K"}},
	"10u":  {{0, 2, 2, 103, 10, false, false, "m s-1"}},
	"10v":  {{0, 2, 3, 103, 10, false, false, "m s-1"}},
	"10si": {{0, 2, 1, 103, 10, false, false, "m s-1"}},
	"msl":  {{0, 3, 0, 101, nan, false, false, "Pa"}},
	"sst":  {{10, 3, 0, 1, nan, false, false, "K"}},
	"ci":   {{10, 2, 0, 1, nan, false, false, "1"}},
	"ssrd": {{0, 4, 7, 1, nan, true, false, "J m-2"}},
	// tp: WMO's total precipitation (paramId 228228, kg m-2), and ECMWF's
	// local encoding of paramId 228 (metres, localTablesVersion 1).
	"tp": {{0, 1, 52, 1, nan, true, false, "kg m-2"}, {0, 1, 193, 1, nan, true, true, "m"}},
	// swvl1: ecCodes 2.28 encodes paramId 39 in ECMWF's local discipline
	// 192, category 128 (the GRIB 1 table), number 39.
	"swvl1": {{192, 128, 39, -1, nan, false, true, "m3 m-3"}},
}

func init() {
	for alias, short := range map[string]string{"t2m": "2t", "u10": "10u", "v10": "10v", "si10": "10si", "siconc": "ci"} {
		grib2Codes[alias] = grib2Codes[short]
	}
}

// grib2Info is what GDAL records of a GRIB 2 band. Its zero value, with
// edition2 false, describes a GRIB 1 band, which has no GRIB_DISCIPLINE.
type grib2Info struct {
	edition2                     bool
	discipline, category, number int
	surface                      int
	levelM                       float64
	statProcessing               int // -1 when the template has none
	centre                       int
}

// parseGRIB2 reads the codes of a band from its GDAL metadata. Values it
// cannot read are -1 (NaN for the level), which match no table entry.
func parseGRIB2(md map[string]string) grib2Info {
	d, ok := md["GRIB_DISCIPLINE"]
	if !ok {
		return grib2Info{}
	}
	in := grib2Info{edition2: true, discipline: -1, category: -1, number: -1, surface: -1, levelM: nan, statProcessing: -1, centre: -1}
	in.discipline = leadingInt(d) // "0(Meteorological)"
	in.centre = leadingInt(strings.TrimPrefix(fieldOf(md["GRIB_IDS"], "CENTER="), "CENTER="))
	v := intFields(md["GRIB_PDS_TEMPLATE_ASSEMBLED_VALUES"])
	pdtn := leadingInt(md["GRIB_PDS_PDTN"])
	// Templates 4.0, 4.1, 4.8 and 4.11 begin alike: category, number, …,
	// then at 9–11 the first fixed surface's type, scale factor and
	// scaled value.
	if len(v) < 12 || (pdtn != 0 && pdtn != 1 && pdtn != 8 && pdtn != 11) {
		return in
	}
	in.category, in.number, in.surface = v[0], v[1], v[9]
	if v[10] >= 0 && v[11] >= 0 { // a missing scale or value reads negative
		in.levelM = float64(v[11]) / math.Pow(10, float64(v[10]))
	}
	// typeOfStatisticalProcessing follows the end of the overall time
	// interval (6 values), the number of ranges and of missing values:
	// index 23 in 4.8, 26 in 4.11 (three ensemble fields before).
	if at := map[int]int{8: 23, 11: 26}[pdtn]; at > 0 && len(v) > at {
		in.statProcessing = v[at]
	}
	return in
}

// matches reports whether the band is this encoding.
func (c grib2Code) matches(in grib2Info) bool {
	switch {
	case !in.edition2 || in.discipline != c.discipline || in.category != c.category || in.number != c.number:
		return false
	case c.surface >= 0 && in.surface != c.surface:
		return false
	case !math.IsNaN(c.levelM) && !(math.Abs(in.levelM-c.levelM) < 1e-6):
		return false
	case c.accumulated && in.statProcessing != 1:
		return false
	case c.ecmwfOnly && in.centre != 98:
		return false
	}
	return true
}

// grib2Match returns the unit of the encoding of shortName the band has.
func grib2Match(shortName string, in grib2Info) (string, bool) {
	for _, c := range grib2Codes[strings.ToLower(shortName)] {
		if c.matches(in) {
			return c.unit, true
		}
	}
	return "", false
}

func leadingInt(s string) int {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || end == 0 && s[end] == '-') {
		end++
	}
	n, err := strconv.Atoi(s[:end])
	if err != nil {
		return -1
	}
	return n
}

// fieldOf returns the space-separated field of s starting with prefix.
func fieldOf(s, prefix string) string {
	for _, f := range strings.Fields(s) {
		if strings.HasPrefix(f, prefix) {
			return f
		}
	}
	return ""
}

func intFields(s string) []int {
	var out []int
	for _, f := range strings.Fields(s) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil
		}
		out = append(out, n)
	}
	return out
}
