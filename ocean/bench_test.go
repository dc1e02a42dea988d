package ocean

import (
	"context"
	"fmt"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// frozenMonth serves one month of a world from memory, so a benchmark
// times the stage and not the synthetic world's generator.
type frozenMonth struct {
	m      grid.Month
	fields map[string]*grid.Field
	xco2   float64
}

func freeze(w *synthWorld, m grid.Month) (*frozenMonth, error) {
	f := &frozenMonth{m: m, fields: map[string]*grid.Field{}}
	for _, name := range []string{fieldLandFrac, fieldSST, fieldSalinity, fieldMLD, fieldChl, fieldWindSq, fieldIce, fieldMSL, fieldShip} {
		fld, err := w.Field(m, name)
		if err != nil {
			return nil, err
		}
		f.fields[name] = fld
	}
	var err error
	f.xco2, err = w.XCO2PPM(m)
	return f, err
}

func (f *frozenMonth) Field(m grid.Month, name string) (*grid.Field, error) {
	if fld, ok := f.fields[name]; ok && (m == f.m || name == fieldLandFrac) {
		return fld, nil
	}
	return nil, fmt.Errorf("frozen %s: no field %q for %s", f.m, name, m)
}

func (f *frozenMonth) XCO2PPM(m grid.Month) (float64, error) {
	if m != f.m {
		return 0, fmt.Errorf("frozen %s: no CO2 for %s", f.m, m)
	}
	return f.xco2, nil
}

// benchModels trains the production-size members (three GOBMs and the
// reconstruction, DefaultParams, early stopping off, so every member keeps
// all DefaultRounds trees: the slowest case for prediction) on the 2°
// world.
func benchModels(b *testing.B) *Models {
	w, err := newSynthWorld(grid.Global(2), 2001, 2004, 42)
	if err != nil {
		b.Fatal(err)
	}
	ms, err := Train(context.Background(), w, TrainSpec{FirstYear: 2001, HeldOutYear: 2004,
		GOBMs: []string{"ALPHA", "BETA", "GAMMA"}, EarlyStoppingRounds: DefaultRounds, MaxTrainRows: 100_000})
	if err != nil {
		b.Fatal(err)
	}
	return ms
}

// BenchmarkRunQuarterDegree is one month at 0.25° (1,036,800 cells, about
// 700,000 with ocean): features, four members of DefaultRounds trees,
// the reconstruction's flux, the ensemble and the regional totals. The
// trees were fitted on the 2° world: a tree's cost does not depend on the
// grid it was fitted on, only on its depth and the rows it predicts.
func BenchmarkRunQuarterDegree(b *testing.B) {
	ms := benchModels(b)
	defer ms.Close()
	g := grid.Global(0.25)
	ms.Grid = g
	for _, mm := range ms.Members {
		mm.Emulator.Card().Grid = gridSpecOf(g) // the same trees, relabelled
	}
	w, err := newSynthWorld(g, 2010, 2010, 42)
	if err != nil {
		b.Fatal(err)
	}
	m := grid.Month{Year: 2010, Month: 6}
	month, err := freeze(w, m)
	if err != nil {
		b.Fatal(err)
	}
	rs, err := regions.Load(g)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := Run(context.Background(), m, Inputs{Cubes: month, Models: ms, Regions: rs}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.ReportMetric(r.GtC, "GtC")
		}
	}
}

// BenchmarkTrainOneDegree24Years trains three GOBM emulators and the
// reconstruction on 24 years (2000–2023, held-out 2024) of the 1° world
// at the production defaults. The world's fields are generated and kept
// before the timer starts (a cube store keeps them in memory the same way).
func BenchmarkTrainOneDegree24Years(b *testing.B) {
	w, err := newSynthWorld(grid.Global(1), 2000, 2024, 42)
	if err != nil {
		b.Fatal(err)
	}
	names := []string{fieldSST, fieldSalinity, fieldMLD, fieldChl, fieldWindSq, fieldIce, fieldMSL, fieldShip,
		gobmPrefix + "ALPHA", gobmPrefix + "BETA", gobmPrefix + "GAMMA"}
	for _, m := range grid.Range(w.first, w.last) {
		for _, n := range names {
			if _, err := w.Field(m, n); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ms, err := Train(context.Background(), w, TrainSpec{FirstYear: 2000, HeldOutYear: 2024, GOBMs: []string{"ALPHA", "BETA", "GAMMA"}})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		for _, mm := range ms.Members {
			b.ReportMetric(mm.Skill.R2, "R2_"+mm.Name)
		}
		ms.Close()
		b.StartTimer()
	}
}
