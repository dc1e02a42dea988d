package lake

import (
	"strings"
	"testing"
)

func TestStateMaturity(t *testing.T) {
	tests := []struct {
		name                        string
		provisional                 func(*Budget)
		eFos, sOcean, bIm, residual string
		netLand                     string
	}{
		{"all inputs", func(*Budget) {}, "observed", "emulated", "emulated", "emulated", "emulated"},
		{"late fossil", func(b *Budget) { b.EFos.Provisional = true }, "provisional", "emulated", "provisional", "provisional", "emulated"},
		{"late ocean data", func(b *Budget) { b.SOcean.Provisional = true }, "observed", "provisional", "provisional", "provisional", "emulated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Budget{Period: "2024-03"}
			tt.provisional(&b)
			b.StateMaturity()
			got := []string{b.EFos.Maturity, b.SOcean.Maturity, b.BIm.Maturity, b.LandResidual.Maturity, b.NetLand.Maturity}
			want := []string{tt.eFos, tt.sOcean, tt.bIm, tt.residual, tt.netLand}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("maturities e_fos,s_ocean,b_im,land_residual,net_land = %v, want %v", got, want)
			}
			if err := b.CheckMaturity(); err != nil {
				t.Errorf("stated maturities fail the check: %v", err)
			}
		})
	}
}

func TestCheckMaturityRefuses(t *testing.T) {
	b := Budget{Period: "2024-03"}
	b.StateMaturity()
	b.GAtm.Provisional = true // flagged after the maturity was stated
	if err := b.CheckMaturity(); err == nil || !strings.Contains(err.Error(), "g_atm") {
		t.Errorf("provisional G_ATM stated observed: err %v, want one naming g_atm", err)
	}
	var old Budget // a month written before maturity existed
	old.Period = "2022-01"
	if err := old.CheckMaturity(); err == nil || !strings.Contains(err.Error(), "no maturity") {
		t.Errorf("budget without maturities: err %v", err)
	}
}
