package emulator

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/xgb"
)

// synthCubes makes smooth drivers with hashed noise on demand and keeps
// them, so benchmarks need no stored data.
type synthCubes struct {
	g      grid.Grid
	fields map[fieldKey]*grid.Field
}

var synthUnits = map[string]string{"t2m": "degC", "tp": "mm month-1", "ssrd": "W m-2", "swvl1": "m3 m-3", "nbp": "g C m-2 month-1"}

func (s *synthCubes) Field(m grid.Month, name string) (*grid.Field, error) {
	if f, ok := s.fields[fieldKey{m, name}]; ok {
		return f, nil
	}
	units, ok := synthUnits[name]
	if !ok {
		return nil, fmt.Errorf("no field %q", name)
	}
	f := grid.NewField(s.g, name, units)
	season := math.Sin(monthPhase(int(m.Month)))
	seed := uint64(m.Year*12+int(m.Month))*0x9e3779b97f4a7c15 + uint64(len(name))
	for c := range f.Values {
		lat, lon := s.g.Centre(c)
		noise := hashNoise(seed + uint64(c))
		v := math.Cos(lat*math.Pi/180)*(1+0.3*math.Sin(lon*math.Pi/60)) + 0.5*season*lat/90 + 0.3*noise
		if name == "nbp" {
			v = math.Tanh(2*v) + 0.2*season*noise
		}
		f.Values[c] = float32(v)
	}
	s.fields[fieldKey{m, name}] = f
	return f, nil
}

// hashNoise maps x to [-1, 1) with a splitmix64 step.
func hashNoise(x uint64) float64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11)/float64(1<<52) - 1
}

// benchSpec is 12 features of the kinds the land stage uses.
func benchSpec(climYear int) FeatureSpec {
	return FeatureSpec{Features: []Feature{
		Raw("t2m", "degC"), Lagged("t2m", "degC", 1), Anomaly("t2m", "degC"),
		Raw("tp", "mm month-1"), RunningMean("tp", "mm month-1", 3), Raw("ssrd", "W m-2"),
		Raw("swvl1", "m3 m-3"), Lagged("swvl1", "m3 m-3", 2), MonthOfYear()[0], MonthOfYear()[1],
		AbsLatitude(), Longitude()[0],
	}, ClimFirstYear: climYear, ClimLastYear: climYear}
}

// BenchmarkRowsQuarterDegree builds one month of 12 features for every
// cell of the 0.25° grid (1,036,800 rows), walking months in order as
// prediction does.
func BenchmarkRowsQuarterDegree(b *testing.B) {
	g := grid.MustNew(0.25)
	data := &synthCubes{g: g, fields: map[fieldKey]*grid.Field{}}
	bld, err := NewBuilder(g, benchSpec(2010), data)
	if err != nil {
		b.Fatal(err)
	}
	ms := months(2010, 2010)
	for _, m := range ms { // generate the drivers and climatologies first
		if _, _, _, err := bld.Rows(m, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, _, err := bld.Rows(ms[i%12], nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(g.Cells())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkTrainMember1Deg trains one emulator member as a stage would: 24
// years of months at 1° (64,800 cells, 18.7 M candidate rows, capped at
// DefaultMaxTrainRows), 12 features, up to 300 rounds of depth 8 on two
// threads, scored on the 25th year. Run with -benchtime=1x.
func BenchmarkTrainMember1Deg(b *testing.B) {
	g := grid.MustNew(1)
	data := &synthCubes{g: g, fields: map[fieldKey]*grid.Field{}}
	target := func(m grid.Month) (*grid.Field, error) { return data.Field(m, "nbp") }
	spec := TrainSpec{
		Target: "nbp", TargetUnits: "g C m-2 month-1", Grid: g, Spec: benchSpec(2000),
		TrainMonths: months(2000, 2024), HeldOutYear: 2024,
		Params: xgb.Params{MaxDepth: 8, Eta: 0.1, Subsample: 0.8, NThread: 2}, Rounds: 300,
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m, card, err := Train(context.Background(), spec, data, target)
		if err != nil {
			b.Fatal(err)
		}
		m.Close()
		b.ReportMetric(card.TrainingSeconds, "boost-s")
		b.ReportMetric(float64(card.TrainRows), "train-rows")
		b.ReportMetric(card.Skill.R2, "R2")
	}
}
