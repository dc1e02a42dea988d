package budget

import (
	"math"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// Close computes B_IM and the derived terms.
func Close(period string, t lake.Terms) lake.Budget {
	b := lake.Budget{Period: period, Terms: t}
	b.BIm = lake.Term{
		GtC:         t.EFos.GtC + t.ELUC.GtC - t.GAtm.GtC - t.SOcean.GtC - t.SLand.GtC - t.SCement.GtC,
		SigmaGtC:    quadrature(t.EFos, t.ELUC, t.GAtm, t.SOcean, t.SLand, t.SCement),
		Provisional: anyProvisional(t.EFos, t.ELUC, t.GAtm, t.SOcean, t.SLand, t.SCement),
	}
	b.LandResidual = lake.Term{
		GtC:         t.EFos.GtC + t.ELUC.GtC - t.GAtm.GtC - t.SOcean.GtC - t.SCement.GtC,
		SigmaGtC:    quadrature(t.EFos, t.ELUC, t.GAtm, t.SOcean, t.SCement),
		Provisional: anyProvisional(t.EFos, t.ELUC, t.GAtm, t.SOcean, t.SCement),
	}
	b.NetLand = lake.Term{
		GtC:         t.SLand.GtC - t.ELUC.GtC,
		SigmaGtC:    quadrature(t.SLand, t.ELUC),
		Provisional: anyProvisional(t.SLand, t.ELUC),
	}
	return b
}

func quadrature(ts ...lake.Term) float64 {
	var s float64
	for _, t := range ts {
		s += t.SigmaGtC * t.SigmaGtC
	}
	return math.Sqrt(s)
}

func anyProvisional(ts ...lake.Term) bool {
	for _, t := range ts {
		if t.Provisional {
			return true
		}
	}
	return false
}

// SumTerms adds terms over consecutive periods (the months of a year):
// values add, σ add linearly (fully correlated), provisional if any is.
func SumTerms(ts []lake.Term) lake.Term {
	var out lake.Term
	for _, t := range ts {
		out.GtC += t.GtC
		out.SigmaGtC += t.SigmaGtC
		out.Provisional = out.Provisional || t.Provisional
	}
	return out
}

func timeMonth(m int) time.Month { return time.Month(m) }
