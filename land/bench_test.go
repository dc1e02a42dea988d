package land

import (
	"context"
	"fmt"
	"math"
	"syscall"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// benchDGVMs are the three members of the benchmarks (the low-latency
// budget's 2024 update ran three DGVMs; the twin world has three).
var benchDGVMs = []string{"ALPHA", "BETA", "GAMMA"}

// frozenYear serves one generated year of a world for any year, so a
// benchmark times the stage and not the synthetic world's generator; its
// climatology is that year (the standard deviation is 0, which the heat
// test then skips, at the same cost).
type frozenYear struct {
	land   []float32
	g      grid.Grid
	fields map[fieldKey]*grid.Field // keyed by calendar month (year 0)
}

// benchFields are what Run reads: the drivers, fire, CO2 and (for the
// members' climatology) the DGVMs' NBP.
var benchFields = []string{fieldT2m, fieldTp, fieldSsrd, fieldSwvl1, fieldNDVI, fieldFire, fieldXCO2,
	nbpPrefix + "ALPHA", nbpPrefix + "BETA", nbpPrefix + "GAMMA"}

func freezeYear(w *synthWorld, year int) *frozenYear {
	f := &frozenYear{land: w.land, g: w.g, fields: map[fieldKey]*grid.Field{}}
	for mo := 1; mo <= 12; mo++ {
		all := w.make(grid.Month{Year: year, Month: monthOf(mo)})
		for _, name := range benchFields {
			f.fields[fieldKey{grid.Month{Month: monthOf(mo)}, name}] = all[name]
		}
	}
	return f
}

func (f *frozenYear) Field(m grid.Month, name string) (*grid.Field, error) {
	if name == fieldLandFrac {
		return &grid.Field{Name: name, Units: "1", Grid: f.g, Values: f.land}, nil
	}
	fld, ok := f.fields[fieldKey{grid.Month{Month: m.Month}, name}]
	if !ok {
		return nil, fmt.Errorf("frozen: no field %q", name)
	}
	return fld, nil
}

// benchModels trains the production-size members (DefaultParams, early
// stopping off so every member keeps all DefaultRounds trees: the slowest
// case for prediction) on the 2° world.
func benchModels(b *testing.B) *Models {
	w, err := newSynthWorld(grid.Global(2), 2000, 2004, 42)
	if err != nil {
		b.Fatal(err)
	}
	ms, err := Train(context.Background(), w, TrainSpec{FirstYear: 2001, HeldOutYear: 2004, DGVMs: benchDGVMs,
		EarlyStoppingRounds: DefaultRounds, MaxTrainRows: 100_000})
	if err != nil {
		b.Fatal(err)
	}
	return ms
}

// BenchmarkRunQuarterDegree is one month at 0.25° (1,036,800 cells, about
// 300,000 with land): features with lags and anomalies, three members of
// DefaultRounds trees, the ensemble, fire, extreme heat and the totals of
// every land region. The trees were fitted on the 2° world: a tree's cost
// depends on its depth and the rows it predicts, not on the grid it was
// fitted on. The climatology is filled before the timer: the orchestrator
// keeps it from month to month.
func BenchmarkRunQuarterDegree(b *testing.B) {
	ms := benchModels(b)
	defer ms.Close()
	g := grid.Global(0.25)
	w, err := newSynthWorld(g, 2010, 2010, 42)
	if err != nil {
		b.Fatal(err)
	}
	cubes := freezeYear(w, 2010)
	clim, err := NewClimatology(cubes, g, 2009, 2010)
	if err != nil {
		b.Fatal(err)
	}
	names := append(append([]string(nil), Drivers...), fieldFire)
	for _, d := range benchDGVMs {
		names = append(names, NBPField(d))
	}
	if err := clim.Fill(context.Background(), names...); err != nil {
		b.Fatal(err)
	}
	ms.Grid, ms.ClimFirstYear, ms.ClimLastYear, ms.Climatology = g, 2009, 2010, clim
	for _, mm := range ms.Members {
		mm.Mask = nil // every land cell of the finer grid
	}
	m := grid.Month{Year: 2010, Month: 6}
	in := Inputs{Cubes: mustCubes(b, cubes, m), Models: ms}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		r, err := Run(context.Background(), m, in, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.ReportMetric(r.SLandGtC, "GtC")
		}
	}
	// The CPU time of the process (both cores): on a machine shared with
	// other jobs the wall time alone does not say how much of it the
	// stage got.
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}

// cpuSeconds is the user and system CPU time of the process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// BenchmarkTrainOneDegree24Years trains three DGVM emulators on 24 years
// (2000–2023, held-out 2023) of the 1° synthetic world at the production
// defaults, climatology included. The world's fields are generated and
// kept before the timer starts (a cube store keeps them in memory the same
// way).
func BenchmarkTrainOneDegree24Years(b *testing.B) {
	w, err := newSynthWorld(grid.Global(1), 2000, 2023, 42)
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range grid.Range(w.first, w.last) {
		if _, err := w.Field(m, fieldT2m); err != nil { // generates and keeps every field of m
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ms, err := Train(context.Background(), w, TrainSpec{FirstYear: 2000, HeldOutYear: 2023, DGVMs: benchDGVMs})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		for _, mm := range ms.Members {
			b.ReportMetric(mm.Skill.R2, "R2_"+mm.DGVM)
			b.ReportMetric(mm.Skill.AnnualErrorGtC(), "GtC_err_"+mm.DGVM)
		}
		ms.Close()
		b.StartTimer()
	}
}
