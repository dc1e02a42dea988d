package emulator

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// memCubes is an in-memory Cubes: fields by month and name. Static fields
// are stored under the zero month and served for any month.
type memCubes struct {
	fields map[fieldKey]*grid.Field
	reads  int
}

func newMemCubes() *memCubes { return &memCubes{fields: map[fieldKey]*grid.Field{}} }

func (c *memCubes) Field(m grid.Month, name string) (*grid.Field, error) {
	c.reads++
	if f, ok := c.fields[fieldKey{m, name}]; ok {
		return f, nil
	}
	if f, ok := c.fields[fieldKey{grid.Month{}, name}]; ok {
		return f, nil
	}
	return nil, fmt.Errorf("no field %q for %s", name, m)
}

func (c *memCubes) put(m grid.Month, f *grid.Field) { c.fields[fieldKey{m, f.Name}] = f }

// world is a small synthetic Earth on a 4° grid with monthly drivers and a
// target that is a known nonlinear function of eight features, computed
// here independently of the Builder.
type world struct {
	g           grid.Grid
	data        *memCubes
	first, last grid.Month // months with drivers (first includes the lag spin-up)
	target      map[grid.Month]*grid.Field
}

const (
	worldClimFirst = 2000
	worldClimLast  = 2004
)

// worldSpec is the eight features the world's target depends on.
func worldSpec() FeatureSpec {
	return FeatureSpec{
		Features: []Feature{
			Raw("t2m", "degC"), Lagged("t2m", "degC", 1), RunningMean("tp", "mm month-1", 3),
			Raw("ssrd", "W m-2"), Raw("swvl1", "m3 m-3"), Anomaly("t2m", "degC"),
			MonthOfYear()[0], AbsLatitude(),
		},
		ClimFirstYear: worldClimFirst, ClimLastYear: worldClimLast,
	}
}

// newWorld needs lastYear >= worldClimLast for the anomaly feature.
func newWorld(seed uint64, firstYear, lastYear int) *world {
	w := &world{g: grid.Global(4), data: newMemCubes(), target: map[grid.Month]*grid.Field{}}
	w.first = grid.Month{Year: firstYear, Month: 1}.Add(-3)
	w.last = grid.Month{Year: lastYear, Month: 12}
	r := rand.New(rand.NewPCG(seed, 99))
	n := w.g.Cells()
	anom := make([]float64, n) // AR(1) temperature anomaly per cell
	land := make([]bool, n)
	for c := range land {
		land[c] = r.Float64() < 0.4
	}
	for m := w.first; !w.last.Before(m); m = m.Add(1) {
		t2m := grid.NewField(w.g, "t2m", "degC")
		tp := grid.NewField(w.g, "tp", "mm month-1")
		ssrd := grid.NewField(w.g, "ssrd", "W m-2")
		swvl1 := grid.NewField(w.g, "swvl1", "m3 m-3")
		season := math.Sin(monthPhase(int(m.Month)))
		for c := 0; c < n; c++ {
			lat, lon := w.g.Centre(c)
			sl := math.Sin(lat * math.Pi / 180)
			anom[c] = 0.7*anom[c] + 1.5*r.NormFloat64()
			t2m.Values[c] = float32(28*math.Cos(lat*math.Pi/180) - 8 + 12*sl*season + anom[c])
			tp.Values[c] = float32(80 * (1.2 + math.Cos(2*lat*math.Pi/180)) * (1 + 0.4*math.Sin(lon*math.Pi/90+season)) * math.Exp(0.5*r.NormFloat64()))
			ssrd.Values[c] = float32(math.Max(0, 180+120*sl*season+40*math.Cos(lat*math.Pi/180)+15*r.NormFloat64()))
			if land[c] {
				swvl1.Values[c] = float32(0.05 + 0.4*r.Float64())
			}
		}
		for _, f := range []*grid.Field{t2m, tp, ssrd, swvl1} {
			w.data.put(m, f)
		}
	}
	w.makeTarget()
	return w
}

// feature8 computes the world's eight features of cell c in month m
// straight from the stored fields.
func (w *world) feature8(m grid.Month, c int) [8]float64 {
	v := func(m grid.Month, name string) float64 {
		return float64(w.data.fields[fieldKey{m, name}].Values[c])
	}
	var clim float64
	for y := worldClimFirst; y <= worldClimLast; y++ {
		clim += v(grid.Month{Year: y, Month: m.Month}, "t2m")
	}
	clim /= worldClimLast - worldClimFirst + 1
	lat, _ := w.g.Centre(c)
	return [8]float64{
		v(m, "t2m"), v(m.Add(-1), "t2m"),
		(v(m, "tp") + v(m.Add(-1), "tp") + v(m.Add(-2), "tp")) / 3,
		v(m, "ssrd"), v(m, "swvl1"), v(m, "t2m") - clim,
		math.Sin(monthPhase(int(m.Month))), math.Abs(lat),
	}
}

// truth is the known nonlinear function: productivity rising and
// saturating with light, peaking at 20 °C, limited by soil water where
// there is any, with a lagged-temperature respiration term, a drought
// response to 3-month rain, an anomaly term and a seasonal cycle that
// strengthens with latitude.
func truth(f [8]float64) float64 {
	t, tLag, rain, light, soil, tAnom, season, absLat := f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]
	water := 1.0
	if !math.IsNaN(soil) {
		water = soil / (soil + 0.1)
	}
	gpp := 3 * math.Tanh(light/150) * math.Exp(-math.Pow((t-20)/12, 2)) * water
	resp := 0.6 * math.Exp(0.05*tLag)
	drought := 0.5 * math.Tanh((rain-60)/40)
	return gpp - resp + drought - 0.15*tAnom + 0.8*season*absLat/90
}

func (w *world) makeTarget() {
	for m := w.first.Add(3); !w.last.Before(m); m = m.Add(1) {
		t := grid.NewField(w.g, "nbp", "g C m-2 month-1")
		for c := range t.Values {
			t.Values[c] = float32(truth(w.feature8(m, c)))
		}
		w.target[m] = t
	}
}

func (w *world) targetFunc(m grid.Month) (*grid.Field, error) {
	t, ok := w.target[m]
	if !ok {
		return nil, fmt.Errorf("no target for %s", m)
	}
	return t, nil
}

// months lists the target months of years a..b.
func months(a, b int) []grid.Month {
	return grid.Range(grid.Month{Year: a, Month: 1}, grid.Month{Year: b, Month: 12})
}
