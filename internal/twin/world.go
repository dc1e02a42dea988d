package twin

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// World is a running twin world: its static geography and climate, the
// calibration made from its climatology, and the state that carries from
// month to month (soil water, snow, atmospheric CO2 and its lagged forms).
// Next advances it one month.
type World struct {
	masks  LandMasks // for the counterfactual worlds of extremeCauses
	opt    Options
	geo    *geography
	st     *statics
	toa    [][12]float32
	oni    *oniSeries
	eventW [][]float32
	// cf makes this world one of extremeCauses' counterfactuals (nil in
	// every world written); chunkLog is, in every other world, the sums
	// of each chunk of each runChunks call, which the counterfactuals
	// replay for the chunks they do not compute.
	cf       *counterfactual
	chunkLog [][]sums
	calls    int
	noise    noiseSet
	land     landState
	ocean    oceanCalib
	fossil   *fossilWorld
	atm      atmosphere
	next     grid.Month
	last     grid.Month
}

// noiseSet holds the weather: smooth AR(1) anomaly fields, one per driver.
type noiseSet struct {
	t, p, sst, wind, msl, pco2, mld, chl, ndvi *noiseState
	pco2Model                                  [nGOBM]*noiseState
}

// New builds the world for opt on the land of masks (whose grid must be
// the one of opt.ResDeg) and runs its climatology to calibrate it.
func New(masks LandMasks, opt Options) (*World, error) {
	return newWorld(masks, opt, nil)
}

// newWorld is New, for one of extremeCauses' counterfactuals when cf is
// not nil.
func newWorld(masks LandMasks, opt Options, cf *counterfactual) (*World, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	g := grid.MustNew(opt.ResDeg)
	geo, err := newGeography(g, masks)
	if err != nil {
		return nil, err
	}
	w := &World{
		masks: masks,
		cf:    cf,
		opt:   opt,
		geo:   geo,
		st:    newStatics(geo, opt.Seed),
		toa:   monthlyInsolation(geo.latDeg),
		oni:   newONISeries(opt.Seed, opt.ToYear),
		next:  grid.Month{Year: opt.FromYear, Month: time.January},
		last:  grid.Month{Year: opt.ToYear, Month: time.December},
	}
	for j := range events {
		w.eventW = append(w.eventW, eventWeights(geo, &events[j]))
	}
	w.noise = newNoiseSet(opt.Seed, geo)
	w.atm = newAtmosphere(opt.FromYear)
	w.land = newLandState(geo, w.st, opt.Seed)
	w.ocean = newOceanCalib(geo, w.st, opt.Seed)
	if w.fossil, err = newFossilWorld(geo, masks, opt); err != nil {
		return nil, err
	}
	w.calibrate()
	return w, nil
}

func newNoiseSet(seed uint64, geo *geography) noiseSet {
	r := newRand(seed, "noise-init", 0, 0)
	state := func(name string, rho float64) *noiseState {
		return newNoiseState(newSmoothBasis(seed, name, geo.latDeg, geo.lonDeg), rho, r)
	}
	n := noiseSet{
		t: state("t2m", 0.5), p: state("precip", 0.25), sst: state("sst", 0.8),
		wind: state("wind", 0.2), msl: state("msl", 0.2), pco2: state("pco2", 0.6),
		mld: state("mld", 0.5), chl: state("chl", 0.5), ndvi: state("ndvi", 0.6),
	}
	for j := range n.pco2Model {
		n.pco2Model[j] = state("pco2/"+GOBMNames[j], 0.6)
	}
	return n
}

func (n *noiseSet) all() []*noiseState {
	out := []*noiseState{n.t, n.p, n.sst, n.wind, n.msl, n.pco2, n.mld, n.chl, n.ndvi}
	return append(out, n.pco2Model[:]...)
}

// step draws the weather of month m.
func (n *noiseSet) step(seed uint64, m grid.Month) {
	r := newRand(seed, "weather", m.Year, int(m.Month))
	for _, s := range n.all() {
		s.step(r)
	}
}

// Grid is the world's analysis grid.
func (w *World) Grid() grid.Grid { return w.geo.g }

// LandFraction is the land fraction the world was built on.
func (w *World) LandFraction() []float32 { return w.geo.land }

// Next simulates the next month; io.EOF after the last.
func (w *World) Next(ctx context.Context) (*MonthFields, error) { return w.step(ctx, nil) }

// step is Next writing into reuse (a month the caller is done with) when
// it is not nil, to spare the allocation of every field.
func (w *World) step(ctx context.Context, reuse *MonthFields) (*MonthFields, error) {
	if w.last.Before(w.next) {
		return nil, io.EOF
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m := w.next
	w.noise.step(w.opt.Seed, m)
	mc := w.monthContext(m, false)
	out := reuse
	if out == nil {
		out = newMonthFields(w.geo.g, m)
	}
	out.Month = m
	sums := w.runChunks(mc, out)
	out.Budget = w.atm.close(m, sums, w.fossil.monthGtC(m))
	w.next = m.Add(1)
	return out, nil
}

// monthCtx is what every cell of a month shares.
type monthCtx struct {
	m                 grid.Month
	k, days           int
	yearsSince2000    float64
	oni0, oni2        float64 // ONI now and two months before (°C)
	oniLandT          float64 // the ONI that sets tropical land temperature: four months before, La Niña at 0.7 weight
	clim              bool
	ext               *extremes
	co2PPM            float64
	gppCO2, respCO2   [nLandSets]float64 // CO2 factors of productivity and of respiration/fuel
	disequilibriumPPM float64            // C − C_lagged for the ocean
	lucGtC            float64            // this month's E_LUC
	fossil            []float32          // gridded fossil of the month, g C m-2 land
}

func (w *World) monthContext(m grid.Month, clim bool) *monthCtx {
	mc := &monthCtx{m: m, k: int(m.Month), days: m.Days(), clim: clim}
	mc.yearsSince2000 = float64(m.Year) + (float64(m.Month)-0.5)/12 - 2000
	if clim {
		// The climatology is the world of 2000 without weather, ENSO or
		// extremes, at pre-industrial CO2 (where land is in balance).
		mc.yearsSince2000 = 0
		mc.co2PPM = preindustrialPPM
		for p := range mc.gppCO2 {
			mc.gppCO2[p], mc.respCO2[p] = 1, 1
		}
		mc.disequilibriumPPM = 0
		return mc
	}
	mc.oni0, mc.oni2 = w.oni.at(m, 0), w.oni.at(m, 2)
	// Tropical land warms about four months after the Pacific (Kumar and
	// Hoerling 2003); La Niña cools it less than El Niño warms it.
	mc.oniLandT = w.oni.at(m, 4)
	if mc.oniLandT < 0 {
		mc.oniLandT *= 0.7
	}
	var off partSet
	if w.cf != nil {
		off = w.cf.off
	}
	mc.ext = extremesOf(w.geo, w.eventW, m, off)
	mc.co2PPM = w.atm.co2PPM
	for p, lp := range landSets {
		mc.gppCO2[p] = 1 + lp.beta*math.Log(w.atm.co2PPM/preindustrialPPM)
		mc.respCO2[p] = 1 + lp.beta*math.Log(w.atm.landLagPPM[p]/preindustrialPPM)
	}
	mc.disequilibriumPPM = w.atm.co2PPM - w.atm.oceanLagPPM
	mc.lucGtC = lucGtCPerYear(m.Year) * float64(mc.days) / daysInYear(m.Year)
	mc.fossil = w.fossil.gridded(m)
	return mc
}

func daysInYear(y int) float64 {
	return float64(time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC).Sub(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// chunkRows is the number of grid rows per unit of parallel work. The
// chunking is fixed (it does not depend on the core count) and partial sums
// are added in chunk order, so totals are bit-identical on any machine.
const chunkRows = 8

// runChunks evaluates every cell of the month in parallel and returns the
// global sums. A counterfactual world evaluates only the chunks under a
// land event and takes the others' sums from the written world's.
func (w *World) runChunks(mc *monthCtx, out *MonthFields) sums {
	nrow := w.geo.g.NLat
	nchunk := (nrow + chunkRows - 1) / chunkRows
	parts := make([]sums, nchunk)
	work := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ch := range work {
				r0 := ch * chunkRows
				w.cells(mc, out, r0, min(r0+chunkRows, nrow), &parts[ch])
			}
		}()
	}
	for ch := range nchunk {
		if w.cf != nil && !w.cf.only[ch] {
			parts[ch] = w.cf.replay[w.calls][ch]
			continue
		}
		work <- ch
	}
	close(work)
	wg.Wait()
	if w.cf == nil {
		w.chunkLog = append(w.chunkLog, parts)
	}
	w.calls++
	var total sums
	for i := range parts {
		total.add(&parts[i])
	}
	return total
}

// String describes the world.
func (w *World) String() string {
	return fmt.Sprintf("twin world seed %d, %d-%d on %v", w.opt.Seed, w.opt.FromYear, w.opt.ToYear, w.geo.g)
}
