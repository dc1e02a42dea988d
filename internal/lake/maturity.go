package lake

import "fmt"

// Maturity says how a published value was obtained, from the most to the
// least settled. A release refuses a month whose terms do not state it.
const (
	// MaturityObserved: taken or summed from a published record (NOAA's
	// CO2, Carbon Monitor, the GCB sheets, the inversions).
	MaturityObserved = "observed"
	// MaturityEmulated: predicted by the emulators trained on the models
	// (S_OCEAN, S_LAND), which have not yet run the month.
	MaturityEmulated = "emulated"
	// MaturityProvisional: computed without one of its inputs; it will be
	// recomputed when the input arrives (the provisional flag).
	MaturityProvisional = "provisional"
	// MaturityProjected (projection.go): a projection beyond the data, in
	// the projection table only, never a budget.json term.
)

// maturityRank orders the maturities, most settled first.
var maturityRank = map[string]int{MaturityObserved: 0, MaturityEmulated: 1, MaturityProvisional: 2, MaturityProjected: 3}

// ValidMaturity reports whether s is one of the four maturities.
func ValidMaturity(s string) bool { _, ok := maturityRank[s]; return ok }

// leastMature returns the least settled of the maturities.
func leastMature(ms ...string) string {
	out := MaturityObserved
	for _, m := range ms {
		if maturityRank[m] > maturityRank[out] {
			out = m
		}
	}
	return out
}

func stated(t *Term, base string) {
	t.Maturity = base
	if t.Provisional {
		t.Maturity = MaturityProvisional
	}
}

// StateMaturity sets every term's maturity from its source and its
// provisional flag. The sinks are emulated; the records are observed; the
// imbalance and the derived land terms are as mature as the least mature
// term they are computed from.
func (b *Budget) StateMaturity() {
	for _, t := range []*Term{&b.EFos, &b.ELUC, &b.GAtm, &b.SCement} {
		stated(t, MaturityObserved)
	}
	for _, t := range []*Term{&b.SOcean, &b.SLand} {
		stated(t, MaturityEmulated)
	}
	all := leastMature(b.EFos.Maturity, b.ELUC.Maturity, b.GAtm.Maturity, b.SCement.Maturity, b.SOcean.Maturity, b.SLand.Maturity)
	stated(&b.BIm, all)
	stated(&b.LandResidual, leastMature(b.EFos.Maturity, b.ELUC.Maturity, b.GAtm.Maturity, b.SCement.Maturity, b.SOcean.Maturity))
	stated(&b.NetLand, leastMature(b.SLand.Maturity, b.ELUC.Maturity))
	if b.TopDown != nil {
		stated(&b.TopDown.NetLand, MaturityObserved)
		stated(&b.TopDown.Ocean, MaturityObserved)
	}
}

// TermsByKey returns the budget's terms by their budget.json key, in the
// identity's order (b_im last).
func (b *Budget) TermsByKey() []KeyedTerm {
	return []KeyedTerm{{"e_fos", b.EFos}, {"e_luc", b.ELUC}, {"g_atm", b.GAtm}, {"s_ocean", b.SOcean},
		{"s_land", b.SLand}, {"s_cement", b.SCement}, {"b_im", b.BIm}}
}

// KeyedTerm is a term with its budget.json key.
type KeyedTerm struct {
	Key string
	Term
}

// CheckMaturity returns an error naming the first term of the budget
// whose maturity is missing, unknown or contradicts its provisional flag.
func (b *Budget) CheckMaturity() error {
	for _, t := range append(b.TermsByKey(), KeyedTerm{"land_residual", b.LandResidual}, KeyedTerm{"net_land", b.NetLand}) {
		switch {
		case t.Maturity == "":
			return fmt.Errorf("%s %s: no maturity stated (written before maturity was published: rerun the month)", b.Period, t.Key)
		case !ValidMaturity(t.Maturity):
			return fmt.Errorf("%s %s: unknown maturity %q", b.Period, t.Key, t.Maturity)
		case t.Provisional && t.Maturity != MaturityProvisional:
			return fmt.Errorf("%s %s: provisional but stated %q", b.Period, t.Key, t.Maturity)
		}
	}
	return nil
}
