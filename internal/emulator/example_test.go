package emulator_test

import (
	"context"
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// monthly serves synthetic drivers by month: a temperature with a
// seasonal cycle that warms by 0.1 degC a year.
type monthly map[grid.Month]map[string]*grid.Field

func (d monthly) Field(m grid.Month, name string) (*grid.Field, error) {
	f, ok := d[m][name]
	if !ok {
		return nil, fmt.Errorf("no %s for %s", name, m)
	}
	return f, nil
}

// Training an emulator of a model's flux on two years and scoring it on
// the third, held out: the card reports R² and the held-out year's
// global sum in the units asked for (here GtC).
func ExampleTrain() {
	g := grid.Global(10)
	data := monthly{}
	var months []grid.Month
	for _, m := range grid.Range(grid.Month{Year: 2001, Month: 1}, grid.Month{Year: 2003, Month: 12}) {
		t2m := grid.NewField(g, "t2m", "degC")
		nbp := grid.NewField(g, "nbp", emulator.FluxUnits)
		for i := range t2m.Values {
			lat, _ := g.Centre(i)
			t := 25*math.Cos(lat*math.Pi/180) + 10*math.Sin(2*math.Pi*float64(m.Month)/12) + 0.1*float64(m.Year-2001)
			t2m.Values[i] = float32(t)
			nbp.Values[i] = float32(4 - 0.1*t) // g C m-2 month-1 into land: warmer, weaker sink
		}
		data[m] = map[string]*grid.Field{"t2m": t2m, "nbp": nbp}
		months = append(months, m)
	}
	spec := emulator.TrainSpec{Name: "nbp/TOY", Target: "nbp", TargetUnits: emulator.FluxUnits, Grid: g,
		Spec:        emulator.FeatureSpec{Features: []emulator.Feature{emulator.Raw("t2m", "degC")}},
		TrainMonths: months, HeldOutYear: 2003, SumScale: 1 / emulator.GramsPerGt, SumUnits: "GtC"}
	model, card, err := emulator.Train(context.Background(), spec, data, func(m grid.Month) (*grid.Field, error) {
		return data.Field(m, "nbp")
	})
	if err != nil {
		panic(err)
	}
	defer model.Close()
	fmt.Printf("held out %d: R² %.2f, annual sum %.2f GtC, error under 2%%: %v\n", card.Skill.Year, card.Skill.R2,
		card.Skill.Annual.True, math.Abs(card.Skill.Annual.Error) < 0.02*math.Abs(card.Skill.Annual.True))
	// Output: held out 2003: R² 1.00, annual sum 12.36 GtC, error under 2%: true
}
