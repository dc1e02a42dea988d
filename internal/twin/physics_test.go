package twin

import (
	"math"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/seawater"
)

// TestGasExchangeAgreesWithSeawater compares the twin's own gas-exchange
// functions with the ocean stage's (internal/seawater) over the ocean's
// range: two implementations of the same published formulas.
func TestGasExchangeAgreesWithSeawater(t *testing.T) {
	rel := func(a, b float64) float64 { return math.Abs(a-b) / math.Abs(b) }
	for tC := -2.0; tC <= 32; tC += 2.5 {
		for _, s := range []float64{20, 33, 35, 37} {
			// 1e-12 relative: the same formulas in float64.
			if r := rel(schmidtCO2(tC), seawater.Schmidt(tC)); r > 1e-12 {
				t.Errorf("Schmidt(%v) differs by %g", tC, r)
			}
			if r := rel(solubilityK0(tC, s), seawater.SolubilityMolPerLPerAtm(tC, s)); r > 1e-12 {
				t.Errorf("K0(%v, %v) differs by %g", tC, s, r)
			}
			if r := rel(waterVapourAtm(tC, s), seawater.VaporPressureAtm(tC, s)); r > 1e-12 {
				t.Errorf("pH2O(%v, %v) differs by %g", tC, s, r)
			}
			if r := rel(fugacityFactor(tC, 1, 400), seawater.FugacityFactor(tC, 1, 400)); r > 1e-12 {
				t.Errorf("fugacity(%v) differs by %g", tC, r)
			}
			in := seawater.Inputs{SSTDegC: tC, SalinityPSU: s, MeanSquareWindM2PerS2: 60, PressureAtm: 1, IceFraction: 0.2,
				XCO2AirUmolPerMol: 410, PCO2SeaUatm: 380}
			air := 410 * (1 - waterVapourAtm(tC, s))
			twin := exchangeMmolPerM2DayPerUatm(60, tC, s, wanninkhofCmPerHour) * (380 - air) * 0.8
			if r := rel(twin, seawater.SeaToAirFlux(in, seawater.WanninkhofCoefficient)); r > 1e-12 {
				t.Errorf("flux at %v °C, %v PSU differs by %g", tC, s, r)
			}
		}
	}
	// Weiss (1974) Table III check value, per kg, converted per litre by
	// the ocean stage's density: K0(20 °C, 20) = 0.03515 mol/kg/atm.
	if k := solubilityK0(20, 20) / seawater.SeawaterDensityKgPerL; math.Abs(k-0.03515)/0.03515 > 0.02 {
		t.Errorf("K0(20 °C, S 20) = %v mol/kg/atm, want about 0.03515", k)
	}
}

func TestInsolation(t *testing.T) {
	g := grid.MustNew(1)
	var lat []float64
	for r := range g.NLat {
		lat = append(lat, g.LatCentre(r))
	}
	toa := monthlyInsolation(lat)
	var sum, area float64
	for r := range g.NLat {
		for k := range 12 {
			sum += float64(toa[r][k]) * g.RowAreaM2(r)
			area += g.RowAreaM2(r)
		}
	}
	// The global annual mean is S0/4 = 340 W m⁻² (0.5 %: the eccentricity
	// and month sampling).
	if mean := sum / area; math.Abs(mean-solarConstantWPerM2/4) > 2 {
		t.Errorf("global mean insolation %.1f W m-2, want %.1f", mean, solarConstantWPerM2/4)
	}
	north, south := toa[0], toa[g.NLat-1]
	if north[11] != 0 || south[5] != 0 {
		t.Errorf("polar night has sunlight: north Dec %v, south Jun %v", north[11], south[5])
	}
	eq := toa[g.NLat/2]
	if !(north[5] > eq[5]) {
		t.Errorf("June insolation at the North Pole %v not above the equator's %v", north[5], eq[5])
	}
}

func TestCFClock(t *testing.T) {
	std := newClock("days", time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC), "standard")
	noleap := newClock("days", time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC), "noleap")
	jan2000 := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if got, want := noleap.at(jan2000), 300.0*365; got != want {
		t.Errorf("noleap days to 2000 = %v, want %v", got, want)
	}
	// 300 years from 1700 include 72 leap days (1700, 1800, 1900 are not).
	if got, want := std.at(jan2000), 300.0*365+72; got != want {
		t.Errorf("standard days to 2000 = %v, want %v", got, want)
	}
	feb := grid.Month{Year: 2000, Month: time.February}
	if got, want := noleap.mid(feb)-noleap.at(feb.Start()), 14.0; got != want {
		t.Errorf("noleap mid-February is %v days in, want %v", got, want)
	}
	if got, want := std.mid(feb)-std.at(feb.Start()), 14.5; got != want {
		t.Errorf("standard mid-February 2000 is %v days in, want %v", got, want)
	}
	h := newClock("hours", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), "gregorian")
	if h.units != "hours since 1900-01-01 00:00:00" {
		t.Errorf("units %q", h.units)
	}
	// ERA5's stamp of January 2000.
	if got := h.at(jan2000); got != 876576 {
		t.Errorf("hours since 1900 of 2000-01-01 = %v, want 876576", got)
	}
}

func TestPackInt16(t *testing.T) {
	v := []float32{250, 251.5, float32(math.NaN()), 300, 273.15}
	raw, scale, offset := packInt16(v)
	if raw[2] != fillInt16 {
		t.Errorf("NaN packed as %d, want %d", raw[2], fillInt16)
	}
	if raw[0] != -32766 || raw[3] != 32766 {
		t.Errorf("extremes packed as %d and %d, want ∓32766", raw[0], raw[3])
	}
	for i, x := range v {
		if x != x {
			continue
		}
		if back := float64(raw[i])*scale + offset; math.Abs(back-float64(x)) > scale/2+1e-4 {
			t.Errorf("value %v unpacks to %v (scale %v)", x, back, scale)
		}
	}
	if raw, _, _ := packInt16([]float32{0, 0}); raw[0] != 0 {
		t.Errorf("constant field packed as %d, want 0", raw[0])
	}
}

func TestLayoutReorder(t *testing.T) {
	g := grid.MustNew(2)
	src := make([]float32, g.Cells())
	for i := range src {
		src[i] = float32(i)
	}
	for _, l := range []gridLayout{{}, {southFirst: true}, {from0: true}, {southFirst: true, from0: true}} {
		dst := make([]float32, len(src))
		l.reorder(g, src, dst, func(v float32) float32 { return v })
		lat, lon := l.latitudes(g), l.longitudes(g)
		for r := range g.NLat {
			for c := range g.NLon {
				i, ok := g.Locate(float64(lat[r]), float64(lon[c]))
				if !ok || dst[r*g.NLon+c] != src[i] {
					t.Fatalf("layout %+v: file cell (%d,%d) at %v,%v holds %v, want cell %d", l, r, c, lat[r], lon[c], dst[r*g.NLon+c], i)
				}
			}
		}
	}
}
