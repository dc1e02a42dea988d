package fossil

import (
	"math"
	"testing"
)

func TestYearOnYear(t *testing.T) {
	prev := &Result{GtC: 0.8, National: []NationalRow{{Country: "China", Sector: "Power", GtC: 0.2}, {Country: "China", Sector: "Industry", GtC: 0.1}, {Country: World, Sector: "Power", GtC: 0.5}}}
	cur := &Result{GtC: 0.82, National: []NationalRow{{Country: "China", Sector: "Power", GtC: 0.21}, {Country: "China", Sector: "Industry", GtC: 0.12}, {Country: World, Sector: "Power", GtC: 0.52}}}
	gs := YearOnYear(cur, prev)
	if len(gs) != 2 || gs[0].Country != "China" || gs[1].Country != World {
		t.Fatalf("rows %+v", gs)
	}
	if math.Abs(gs[0].Percent-10) > 1e-9 {
		t.Errorf("China growth %g %%, want 10 (0.33 vs 0.30 GtC over all sectors)", gs[0].Percent)
	}
	if math.Abs(gs[1].Percent-2.5) > 1e-9 || !gs[1].BunkersInside {
		t.Errorf("world growth %+v, want 2.5 %% with bunkers", gs[1])
	}
	// ±5 % levels with ρ = 0.995 give about ±0.5 % on the growth (Ke et al.'s 2023 figure).
	if s := gs[1].SigmaPercent; s < 0.4 || s > 0.6 {
		t.Errorf("σ(growth) = %g %%, want about 0.5", s)
	}
}
