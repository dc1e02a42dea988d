package budget

import (
	"fmt"
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/lake"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func syntheticMonths(from, to grid.Month) map[grid.Month]lake.MonthRecord {
	out := map[grid.Month]lake.MonthRecord{}
	for _, m := range grid.Range(from, to) {
		land := 0.25
		if m.Year == 2023 {
			land = 0.1 // a weak-sink year
		}
		t := lake.Terms{EFos: lake.Term{GtC: 0.8, SigmaGtC: 0.04}, ELUC: lake.Term{GtC: 0.1, SigmaGtC: 0.06},
			GAtm: lake.Term{GtC: 0.4 + 0.1*math.Sin(float64(m.Month)), SigmaGtC: 0.2 / 12}, SOcean: lake.Term{GtC: 0.24, SigmaGtC: 0.03},
			SLand: lake.Term{GtC: land, SigmaGtC: 0.04}, SCement: lake.Term{GtC: 0.017}}
		if m == to {
			t.SOcean.Provisional = true
		}
		out[m] = lake.MonthRecord{Budget: Close(m.String(), t), GAtmDeseasonalisedGtC: 0.41}
	}
	return out
}

func TestTables(t *testing.T) {
	months := syntheticMonths(grid.Month{Year: 2014, Month: 7}, grid.Month{Year: 2024, Month: 3})
	tabs := Tables(months, Baseline{FromYear: 2015, ToYear: 2022})
	monthly, annual := tabs.Monthly, tabs.Annual
	if len(monthly) != len(months) {
		t.Fatalf("%d monthly rows for %d months", len(monthly), len(months))
	}
	var cal, jj int
	for _, r := range annual {
		switch r.Window {
		case "calendar-year":
			cal++
			if r.Period == "2014" || r.Period == "2024" {
				t.Errorf("incomplete year %s published", r.Period)
			}
		case "july-june":
			jj++
		}
	}
	// Complete calendar years 2015..2023 and July-June windows 2014/15..2022/23.
	if cal != 9 || jj != 9 {
		t.Errorf("%d calendar and %d July-June rows, want 9 and 9", cal, jj)
	}
	var y2023 lake.Row
	for _, r := range annual {
		if r.Period == "2023" {
			y2023 = r
		}
	}
	if math.Abs(y2023.EFos-9.6) > 1e-9 || math.Abs(y2023.GAtm-12*0.41) > 1e-9 {
		t.Errorf("2023: E_FOS %g (want 9.6), G_ATM %g (want Σ de-seasonalised = 4.92)", y2023.EFos, y2023.GAtm)
	}
	if math.Abs(y2023.BIm-(y2023.EFos+y2023.ELUC-y2023.GAtm-y2023.SOcean-y2023.SLand-y2023.SCement)) > 1e-9 {
		t.Error("annual identity does not close")
	}
	// Land sink anomaly 2023: 12 × (0.1 − 0.25) = −1.8 GtC/yr against 2015–2022.
	if math.Abs(y2023.SLandAnomaly-(-1.8)) > 1e-9 {
		t.Errorf("2023 S_LAND anomaly = %g, want -1.8", y2023.SLandAnomaly)
	}
	if math.Abs(y2023.SLandSigma-12*0.04) > 1e-9 {
		t.Errorf("annual σ(S_LAND) = %g, want 0.48 (months fully correlated)", y2023.SLandSigma)
	}
	last := monthly[len(monthly)-1]
	if !last.Provisional || last.ProvisionalTerms != "s_ocean" {
		t.Errorf("last month provisional = %v %q", last.Provisional, last.ProvisionalTerms)
	}
	first := monthly[0] // 2014-07: its calendar month has a full baseline
	if math.IsNaN(first.SLandAnomaly) || math.Abs(first.SLandAnomaly) > 1e-9 {
		t.Errorf("2014-07 S_LAND anomaly = %g, want 0", first.SLandAnomaly)
	}
}

func TestAnomalyNeedsFullBaseline(t *testing.T) {
	months := syntheticMonths(grid.Month{Year: 2016, Month: 1}, grid.Month{Year: 2023, Month: 12})
	annual := Tables(months, Baseline{FromYear: 2015, ToYear: 2022}).Annual
	for _, r := range annual {
		if !math.IsNaN(r.SLandAnomaly) {
			t.Fatalf("%s has anomaly %g though the baseline lacks 2015", r.Period, r.SLandAnomaly)
		}
	}
}

func TestRegionalAnomalies(t *testing.T) {
	var rows []lake.RegionRow
	for y := 2015; y <= 2023; y++ {
		v := 1.0
		if y == 2023 {
			v = 0.4
		}
		rows = append(rows, lake.RegionRow{Month: grid.Month{Year: y, Month: 8}.String(), RegionID: "BRA", Component: lake.CompLand, GtC: v})
	}
	RegionalAnomalies(rows, Baseline{FromYear: 2015, ToYear: 2022})
	if got := rows[len(rows)-1].AnomalyGtC; math.Abs(got-(-0.6)) > 1e-12 {
		t.Errorf("2023-08 anomaly = %g, want -0.6", got)
	}
}

func TestAnnualSigmaFromMemberTotals(t *testing.T) {
	months := syntheticMonths(grid.Month{Year: 2020, Month: 1}, grid.Month{Year: 2020, Month: 12})
	for m, rec := range months {
		// Two members with opposite seasonal cycles and the same annual
		// total, a third 1.2 GtC/yr higher: the annual spread is that of
		// the totals, not the sum of the large monthly spreads.
		s := math.Sin(2 * math.Pi * float64(m.Month) / 12)
		rec.LandMembers = map[string]float64{"A": 0.25 + 0.5*s, "B": 0.25 - 0.5*s, "C": 0.35}
		months[m] = rec
	}
	annual := Tables(months, Baseline{FromYear: 2015, ToYear: 2022}).Annual
	var y lake.Row
	for _, r := range annual {
		if r.Period == "2020" {
			y = r
		}
	}
	// Annual totals 3.0, 3.0, 4.2: sample σ = 0.6928.
	if math.Abs(y.SLandSigma-0.69282) > 1e-4 {
		t.Errorf("annual σ(S_LAND) = %g, want the spread of member totals 0.6928", y.SLandSigma)
	}
	if math.Abs(y.SOceanSigma-12*0.03) > 1e-9 {
		t.Errorf("without members the months' σ add up: got %g, want 0.36", y.SOceanSigma)
	}
}

// TestMemberSpreadIsBitReproducible: the annual member spread of many
// members of very different sizes must be the same bits on every call
// (summing a map in its random order is not).
func TestMemberSpreadIsBitReproducible(t *testing.T) {
	months := map[grid.Month]lake.MonthRecord{}
	start := grid.Month{Year: 2023, Month: 1}
	for i, m := range grid.Range(start, start.Add(11)) {
		mem := map[string]float64{}
		for j := 0; j < 16; j++ {
			mem[fmt.Sprintf("m%02d", j)] = math.Pow(10, float64(j%8-4)) * (1 + 0.1*float64(i)) / 3
		}
		months[m] = lake.MonthRecord{LandMembers: mem}
	}
	get := func(r lake.MonthRecord) map[string]float64 { return r.LandMembers }
	first, ok := memberSpread(months, start, get)
	if !ok || !(first > 0) {
		t.Fatalf("spread %v, %v", first, ok)
	}
	for i := 0; i < 50; i++ {
		if got, _ := memberSpread(months, start, get); math.Float64bits(got) != math.Float64bits(first) {
			t.Fatalf("call %d: spread %v, first call %v", i, got, first)
		}
	}
}

// TestNOAAGrowthBesideGAtm: a calendar year whose months carry NOAA's own
// annual growth publishes it in GtC beside G_ATM, with its σ; July–June
// windows and months do not.
func TestNOAAGrowthBesideGAtm(t *testing.T) {
	months := map[grid.Month]lake.MonthRecord{}
	g := &lake.NOAAGrowth{Year: 2023, PPMPerYear: 2.5, UncPPMPerYear: 0.07, HasUnc: true}
	for _, m := range grid.Range(grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2024, Month: 6}) {
		rec := lake.MonthRecord{Budget: Close(m.String(), lake.Terms{GAtm: lake.Term{GtC: 0.4}})}
		if m.Year == 2023 {
			rec.NOAAGrowth = g
		}
		months[m] = rec
	}
	tab := Tables(months, Baseline{FromYear: 2015, ToYear: 2022})
	var got int
	for _, r := range tab.Annual {
		switch r.Window {
		case "calendar-year":
			got++
			if math.Abs(r.GAtmNOAA-2.5*GtCPerPPM) > 1e-12 || math.Abs(r.GAtmNOAASigma-0.07*GtCPerPPM) > 1e-12 {
				t.Errorf("%s: NOAA's growth %g ± %g GtC, want 2.5 ± 0.07 ppm × %g", r.Period, r.GAtmNOAA, r.GAtmNOAASigma, GtCPerPPM)
			}
		default:
			if !math.IsNaN(r.GAtmNOAA) {
				t.Errorf("%s (%s): NOAA's growth %g, want none", r.Period, r.Window, r.GAtmNOAA)
			}
		}
	}
	if got != 1 || !math.IsNaN(tab.Monthly[0].GAtmNOAA) {
		t.Errorf("%d calendar years; month's NOAA growth %g; want one year and NaN", got, tab.Monthly[0].GAtmNOAA)
	}
}
