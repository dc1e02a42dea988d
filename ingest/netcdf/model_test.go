package netcdf

import (
	"math"
	"testing"

	"github.com/fhs/go-netcdf/netcdf"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// The layouts TRENDY land models and GCB ocean models deliver nbp and
// fgco2 in (TRENDYv13 time units and reference dates as surveyed in
// braghiere/TRENDYtoILAMB.jl; 0..360 longitudes, south-first latitudes,
// time_bnds, _FillValue and missing_value -1e20 as in CMIP-style model
// output): each is written on a 10° grid with three months, January to
// March 2015, and February is read back.

// modelValue is the value of step k at file row r (south first) and
// column c.
func modelValue(k, r, c int) float32 { return float32(k*1000 + r*36 + c) }

const modelFill = -1e20

type modelLayout struct {
	name        string
	units, cal  string
	times       []float64    // January, February, March 2015
	bounds      [][2]float64 // nil: no time_bnds
	lon0        float64      // first longitude centre: 5 (0..360) or -175
	modelVar    string
	modelUnits  string
	timeIsFloat bool // float32 time axis, as some models write
}

func (ml modelLayout) fixture() fixture {
	lat, lon := axis(-85, 10, 18), axis(ml.lon0, 10, 36)
	var data []float32
	for k := range ml.times {
		for r := range lat {
			for c := range lon {
				v := modelValue(k, r, c)
				if r == 0 { // Antarctica: no land model output
					v = modelFill
				}
				data = append(data, v)
			}
		}
	}
	timeAttrs := []fattr{{"units", ml.units}, {"calendar", ml.cal}, {"standard_name", "time"}}
	dims := []dim{{"time", len(ml.times)}, {"latitude", 18}, {"longitude", 36}}
	timeVar := fvar{name: "time", typ: netcdf.DOUBLE, dims: []string{"time"}, data: ml.times}
	if ml.timeIsFloat {
		timeVar.typ, timeVar.data = netcdf.FLOAT, f32(ml.times)
	}
	vars := latLon("latitude", "longitude", lat, lon)
	if ml.bounds != nil {
		timeAttrs = append(timeAttrs, fattr{"bounds", "time_bnds"})
		dims = append(dims, dim{"bnds", 2})
		var b []float64
		for _, x := range ml.bounds {
			b = append(b, x[0], x[1])
		}
		vars = append(vars, fvar{name: "time_bnds", typ: netcdf.DOUBLE, dims: []string{"time", "bnds"}, data: b})
	}
	timeVar.attrs = timeAttrs
	vars = append(vars, timeVar, fvar{name: ml.modelVar, typ: netcdf.FLOAT, dims: []string{"time", "latitude", "longitude"}, data: data,
		attrs: []fattr{{"units", ml.modelUnits}, {"_FillValue", []float32{modelFill}}, {"missing_value", []float32{modelFill}}}})
	return fixture{netcdf4: true, dims: dims, vars: vars}
}

func TestModelLayouts(t *testing.T) {
	// Days from the reference date to 2015-01-01, counted in each calendar:
	// noleap from 1700: 315·365 = 114975; 365_day from 0001: 2014·365 =
	// 735110; 360_day from 1700: 315·360 = 113400; standard from 1958:
	// 57·365 + 14 leap days (1960 .. 2012) = 20819.
	tests := []modelLayout{
		{name: "TRENDY nbp, days since 1700 noleap, mid-month, 0..360",
			units: "days since 1700-01-01", cal: "noleap", times: []float64{114975 + 14.5, 114975 + 31 + 13.5, 114975 + 59 + 14.5},
			lon0: 5, modelVar: "nbp", modelUnits: "kg m-2 s-1"},
		{name: "TRENDY nbp, noleap, stamped at month end with time_bnds",
			units: "days since 1700-01-01 00:00:00", cal: "noleap", times: []float64{114975 + 31, 114975 + 59, 114975 + 90},
			bounds: [][2]float64{{114975, 114975 + 31}, {114975 + 31, 114975 + 59}, {114975 + 59, 114975 + 90}},
			lon0:   5, modelVar: "nbp", modelUnits: "kg m-2 s-1"},
		{name: "TRENDY nbp, days since 0001-01-01 365_day",
			units: "days since 0001-01-01", cal: "365_day", times: []float64{735110 + 15, 735110 + 31 + 14, 735110 + 59 + 15},
			lon0: 5, modelVar: "nbp", modelUnits: "kg m-2 s-1"},
		{name: "TRENDY nbp, 360_day stamped on the 30th (30 February exists)",
			units: "days since 1700-01-01", cal: "360_day", times: []float64{113400 + 29, 113400 + 59, 113400 + 89},
			lon0: 5, modelVar: "nbp", modelUnits: "kg m-2 s-1"},
		{name: "TRENDY nbp, months since 1700-01-16 noleap, float32 axis",
			units: "months since 1700-01-16", cal: "noleap", times: []float64{3780, 3781, 3782}, timeIsFloat: true,
			lon0: 5, modelVar: "nbp", modelUnits: "kg m-2 s-1"},
		{name: "model with months since 1850 in 360_day",
			units: "months since 1850-01-01", cal: "360_day", times: []float64{1980.5, 1981.5, 1982.5},
			lon0: -175, modelVar: "nbp", modelUnits: "kg m-2 s-1"},
		{name: "GOBM fgco2, days since 1958 gregorian, month end with time_bnds, -180..180",
			units: "days since 1958-01-01 00:00:00", cal: "gregorian", times: []float64{20819 + 31, 20819 + 59, 20819 + 90},
			bounds: [][2]float64{{20819, 20819 + 31}, {20819 + 31, 20819 + 59}, {20819 + 59, 20819 + 90}},
			lon0:   -175, modelVar: "fgco2", modelUnits: "mol m-2 s-1"},
	}
	feb := grid.Month{Year: 2015, Month: 2}
	want := grid.Grid{West: -180, North: 90, DLon: 10, DLat: 10, NLon: 36, NLat: 18}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Open(tt.fixture().write(t, "model.nc"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			months, err := f.Months(tt.modelVar)
			if err != nil {
				t.Fatal(err)
			}
			for k, m := range months {
				if wantM := (grid.Month{Year: 2015, Month: 1}).Add(k); m != wantM {
					t.Errorf("step %d (%v %s, %s) decodes to %v, want %v", k, tt.times[k], tt.units, tt.cal, m, wantM)
				}
			}
			fd, err := f.Read(tt.modelVar, feb)
			if err != nil {
				t.Fatal(err)
			}
			if fd.Grid != want || fd.Units != tt.modelUnits {
				t.Fatalf("grid %+v units %q, want %+v %q", fd.Grid, fd.Units, want, tt.modelUnits)
			}
			for i, got := range fd.Values {
				lat, lon := fd.Grid.Centre(i)
				r := int(math.Round((lat + 85) / 10))
				c := int(math.Round(math.Mod(lon-tt.lon0+720, 360) / 10))
				w := float64(modelValue(1, r, c))
				if r == 0 {
					w = math.NaN()
				}
				if !(float64(got) == w || math.IsNaN(w) && math.IsNaN(float64(got))) {
					t.Fatalf("cell %.0f°N %.0f°E = %v, want %v (file row %d column %d)", lat, lon, got, w, r, c)
				}
			}
		})
	}
}
