package raster

import "testing"

// TestGRIB2Match checks the GRIB 2 codes against GDAL metadata as GDAL 3.6
// writes it for each case (assembled product-template values).
func TestGRIB2Match(t *testing.T) {
	ids := func(centre string) string {
		return "CENTER=" + centre + " SUBCENTER=0 MASTER_TABLE=4 LOCAL_TABLE=0 SIGNF_REF_TIME=1(Start_of_Forecast) REF_TIME=2024-02-01T00:00:00Z PROD_STATUS=0(Operational) TYPE=0(Analysis)"
	}
	md := func(disc, pdtn, pds, centre string) map[string]string {
		return map[string]string{"GRIB_DISCIPLINE": disc, "GRIB_PDS_PDTN": pdtn, "GRIB_PDS_TEMPLATE_ASSEMBLED_VALUES": pds, "GRIB_IDS": ids(centre)}
	}
	const accum = " 2024 2 2 0 0 0 1 0 1 2 1 24 1 0" // 4.8: end of interval, accumulation (1) over 24 h
	tests := []struct {
		name, short string
		md          map[string]string
		wantUnit    string // "" = no match
	}{
		{"2t at 2 m", "2t", md("0(Meteorological)", "0", "0 0 0 0 128 0 0 1 0 103 0 2 255 -127 -2147483647", "98(ECMWF)"), "K"},
		{"t2m alias", "t2m", md("0(Meteorological)", "0", "0 0 0 0 128 0 0 1 0 103 0 2 255 -127 -2147483647", "98(ECMWF)"), "K"},
		{"skin temperature is not 2t", "2t", md("0(Meteorological)", "0", "0 0 0 0 128 0 0 1 0 1 0 0 255 -127 -2147483647", "98(ECMWF)"), ""},
		{"2 m as 20 dm", "2t", md("0(Meteorological)", "0", "0 0 0 0 128 0 0 1 0 103 1 20 255 -127 -2147483647", "7(US-NCEP)"), "K"},
		{"tp accumulated", "tp", md("0(Meteorological)", "8", "1 52 0 0 128 0 0 1 0 1 0 0 255 0 0"+accum, "98(ECMWF)"), "kg m-2"},
		{"tprate at an instant is not tp", "tp", md("0(Meteorological)", "0", "1 52 0 0 128 0 0 1 0 1 0 0 255 0 0", "98(ECMWF)"), ""},
		{"tp in an ensemble template 4.11", "tp", md("0(Meteorological)", "11", "1 52 0 0 128 0 0 1 0 1 0 0 255 0 0 3 0 10"+accum, "98(ECMWF)"), "kg m-2"},
		{"ECMWF local tp in metres", "tp", md("0(Meteorological)", "8", "1 193 0 0 128 0 0 1 0 1 0 0 255 0 0"+accum, "98(ECMWF)"), "m"},
		{"local code from another centre", "tp", md("0(Meteorological)", "8", "1 193 0 0 128 0 0 1 0 1 0 0 255 0 0"+accum, "7(US-NCEP)"), ""},
		{"ssrd accumulated", "ssrd", md("0(Meteorological)", "8", "4 7 0 0 128 0 0 1 0 1 0 0 255 0 0"+accum, "98(ECMWF)"), "J m-2"},
		{"swvl1 local", "swvl1", md("192", "0", "128 39 0 0 128 0 0 1 0 1 0 0 255 0 0", "98(ECMWF)"), "m3 m-3"},
		{"sst", "sst", md("10(Oceanographic_Products)", "0", "3 0 0 0 128 0 0 1 0 1 0 0 255 0 0", "98(ECMWF)"), "K"},
		{"other template", "2t", md("0(Meteorological)", "40", "0 0 0 0 128 0 0 1 0 103 0 2 255 0 0", "98(ECMWF)"), ""},
		{"GRIB 1 band", "2t", map[string]string{"GRIB_ELEMENT": "2T"}, ""},
	}
	for _, tt := range tests {
		unit, ok := grib2Match(tt.short, parseGRIB2(tt.md))
		if ok != (tt.wantUnit != "") || unit != tt.wantUnit {
			t.Errorf("%s: grib2Match(%s) = %q, %v; want %q", tt.name, tt.short, unit, ok, tt.wantUnit)
		}
	}
}
