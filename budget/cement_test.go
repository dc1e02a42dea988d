package budget

import (
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func TestCementCarbonation(t *testing.T) {
	var year float64
	for _, m := range grid.Range(grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 12}) {
		year += CementCarbonation(m).GtC
	}
	if math.Abs(year-0.2274) > 1e-12 {
		t.Errorf("2023 months sum to %g, want the GCB's 0.2274", year)
	}
	if c := CementCarbonation(grid.Month{Year: 2026, Month: 3}); !c.Provisional || c.GtC <= 0 {
		t.Errorf("2026: %+v, want the 2024 value carried forward, provisional", c)
	}
	if c := CementCarbonation(grid.Month{Year: 2024, Month: 2}); c.Provisional || math.Abs(c.GtC-0.2243*29/366) > 1e-12 {
		t.Errorf("February 2024: %+v, want 29/366 of 0.2243", c)
	}
}
