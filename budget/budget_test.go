package budget

import (
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/lake"
)

func TestCloseIdentity(t *testing.T) {
	// GCB2024 values for 2023 (science.md section 2): B_IM = -0.02.
	tm := lake.Terms{
		EFos: lake.Term{GtC: 10.31, SigmaGtC: 0.5}, ELUC: lake.Term{GtC: 0.99, SigmaGtC: 0.7},
		GAtm: lake.Term{GtC: 5.93, SigmaGtC: 0.2}, SOcean: lake.Term{GtC: 2.88, SigmaGtC: 0.4},
		SLand: lake.Term{GtC: 2.30, SigmaGtC: 0.5, Provisional: true}, SCement: lake.Term{GtC: 0.21},
	}
	b := Close("2023", tm)
	if math.Abs(b.BIm.GtC-(-0.02)) > 1e-9 {
		t.Errorf("B_IM = %g, want -0.02", b.BIm.GtC)
	}
	want := math.Sqrt(0.25 + 0.49 + 0.04 + 0.16 + 0.25)
	if math.Abs(b.BIm.SigmaGtC-want) > 1e-12 {
		t.Errorf("σ(B_IM) = %g, want %g (quadrature)", b.BIm.SigmaGtC, want)
	}
	if !b.BIm.Provisional || b.LandResidual.Provisional {
		t.Error("provisional S_LAND must flag B_IM but not the top-down residual, which does not use it")
	}
	// The residual land sink equals S_LAND + B_IM.
	if math.Abs(b.LandResidual.GtC-(tm.SLand.GtC+b.BIm.GtC)) > 1e-12 {
		t.Errorf("land residual %g != S_LAND + B_IM", b.LandResidual.GtC)
	}
	if math.Abs(b.NetLand.GtC-(2.30-0.99)) > 1e-12 {
		t.Errorf("net land = %g", b.NetLand.GtC)
	}
}

func TestSumTerms(t *testing.T) {
	s := SumTerms([]lake.Term{{GtC: 1, SigmaGtC: 0.1}, {GtC: 2, SigmaGtC: 0.2, Provisional: true}})
	if s.GtC != 3 || math.Abs(s.SigmaGtC-0.3) > 1e-12 || !s.Provisional {
		t.Errorf("SumTerms = %+v", s)
	}
}
