package regions_test

import (
	"fmt"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// Summing a land flux over every region in one pass: values are per m² of
// land, so SumLand weighs each cell by its land area; the result is in the
// order of Regions().
func ExampleSet_SumLand() {
	g := grid.MustNew(1)
	set, err := regions.Load(g)
	if err != nil {
		panic(err)
	}
	flux := make([]float32, g.Cells()) // g C m-2 month-1 per m² of land
	for i := range flux {
		flux[i] = 1
	}
	sums := set.SumLand(flux) // g C per month
	for i, r := range set.Regions() {
		if r.ID == "global" || r.ID == "FRA" {
			fmt.Printf("%s (%s): %.2f Mkm² of land, %.5f GtC per month\n", r.Name, r.Kind, sums[i]/1e12, sums[i]/1e15)
		}
	}
	fra, _ := set.CountryOf("fra")
	fmt.Println("CountryOf(\"fra\"):", fra.ID)
	// Output:
	// Globe (global): 146.64 Mkm² of land, 0.14664 GtC per month
	// France (country): 0.64 Mkm² of land, 0.00064 GtC per month
	// CountryOf("fra"): FRA
}
