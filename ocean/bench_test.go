package ocean

import (
	"context"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// freeze is month m of w as one cube, generated before the timer starts.
func freeze(w *synthWorld, m grid.Month) (*cube.Cube, error) { return w.Cube(m) }

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
// the reconstruction's flux and the ensemble. The
// trees were fitted on the 2° world: a tree's cost does not depend on the
// grid it was fitted on, only on its depth and the rows it predicts.
func BenchmarkRunQuarterDegree(b *testing.B) {
	ms := benchModels(b)
	defer ms.Close()
	g := grid.Global(0.25)
	ms.Grid = g
	for _, mm := range ms.Members {
		mm.Emulator.Card().Grid = emulator.GridSpecOf(g) // the same trees, relabelled
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
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := Run(context.Background(), m, Inputs{Cube: month, Models: ms}, Options{})
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
