package twin

import (
	"context"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// TestGridsSumToBudget checks that the gridded truth adds up to the
// budget (land fluxes per m² of land, ocean fluxes per m² of ocean), so
// whoever validates regional sums against the truth grid gets the global
// budget back.
func TestGridsSumToBudget(t *testing.T) {
	opt := smallOptions()
	g := grid.MustNew(opt.ResDeg)
	set, err := regions.Load(g)
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(set, opt)
	if err != nil {
		t.Fatal(err)
	}
	land := set.LandFraction()
	ocean := set.OceanFraction()
	sum := func(v, frac []float32) float64 { return g.Sum(v, frac) * 1e-15 }
	for range 8 {
		f, err := w.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		b := f.Budget
		aviation := w.fossil.sectorGtC(f.Month, sectorIntlAviation)
		for _, c := range []struct {
			name       string
			grid, want float64
		}{
			{"S_LAND", sum(f.NBP, land), b.SLand},
			{"FIRE", sum(f.Fire, land), b.Fire},
			{"E_LUC", sum(f.ELUC, land), b.ELUC},
			{"E_FOS without international aviation", sum(f.Fossil, land), b.EFos - aviation},
			{"S_OCEAN", sum(f.OceanSink, ocean), b.SOcean},
			{"contemporary ocean flux", sum(f.FgCO2, ocean), b.FgCO2},
			{"TWIN-LPJ", sum(f.NBPModel[0], land), b.DGVM[0]},
			{"TWIN-MPI", sum(f.FgCO2Model[2], ocean), b.GOBM[2]},
		} {
			// 1e-4 relative: float32 fields summed in float64.
			if math.Abs(c.grid-c.want) > 1e-4*math.Max(1e-3, math.Abs(c.want)) {
				t.Errorf("%s %s: grid sums to %.6f GtC, budget %.6f", f.Month, c.name, c.grid, c.want)
			}
		}
		if aviation <= 0 || aviation > 0.05*b.EFos {
			t.Errorf("%s: international aviation %.4f GtC of %.4f", f.Month, aviation, b.EFos)
		}
	}
}

// TestSameWorldOnOneCore runs the small world's first months with one
// core and compares the budgets bit for bit with the default.
func TestSameWorldOnOneCore(t *testing.T) {
	opt := smallOptions()
	set, err := regions.Load(grid.MustNew(opt.ResDeg))
	if err != nil {
		t.Fatal(err)
	}
	run := func() []MonthBudget {
		w, err := New(set, opt)
		if err != nil {
			t.Fatal(err)
		}
		var out []MonthBudget
		for range 3 {
			f, err := w.Next(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, f.Budget)
		}
		return out
	}
	a := run()
	prev := runtime.GOMAXPROCS(1)
	b := run()
	runtime.GOMAXPROCS(prev)
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("%s: budget on %d cores %+v, on one core %+v", a[i].Month, prev, a[i], b[i])
		}
	}
}

func TestChineseNewYear(t *testing.T) {
	// Published dates of the Spring Festival.
	for _, d := range []string{"2019-02-05", "2020-01-25", "2021-02-12", "2022-02-01", "2023-01-22", "2024-02-10", "2015-02-19"} {
		want, _ := time.Parse("2006-01-02", d)
		got := chineseNewYear(want.Year())
		if diff := got.Sub(want).Hours() / 24; math.Abs(diff) > 1 {
			t.Errorf("Spring Festival %d: %s, want %s", want.Year(), got.Format("2006-01-02"), d)
		}
	}
}
