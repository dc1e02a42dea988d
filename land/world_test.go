package land

import (
	"fmt"
	"math"
	"sync"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// synthWorld is an in-memory cube store over a synthetic land on the real
// land mask, generated on demand so that any grid and month can be served
// without storing years of fields. It knows the truth: each DGVM's NBP is
// a known function (dgvmNBP) of the month's drivers, a lagged soil
// moisture anomaly, the vegetation and atmospheric CO2, minus a
// climatological fire term; observed fire is that climatology plus the
// events in fireEvents, exactly. Events are laid over the generated
// fields (fire_c, t2m) and do not reach the DGVMs' NBP: they are what the
// models miss.
type synthWorld struct {
	g           grid.Grid
	land        []float32
	first, last grid.Month
	seed        uint64
	// quiet replaces the weather anomalies with ±0.5 alternating by year
	// (a known interannual standard deviation), for the heat tests.
	quiet bool
	// fireEvents adds fire (g C m-2 month-1 per m² of land) in a box in a
	// month; heatEvents adds warmth (degC) to t2m.
	fireEvents map[grid.Month]boxEvent
	heatEvents map[grid.Month]boxEvent
	// noFire makes fire_c absent.
	noFire bool

	cache *fieldCache // nil: nothing kept (large grids)
}

// fieldCache keeps the generated fields (without events) of every world
// with the same grid, seed and quietness: tests make many worlds that
// differ only in their events.
type fieldCache struct {
	mu     sync.Mutex
	fields map[fieldKey]*grid.Field
}

type worldKey struct {
	g     grid.Grid
	seed  uint64
	quiet bool
}

var worldCaches sync.Map // worldKey -> *fieldCache

type fieldKey struct {
	m    grid.Month
	name string
}

// boxEvent is an anomaly of Amount inside a latitude-longitude box.
type boxEvent struct {
	South, North, West, East float64
	Amount                   float64
}

func (e boxEvent) in(lat, lon float64) bool {
	return lat >= e.South && lat <= e.North && lon >= e.West && lon <= e.East
}

// testDGVMs are the models the tests train; the world also has GAMMA, for
// the benchmarks' three.
var testDGVMs = []string{"ALPHA", "BETA"}

func newSynthWorld(g grid.Grid, firstYear, lastYear int, seed uint64) (*synthWorld, error) {
	rs, err := regions.Load(g)
	if err != nil {
		return nil, err
	}
	return &synthWorld{g: g, land: rs.LandFraction(), seed: seed,
		first: grid.Month{Year: firstYear, Month: 1}, last: grid.Month{Year: lastYear, Month: 12},
		fireEvents: map[grid.Month]boxEvent{}, heatEvents: map[grid.Month]boxEvent{}}, nil
}

// cached returns the world's field cache, or nil on large grids.
func (w *synthWorld) cached() *fieldCache {
	if w.g.Cells() > 64800 {
		return nil
	}
	c, _ := worldCaches.LoadOrStore(worldKey{w.g, w.seed, w.quiet}, &fieldCache{fields: map[fieldKey]*grid.Field{}})
	return c.(*fieldCache)
}

var synthUnits = map[string]string{
	fieldT2m: "degC", fieldTp: "mm month-1", fieldSsrd: "W m-2", fieldSwvl1: "m3 m-3", fieldNDVI: "1",
	fieldFire: emulator.FluxUnits, fieldXCO2: emulator.XCO2Units,
	nbpPrefix + "ALPHA": emulator.FluxUnits, nbpPrefix + "BETA": emulator.FluxUnits, nbpPrefix + "GAMMA": emulator.FluxUnits,
}

func (w *synthWorld) Field(m grid.Month, name string) (*grid.Field, error) {
	if name == fieldLandFrac {
		return &grid.Field{Name: name, Units: "1", Grid: w.g, Values: w.land}, nil
	}
	if m.Before(w.first) || w.last.Before(m) {
		return nil, fmt.Errorf("synth: no cube for %s", m)
	}
	if _, ok := synthUnits[name]; !ok || (name == fieldFire && w.noFire) {
		return nil, fmt.Errorf("cube %s: no field %q", m, name)
	}
	f := w.base(m, name)
	if e, ok := w.fireEvents[m]; ok && name == fieldFire {
		f = w.withEvent(f, e)
	}
	if e, ok := w.heatEvents[m]; ok && name == fieldT2m {
		f = w.withEvent(f, e)
	}
	return f, nil
}

// base is the field without events.
func (w *synthWorld) base(m grid.Month, name string) *grid.Field {
	c := w.cached()
	if c == nil {
		return w.make(m)[name]
	}
	k := fieldKey{m, name}
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.fields[k]; ok {
		return f
	}
	for n, f := range w.make(m) {
		c.fields[fieldKey{m, n}] = f
	}
	return c.fields[k]
}

// withEvent adds e.Amount to f inside e's box (where f has a value).
func (w *synthWorld) withEvent(f *grid.Field, e boxEvent) *grid.Field {
	out := f.Clone()
	for i := range out.Values {
		if lat, lon := w.g.Centre(i); e.in(lat, lon) {
			out.Values[i] += float32(e.Amount)
		}
	}
	return out
}

// make computes every field of month m in one pass over the cells.
func (w *synthWorld) make(m grid.Month) map[string]*grid.Field {
	all := map[string]*grid.Field{}
	for name, units := range synthUnits {
		all[name] = grid.NewField(w.g, name, units)
	}
	x := w.xco2(m)
	for i, lf := range w.land {
		all[fieldXCO2].Values[i] = float32(x)
		c := w.cell(m, i)
		for name, f := range all {
			if name == fieldXCO2 {
				continue
			}
			if !(lf > 0) && name != fieldT2m && name != fieldTp && name != fieldSsrd {
				continue // land-only fields (and NBP, fire: per m² of land) are NaN at sea
			}
			f.Values[i] = float32(c.value(name, m, x))
		}
	}
	return all
}

func (w *synthWorld) xco2(m grid.Month) float64 {
	t := float64(m.Sub(grid.Month{Year: 2000, Month: 1})) / 12
	return 369 + 2*t + 0.01*t*t
}

// cellState is one land cell in one month.
type cellState struct {
	lat, lon                          float64
	t2m, tp, ssrd, swvl1, ndvi        float64
	swvl1AnomLag1, ndviAnnual, fireCl float64
}

// season is +1 in local summer, −1 in local winter.
func season(lat float64, mo int) float64 {
	s := -math.Cos(2 * math.Pi * (float64(mo) - 1.5) / 12)
	if lat < 0 {
		return -s
	}
	return s
}

func (w *synthWorld) cell(m grid.Month, i int) cellState {
	lat, lon := w.g.Centre(i)
	rad := math.Pi / 180
	s := season(lat, int(m.Month))
	aT, aP, aPlag := w.anom(m, i, 1), w.anom(m, i, 2), w.anom(m.Add(-1), i, 2)
	c := cellState{lat: lat, lon: lon}
	c.t2m = 27 - 0.45*math.Abs(lat) + 0.3*math.Abs(lat)*s + 1.5*aT
	pClim := 60 + 150*math.Exp(-(lat/14)*(lat/14)) + 40*s*math.Exp(-((math.Abs(lat)-12)/8)*((math.Abs(lat)-12)/8)) -
		45*math.Exp(-((math.Abs(lat)-25)/7)*((math.Abs(lat)-25)/7))
	c.tp = math.Max(0, pClim*(1+0.4*aP))
	c.ssrd = 170 + 90*math.Cos(lat*rad) + 90*s*math.Abs(lat)/90 - 15*aP
	wet := math.Tanh(pClim/100 - 0.6)
	c.swvl1 = clamp(0.22+0.1*wet+0.04*(0.6*aP+0.4*aPlag), 0.02, 0.5)
	c.swvl1AnomLag1 = 0.04 * (0.6*aPlag + 0.4*w.anom(m.Add(-2), i, 2))
	ndviClim := func(sv float64) float64 {
		return clamp(0.15+0.35*(wet+1)/2+0.25*math.Exp(-((math.Abs(lat)-55)/12)*((math.Abs(lat)-55)/12))*(0.5+0.5*sv), 0.05, 0.9)
	}
	c.ndvi = clamp(ndviClim(s)+2*c.swvl1AnomLag1, 0, 0.95)
	for mo := 1; mo <= 12; mo++ {
		c.ndviAnnual += ndviClim(season(lat, mo)) / 12
	}
	// Savanna fire in the local dry season.
	c.fireCl = 20 * math.Exp(-((math.Abs(lat)-10)/6)*((math.Abs(lat)-10)/6)) * math.Max(0, -s)
	c.lon = lon
	return c
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// anom is the weather anomaly of stream s, about unit amplitude, smooth in
// time (periods of 5 to 61 months, so lags carry information and the
// held-out year is not a repeat) and in space (phases vary by region).
func (w *synthWorld) anom(m grid.Month, i int, s uint64) float64 {
	if w.quiet {
		if m.Year%2 == 0 {
			return 0.5
		}
		return -0.5
	}
	lat, lon := w.g.Centre(i)
	rad := math.Pi / 180
	t := float64(m.Sub(grid.Month{Year: 2000, Month: 1}))
	periods := [...]float64{5.3, 8.9, 13.7, 23.1, 37.9, 61}
	var v float64
	for j, p := range periods {
		k := w.seed*1000 + s*100 + uint64(j)
		// Phases that wander by several radians across the globe, so the
		// global mean of an anomaly is small, as in real weather.
		ph := math.Pi*hashNoise(k) + 4*math.Sin(float64(j+1)*lon*rad+math.Pi*hashNoise(k+7))*math.Cos(float64(j%3+1)*lat*rad) +
			3*math.Sin(float64(2*j+3)*lat*rad+math.Pi*hashNoise(k+11))
		v += math.Sin(2*math.Pi*t/p + ph)
	}
	return v / math.Sqrt(float64(len(periods))/2)
}

// dgvmNBP is model's NBP, g C m-2 month-1 into land: production driven by
// NDVI, light, temperature and soil moisture, respiration growing with
// temperature, a lagged drought loss and the climatological fire; CO2
// fertilises photosynthesis (β ln(CO2/370), as in many DGVMs).
func (c cellState) dgvmNBP(model string, xco2 float64) float64 {
	type law struct{ gpp, resp, q10, drought, beta float64 }
	p := map[string]law{
		"ALPHA": {180, 44.5, 2.0, 900, 0.25},
		"BETA":  {160, 45, 1.7, 600, 0.35},
		"GAMMA": {200, 48, 2.2, 1100, 0.2},
	}[model]
	topt := 24.0
	gpp := p.gpp * c.ndvi * (c.ssrd / 250) * math.Exp(-((c.t2m-topt)/14)*((c.t2m-topt)/14)) * c.swvl1 / (c.swvl1 + 0.08)
	gpp *= 1 + p.beta*math.Log(xco2/370) // CO2 fertilisation of photosynthesis
	resp := p.resp * (0.1 + c.ndviAnnual) * math.Pow(p.q10, (c.t2m-15)/10)
	drought := -p.drought * c.ndviAnnual * math.Max(0, -c.swvl1AnomLag1)
	return gpp - resp + drought - c.fireCl
}

func (c cellState) value(name string, m grid.Month, xco2 float64) float64 {
	switch name {
	case fieldT2m:
		return c.t2m
	case fieldTp:
		return c.tp
	case fieldSsrd:
		return c.ssrd
	case fieldSwvl1:
		return c.swvl1
	case fieldNDVI:
		return c.ndvi
	case fieldFire:
		return c.fireCl
	}
	return c.dgvmNBP(name[len(nbpPrefix):], xco2)
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
