package ocean

import (
	"fmt"
	"math"
	"sync"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
	"github.com/carbonbudget/carbonbudget/internal/seawater"
)

// synthWorld is an in-memory cube store over a synthetic ocean on the real
// land mask, generated on demand from hashed noise so that any grid and
// any month can be served without storing years of fields. It knows the
// truth: a surface pCO2 law (ΔpCO2 as a known function of the drivers)
// that the ship data sample, and two GOBMs whose fgco2 follows their own
// versions of the law through the bulk formula.
type synthWorld struct {
	g      grid.Grid
	land   []float32
	first  grid.Month // first month served
	last   grid.Month // last month served
	seed   uint64
	noShip map[grid.Month]bool // months whose ship data is "late"
	// shipScale multiplies the ship sampling probability (1: about 6% of
	// ocean cells a month).
	shipScale float64
	uniform   bool // every ocean cell the same: see uniformDelta

	mu    sync.Mutex
	cache map[fieldKey]*grid.Field
	keep  bool // cache fields (small grids)
}

type fieldKey struct {
	m    grid.Month
	name string
}

// uniformDelta is the sea-minus-air pCO2 of the uniform world, µatm.
const uniformDelta = -20.0

// Drivers of the uniform world.
const (
	uniformSST, uniformSO, uniformWindSq, uniformMSL, uniformXCO2 = 15.0, 35.0, 50.0, 1013.25, 400.0
)

// testGOBMs are the GOBMs the tests train; the world also has GAMMA, for
// the benchmarks' three.
var testGOBMs = []string{"ALPHA", "BETA"}

func newSynthWorld(g grid.Grid, firstYear, lastYear int, seed uint64) (*synthWorld, error) {
	rs, err := regions.Load(g)
	if err != nil {
		return nil, err
	}
	return &synthWorld{
		g: g, land: rs.LandFraction(), seed: seed, shipScale: 1,
		first: grid.Month{Year: firstYear, Month: 1}, last: grid.Month{Year: lastYear, Month: 12},
		noShip: map[grid.Month]bool{}, cache: map[fieldKey]*grid.Field{}, keep: g.Cells() <= 64800,
	}, nil
}

func (w *synthWorld) XCO2PPM(m grid.Month) (float64, error) {
	if m.Before(w.first) || w.last.Before(m) {
		return 0, fmt.Errorf("synth: no CO2 for %s", m)
	}
	if w.uniform {
		return uniformXCO2, nil
	}
	t := float64(m.Sub(grid.Month{Year: 2000, Month: 1})) / 12
	return 369 + 1.9*t + 0.01*t*t + 2.5*math.Sin(2*math.Pi*(float64(m.Month)-2)/12), nil
}

func (w *synthWorld) Field(m grid.Month, name string) (*grid.Field, error) {
	if name == fieldLandFrac {
		return &grid.Field{Name: name, Units: "1", Grid: w.g, Values: w.land}, nil
	}
	if m.Before(w.first) || w.last.Before(m) {
		return nil, fmt.Errorf("synth: no cube for %s", m)
	}
	if (name == fieldShip || name == "fco2_ship_n") && w.noShip[m] {
		return nil, fmt.Errorf("cube %s: no field %q", m, name)
	}
	k := fieldKey{m, name}
	w.mu.Lock()
	f, ok := w.cache[k]
	w.mu.Unlock()
	if ok {
		return f, nil
	}
	f, err := w.make(m, name)
	if err != nil {
		return nil, err
	}
	if w.keep {
		w.mu.Lock()
		w.cache[k] = f
		w.mu.Unlock()
	}
	return f, nil
}

var synthUnits = map[string]string{
	fieldSST: "degC", fieldSalinity: "1e-3", fieldMLD: "m", fieldChl: "mg m-3", fieldWindSq: "m2 s-2",
	fieldIce: "1", fieldMSL: "hPa", fieldShip: pco2Units, "fco2_ship_n": "1",
	gobmPrefix + "ALPHA": emulator.FluxUnits, gobmPrefix + "BETA": emulator.FluxUnits, gobmPrefix + "GAMMA": emulator.FluxUnits,
}

func (w *synthWorld) make(m grid.Month, name string) (*grid.Field, error) {
	units, ok := synthUnits[name]
	if !ok {
		return nil, fmt.Errorf("cube %s: no field %q", m, name)
	}
	f := grid.NewField(w.g, name, units)
	x, err := w.XCO2PPM(m)
	if err != nil {
		return nil, err
	}
	for i, lf := range w.land {
		if lf >= 1 {
			continue
		}
		d := w.cell(m, i, x)
		f.Values[i] = float32(d.value(name, w, m, i))
	}
	return f, nil
}

// cellState is one ocean cell in one month.
type cellState struct {
	sst, so, mld, chl, windSq, ice, msl, xco2, upwelling, lon, lat float64
}

func (w *synthWorld) cell(m grid.Month, i int, xco2 float64) cellState {
	if w.uniform {
		return cellState{sst: uniformSST, so: uniformSO, mld: 50, chl: 0.3, windSq: uniformWindSq, msl: uniformMSL, xco2: xco2}
	}
	lat, lon := w.g.Centre(i)
	rad := math.Pi / 180
	sl, cl := math.Sin(lat*rad), math.Cos(lat*rad)
	season := -math.Cos(2 * math.Pi * (float64(m.Month) - 1.5) / 12) // +1 in NH summer
	t := float64(m.Sub(grid.Month{Year: 2000, Month: 1}))
	enso := math.Sin(2*math.Pi*t/45) + 0.5*math.Sin(2*math.Pi*t/29)
	pac := math.Exp(-(lat/10)*(lat/10)) * math.Exp(-((lon+115)/35)*((lon+115)/35))
	mode := w.mode(m, lat, lon)
	c := cellState{lat: lat, lon: lon, xco2: xco2}
	c.upwelling = pac * (1 - 0.6*enso)
	c.sst = 29*cl*cl - 1.5 + 4*sl*season*cl + 1.2*enso*pac - 2*c.upwelling + 0.8*mode + 0.3*w.white(m, i, 1)
	c.sst = math.Max(-1.8, math.Min(31, c.sst))
	c.so = 34.7 + 0.8*math.Cos(2*lat*rad) - 0.5*math.Exp(-(lat/8)*(lat/8)) + 0.2*w.white(m, i, 2)
	a := math.Abs(lat) / 70
	c.mld = math.Max(10, 25+120*a*a*(1-0.7*sign(lat)*season)+10*mode)
	c.chl = math.Max(0.02, 0.08+0.6*a*a*(1+0.5*sign(lat)*season)+0.5*c.upwelling+0.05*w.white(m, i, 3))
	u := 5 + 5*math.Pow(math.Min(math.Abs(lat), 55)/55, 1.5) + 1.5*(-sign(lat)*season)*math.Abs(lat)/90 + 0.6*mode
	c.windSq = 1.15 * u * u
	c.ice = math.Max(0, math.Min(1, (-1.0-c.sst)/0.8))
	c.msl = 1013 + 6*w.mode(m.Add(100), lat, lon) + 2*w.white(m, i, 4)
	return c
}

func sign(x float64) float64 {
	if x < 0 {
		return -1
	}
	return 1
}

// trueDelta is the world's true sea-minus-air pCO2 law, µatm: thermal,
// biological, mixing and upwelling terms and a slowly growing
// undersaturation as atmospheric CO2 rises.
func (c cellState) trueDelta(uniform bool) float64 {
	if uniform {
		return uniformDelta
	}
	return 0.8*(c.sst-17) - 18*(c.chl-0.2) + 0.06*(c.mld-50) + 35*c.upwelling - 0.12*(c.xco2-370) - 4
}

// gobmDelta is GOBM name's version of the law.
func (c cellState) gobmDelta(name string, uniform bool) float64 {
	d := c.trueDelta(uniform)
	switch name {
	case "ALPHA":
		return 1.1*d + 2 + 3*math.Sin(c.lon*math.Pi/180)*math.Exp(-(c.lat/30)*(c.lat/30))
	case "GAMMA":
		return d + 4*math.Cos(2*c.lat*math.Pi/180) - 3
	}
	return 0.9*d - 2
}

// uptake is the flux into the ocean (g C m-2 month-1) for a ΔpCO2.
func (c cellState) uptake(delta float64, days int) float64 {
	in := seawater.Inputs{SSTDegC: c.sst, SalinityPSU: c.so, MeanSquareWindM2PerS2: c.windSq,
		PressureAtm: c.msl / hPaPerAtm, IceFraction: c.ice, XCO2AirUmolPerMol: c.xco2}
	in.PCO2SeaUatm = seawater.AtmosphericPCO2Uatm(c.xco2, in.PressureAtm, c.sst, c.so) + delta
	return -seawater.GramsCPerM2PerMonth(seawater.SeaToAirFlux(in, seawater.WanninkhofCoefficient), days)
}

func (c cellState) value(name string, w *synthWorld, m grid.Month, i int) float64 {
	switch name {
	case fieldSST:
		return c.sst
	case fieldSalinity:
		return c.so
	case fieldMLD:
		return c.mld
	case fieldChl:
		return c.chl
	case fieldWindSq:
		return c.windSq
	case fieldIce:
		return c.ice
	case fieldMSL:
		return c.msl
	case fieldShip, "fco2_ship_n":
		return w.ship(c, m, i, name == fieldShip)
	}
	model := name[len(gobmPrefix):]
	return c.uptake(c.gobmDelta(model, w.uniform), m.Days())
}

// truePCO2 is the true surface pCO2 of the cell.
func (c cellState) truePCO2(uniform bool) float64 {
	return seawater.AtmosphericPCO2Uatm(c.xco2, c.msl/hPaPerAtm, c.sst, c.so) + c.trueDelta(uniform)
}

// ship samples the true fCO2 with a SOCAT-like density contrast (dense in
// the north, sparse in the south, more in local summer) and 2.5 µatm of
// measurement noise; it returns the value or the observation count.
func (w *synthWorld) ship(c cellState, m grid.Month, i int, value bool) float64 {
	p := 0.015
	switch {
	case c.lat > 20:
		p = 0.10
	case c.lat > -20:
		p = 0.04
	}
	season := -math.Cos(2 * math.Pi * (float64(m.Month) - 1.5) / 12)
	p *= (1 + 0.5*sign(c.lat)*season) * w.shipScale
	if w.uniform {
		p = 0.2
	}
	if (w.white(m, i, 5)+1)/2 >= p {
		return math.NaN()
	}
	if !value {
		return math.Floor(1 + 20*(w.white(m, i, 6)+1)/2)
	}
	fco2 := c.truePCO2(w.uniform) * seawater.FugacityFactor(c.sst, c.msl/hPaPerAtm, c.xco2)
	if !w.uniform {
		fco2 += 2.5 * w.white(m, i, 7) * math.Sqrt(3) // uniform noise of SD 2.5
	}
	return fco2
}

// truth returns the true pCO2 (µatm) and flux into the ocean (g C m-2
// month-1) of month m, NaN on land.
func (w *synthWorld) truth(m grid.Month) (pco2, uptake []float32) {
	x, _ := w.XCO2PPM(m)
	pco2, uptake = make([]float32, w.g.Cells()), make([]float32, w.g.Cells())
	for i, lf := range w.land {
		if lf >= 1 {
			pco2[i], uptake[i] = float32(math.NaN()), float32(math.NaN())
			continue
		}
		c := w.cell(m, i, x)
		pco2[i] = float32(c.truePCO2(w.uniform))
		uptake[i] = float32(c.uptake(c.trueDelta(w.uniform), m.Days()))
	}
	return pco2, uptake
}

// mode is a smooth random field of amplitude about 1: a few large-scale
// waves whose phases change every month.
func (w *synthWorld) mode(m grid.Month, lat, lon float64) float64 {
	k := uint64(m.Year*12+int(m.Month)) ^ w.seed<<20
	rad := math.Pi / 180
	var v float64
	for j := uint64(0); j < 3; j++ {
		ph1, ph2 := math.Pi*hashNoise(k*7+j), math.Pi*hashNoise(k*13+j+99)
		v += math.Sin(float64(j+2)*lon*rad+ph1) * math.Cos(float64(j+1)*lat*rad+ph2)
	}
	return v / 1.5
}

// white is hashed noise in [-1, 1) for month m, cell i and stream s.
func (w *synthWorld) white(m grid.Month, i int, s uint64) float64 {
	return hashNoise(w.seed*0x9e3779b97f4a7c15 ^ uint64(m.Year*12+int(m.Month))<<32 ^ uint64(i)<<4 ^ s)
}

// hashNoise maps x to [-1, 1) with a splitmix64 step.
func hashNoise(x uint64) float64 {
	x += 0x9e3779b97f4a7c15
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11)/float64(1<<52) - 1
}
