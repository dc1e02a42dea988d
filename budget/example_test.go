package budget_test

import (
	"fmt"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// Closing a year's budget: B_IM is the residual of the identity
// E_FOS + E_LUC = G_ATM + S_OCEAN + S_LAND + S_CEMENT + B_IM, its σ the
// quadrature sum of the terms' σ, all in GtC per year (illustrative
// values).
func ExampleClose() {
	b := budget.Close("2024", lake.Terms{
		EFos:    lake.Term{GtC: 10.0, SigmaGtC: 0.5},
		ELUC:    lake.Term{GtC: 1.2, SigmaGtC: 0.7},
		GAtm:    lake.Term{GtC: 5.9, SigmaGtC: 0.2},
		SOcean:  lake.Term{GtC: 3.0, SigmaGtC: 0.4},
		SLand:   lake.Term{GtC: 2.0, SigmaGtC: 0.9, Provisional: true},
		SCement: lake.Term{GtC: 0.2, SigmaGtC: 0.04},
	})
	fmt.Printf("B_IM %+.2f ± %.2f GtC/yr (provisional: %v)\n", b.BIm.GtC, b.BIm.SigmaGtC, b.BIm.Provisional)
	fmt.Printf("land sink implied by the atmosphere %.2f GtC/yr, bottom-up net land flux %.2f GtC/yr\n", b.LandResidual.GtC, b.NetLand.GtC)
	// Output:
	// B_IM +0.10 ± 1.32 GtC/yr (provisional: true)
	// land sink implied by the atmosphere 2.10 GtC/yr, bottom-up net land flux 0.80 GtC/yr
}
