package budget

import (
	"math"
	"time"
)

// Term is one budget term for a period, positive in its own direction.
type Term struct {
	GtC         float64 `json:"gtc"`
	SigmaGtC    float64 `json:"sigma_gtc"`
	Provisional bool    `json:"provisional"`
}

// Terms are the independent terms of the identity; B_IM follows from them.
type Terms struct {
	EFos    Term // fossil CO2 excluding cement carbonation
	ELUC    Term // land-use change
	GAtm    Term // atmospheric growth
	SOcean  Term // ocean sink
	SLand   Term // natural land sink (DGVM S2 definition)
	SCement Term // cement carbonation sink
}

// Budget is the closed budget of one period.
type Budget struct {
	Period string // "2023-12", "2023" or "2023-07/2024-06"
	Terms
	BIm Term
	// LandResidual is the land sink implied by the atmosphere (top-down):
	// E_FOS + E_LUC − G_ATM − S_OCEAN − S_CEMENT, beside the bottom-up SLand.
	LandResidual Term
	// NetLand is the bottom-up net land flux into land, S_LAND − E_LUC,
	// which is what atmospheric inversions compare to.
	NetLand Term
}

// Close computes B_IM and the derived terms.
func Close(period string, t Terms) Budget {
	b := Budget{Period: period, Terms: t}
	b.BIm = Term{
		GtC:         t.EFos.GtC + t.ELUC.GtC - t.GAtm.GtC - t.SOcean.GtC - t.SLand.GtC - t.SCement.GtC,
		SigmaGtC:    quadrature(t.EFos, t.ELUC, t.GAtm, t.SOcean, t.SLand, t.SCement),
		Provisional: anyProvisional(t.EFos, t.ELUC, t.GAtm, t.SOcean, t.SLand, t.SCement),
	}
	b.LandResidual = Term{
		GtC:         t.EFos.GtC + t.ELUC.GtC - t.GAtm.GtC - t.SOcean.GtC - t.SCement.GtC,
		SigmaGtC:    quadrature(t.EFos, t.ELUC, t.GAtm, t.SOcean, t.SCement),
		Provisional: anyProvisional(t.EFos, t.ELUC, t.GAtm, t.SOcean, t.SCement),
	}
	b.NetLand = Term{
		GtC:         t.SLand.GtC - t.ELUC.GtC,
		SigmaGtC:    quadrature(t.SLand, t.ELUC),
		Provisional: anyProvisional(t.SLand, t.ELUC),
	}
	return b
}

func quadrature(ts ...Term) float64 {
	var s float64
	for _, t := range ts {
		s += t.SigmaGtC * t.SigmaGtC
	}
	return math.Sqrt(s)
}

func anyProvisional(ts ...Term) bool {
	for _, t := range ts {
		if t.Provisional {
			return true
		}
	}
	return false
}

// SumTerms adds terms over consecutive periods (the months of a year):
// values add, σ add linearly (fully correlated), provisional if any is.
func SumTerms(ts []Term) Term {
	var out Term
	for _, t := range ts {
		out.GtC += t.GtC
		out.SigmaGtC += t.SigmaGtC
		out.Provisional = out.Provisional || t.Provisional
	}
	return out
}

func timeMonth(m int) time.Month { return time.Month(m) }
