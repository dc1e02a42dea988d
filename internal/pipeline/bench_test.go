package pipeline

import (
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// BenchmarkBudgetStage025 runs the budget stage of one 0.25° month from
// saved stage results with the real region masks, and publishes everything:
// the grid file, budget.json, report with charts and maps, manifest, and
// the rebuilt tables.
func BenchmarkBudgetStage025(b *testing.B) {
	g := grid.MustNew(0.25)
	set, err := regions.Load(g)
	if err != nil {
		b.Fatal(err)
	}
	r := newRunner(b, b.TempDir())
	r.Regions = realRegions{set}
	r.Cubes = fakeCubes{g: g}
	r.Ocean = fakeStage{g: g, gtc: 0.24}
	r.Land = fakeLand{fakeStage{g: g, gtc: 0.25}}
	m := grid.Month{Year: 2023, Month: 5}
	if _, err := publishMonth(r, m); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := publishBudget(r, m); err != nil {
			b.Fatal(err)
		}
	}
}

type realRegions struct{ *regions.Set }
