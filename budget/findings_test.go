package budget

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// findingWorld is a region's July land sink, fire and drivers over
// 2013–2023: a steady sink with small year-to-year noise, then in 2023 a
// fire that turns it into a source, and a heat anomaly on top; a second
// region with a change below MinGtC; a third whose baseline lacks a year.
func findingWorld() []lake.RegionRow {
	var rows []lake.RegionRow
	add := func(month, region, comp string, v float64) {
		rows = append(rows, lake.RegionRow{Month: month, RegionID: region, Name: strings.ToUpper(region[:1]) + region[1:],
			Kind: "special", Component: comp, GtC: v, SigmaGtC: 0.01, AnomalyGtC: math.NaN()})
	}
	noise := []float64{0.004, -0.006, 0.002, 0.007, -0.003, -0.005, 0.001, 0.004, -0.002, 0.003, -0.001}
	for i, y := range []int{2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023} {
		m := fmt.Sprintf("%d-07", y)
		fire, heat := 0.02+noise[i]/2, 0.01+noise[i]/2
		if y == 2023 {
			fire, heat = 0.22, -0.03
		}
		heatFire := heat - fire
		add(m, "canada", lake.CompLand, 0.05+heatFire+noise[i]/2)
		add(m, "canada", lake.CompFire, fire)
		add(m, "canada", lake.CompLandDriver+":heat", heat)
		add(m, "canada", lake.CompLandDriver+":water", 0.02+noise[(i+3)%11]/4)
		add(m, "canada", lake.CompLandDriver+":bias", 0.03)
		small := 0.001 + noise[i]/100
		if y == 2023 {
			small = 0.004 // 5σ, but 0.003 GtC
		}
		add(m, "tiny", lake.CompLand, small)
		if y != 2016 {
			add(m, "gappy", lake.CompLand, 0.05+noise[i])
		}
	}
	add("2023-07", "gappy", lake.CompLand, -1)
	return rows
}

func TestFindings(t *testing.T) {
	base := Baseline{FromYear: 2015, ToYear: 2022}
	fs := Findings(findingWorld(), base, FindingOptions{})
	var got []string
	for _, f := range fs {
		got = append(got, f.Period+" "+f.RegionID+" "+f.Component)
	}
	want := "2023-07 canada fire|2023-07 canada land_sink"
	if strings.Join(got, "|") != want && strings.Join(got, "|") != "2023-07 canada land_sink|2023-07 canada fire" {
		t.Fatalf("findings %q, want the fire and the land sink of Canada in 2023-07 only", got)
	}
	var land lake.Finding
	for _, f := range fs {
		if f.Component == lake.CompLand {
			land = f
		}
	}
	if land.Kind != "sign_change" || land.Record != "lowest" || land.RecordSinceYear != 2013 {
		t.Errorf("kind %q record %q since %d, want sign_change, lowest since 2013", land.Kind, land.Record, land.RecordSinceYear)
	}
	if land.TopDriver != "fire" || land.DriverShares[0].Source != "observed" {
		t.Errorf("top driver %q (%+v), want the observed fire", land.TopDriver, land.DriverShares)
	}
	// Fire rose ~0.2 GtC: its share is the loss of land carbon, −0.2.
	if math.Abs(land.TopDriverGtC+0.2) > 0.01 {
		t.Errorf("fire share %.3f GtC, want about −0.2", land.TopDriverGtC)
	}
	if len(land.DriverShares) < 2 || land.DriverShares[1].Driver != "heat" || !(land.DriverShares[1].AnomalyGtC < -0.03) {
		t.Errorf("second driver %+v, want heat, negative", land.DriverShares)
	}
	for _, d := range land.DriverShares {
		if d.Driver == "bias" {
			t.Error("the constant bias listed as a driver")
		}
	}
	// The drivers and the fire make the land sink's anomaly here.
	var sum float64
	for _, d := range land.DriverShares {
		sum += d.AnomalyGtC
	}
	if math.Abs(sum-land.AnomalyGtC) > 0.01 {
		t.Errorf("driver anomalies add up to %.4f, land sink anomaly %.4f", sum, land.AnomalyGtC)
	}
	if land.Rank < 1 || land.Maturity != "emulated" || !strings.Contains(land.Text, "turned from a sink into a source") ||
		!strings.Contains(land.Text, "fire -0.19") {
		t.Errorf("rank %d maturity %q text %q", land.Rank, land.Maturity, land.Text)
	}
	if fs2 := Findings(findingWorld(), base, FindingOptions{K: 1e4}); len(fs2) != 0 {
		t.Errorf("K=1e4 still finds %d", len(fs2))
	}
	if fs3 := Findings(findingWorld(), base, FindingOptions{MinGtC: 0.001}); len(fs3) != 3 {
		t.Errorf("with MinGtC 0.001 the tiny region's 5σ must count too: %d findings", len(fs3))
	}
}

// TestFindingsSayItOnce: a country and the special region of the same
// cells (Canada twice) give one finding, and the text reads as a sentence
// with the calendar month.
func TestFindingsSayItOnce(t *testing.T) {
	rows := findingWorld()
	for _, r := range rows {
		if r.RegionID == "canada" {
			r.RegionID, r.Kind = "CAN", "country"
			rows = append(rows, r)
		}
	}
	fs := Findings(rows, Baseline{FromYear: 2015, ToYear: 2022}, FindingOptions{})
	if len(fs) != 2 {
		t.Fatalf("%d findings, want the fire and the land sink once each: %+v", len(fs), fs)
	}
	for _, f := range fs {
		if f.Component == lake.CompLand && !strings.HasPrefix(f.Text, "2023-07, Canada: land sink ") || !strings.Contains(f.Text, "July mean") {
			t.Errorf("text %q", f.Text)
		}
	}
}

// TestFindingsOnTrend: a sink that grows steadily (as the sinks grow with
// CO₂) is not unusual in the years far from the baseline, though a flat
// baseline mean would put the first of them many σ below it; a dip from
// the trend is found, and its drivers, detrended by the same line, still
// add up to its anomaly.
func TestFindingsOnTrend(t *testing.T) {
	var rows []lake.RegionRow
	add := func(month, comp string, v float64) {
		rows = append(rows, lake.RegionRow{Month: month, RegionID: "ocean", Name: "Ocean", Kind: "special", Component: comp,
			GtC: v, AnomalyGtC: math.NaN()})
	}
	noise := []float64{0.004, -0.006, 0.002, 0.007, -0.003, -0.005, 0.001, 0.004, -0.002, 0.003, -0.001}
	for y := 2003; y <= 2024; y++ {
		// 0.01 GtC per year: from 2003 to the baseline's centre 0.155,
		// about 35 σ of the noise.
		trend, heat := 0.2+0.01*float64(y-2003), 0.05+noise[y%11]/4
		if y == 2008 {
			heat -= 0.05 // the dip: 0.05 GtC below the trend
		}
		m := fmt.Sprintf("%d-07", y)
		add(m, lake.CompLand, trend+heat+noise[(y+4)%11]/4)
		add(m, lake.CompLandDriver+":co2", trend)
		add(m, lake.CompLandDriver+":heat", heat)
		add(m, lake.CompLandDriver+":water", noise[(y+4)%11]/4)
	}
	fs := Findings(rows, Baseline{FromYear: 2015, ToYear: 2022}, FindingOptions{})
	var got []string
	for _, f := range fs {
		got = append(got, f.Period+" "+f.Component)
	}
	if strings.Join(got, "|") != "2008-07 land_sink" {
		t.Fatalf("findings %q, want only the dip of 2008-07", got)
	}
	f := fs[0]
	if math.Abs(f.AnomalyGtC+0.05) > 0.01 || f.TopDriver != "heat" {
		t.Errorf("anomaly %.4f GtC top driver %q, want about −0.05 GtC and heat", f.AnomalyGtC, f.TopDriver)
	}
	var sum float64
	for _, d := range f.DriverShares {
		sum += d.AnomalyGtC
	}
	// 1e-9: the same least-squares line is linear in the values.
	if math.Abs(sum-f.AnomalyGtC) > 1e-9 {
		t.Errorf("driver anomalies add up to %.6f, the sink's anomaly is %.6f", sum, f.AnomalyGtC)
	}
	// The baseline expected for 2008 is on the trend, not the baseline's mean.
	if math.Abs(f.BaselineGtC-(0.2+0.05+0.05)) > 0.01 {
		t.Errorf("expected %.4f GtC in 2008, want about 0.30 on the trend", f.BaselineGtC)
	}
}

// TestFindingsMembersDisagree: an anomaly of the ensemble mean that one
// member makes alone, and the others do not share, is not a finding; the
// same anomaly made by every member is, with the members' spread of it.
func TestFindingsMembersDisagree(t *testing.T) {
	noise := []float64{0.004, -0.006, 0.002, 0.007, -0.003, -0.005, 0.001, 0.004, -0.002, 0.003, -0.001}
	world := func(memberDips [3]float64) []lake.RegionRow {
		var rows []lake.RegionRow
		for i, y := range []int{2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023} {
			m := fmt.Sprintf("%d-07", y)
			var mean float64
			for j, dip := range memberDips {
				v := 0.5 + noise[(i+j)%11]/4
				if y == 2023 {
					v += dip
				}
				mean += v / 3
				rows = append(rows, lake.RegionRow{Month: m, RegionID: "r", Name: "R", Kind: "special",
					Component: lake.ProductComponent(lake.CompOcean, fmt.Sprint("m", j)), GtC: v, AnomalyGtC: math.NaN()})
			}
			rows = append(rows, lake.RegionRow{Month: m, RegionID: "r", Name: "R", Kind: "special", Component: lake.CompOcean,
				GtC: mean, AnomalyGtC: math.NaN()})
		}
		return rows
	}
	base := Baseline{FromYear: 2015, ToYear: 2022}
	if fs := Findings(world([3]float64{-0.09, 0, 0}), base, FindingOptions{}); len(fs) != 0 {
		t.Errorf("one member's dip (mean −0.03 GtC, members' spread 0.05) found: %+v", fs)
	}
	fs := Findings(world([3]float64{-0.03, -0.03, -0.03}), base, FindingOptions{})
	if len(fs) != 1 {
		t.Fatalf("every member's dip: %d findings, want 1", len(fs))
	}
	// 2e-3 GtC: the members' noise differs by a few 1e-3 in 2023.
	if fs[0].AnomalySigmaGtC > 2e-3 || math.Abs(fs[0].AnomalyGtC+0.03) > 2e-3 {
		t.Errorf("anomaly %.4f ± %.4f GtC, want −0.03 ± ~0", fs[0].AnomalyGtC, fs[0].AnomalySigmaGtC)
	}
}

// TestTopDriver: the top driver is a cause that moved the sink the
// anomaly's way: never the mean state or the vegetation state (a response
// to the weather), the fire only when its own anomaly is unusual.
func TestTopDriver(t *testing.T) {
	share := func(pairs ...any) []lake.DriverShare {
		var out []lake.DriverShare
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, lake.DriverShare{Driver: pairs[i].(string), AnomalyGtC: pairs[i+1].(float64)})
		}
		return out
	}
	tests := []struct {
		name        string
		shares      []lake.DriverShare
		dir         float64
		fireUnusual bool
		want        string
	}{
		{"seasonality and vegetation pass to heat", share("seasonality", -0.3, "vegetation", -0.2, "heat", -0.1, "water", -0.05), -1, false, "heat"},
		{"an unusual fire leads", share("fire", -0.3, "water", -0.1), -1, true, "fire"},
		{"an ordinary fire season does not", share("fire", -0.3, "water", -0.1), -1, false, "water"},
		{"a driver the other way is no cause", share("vegetation", 0.2, "heat", -0.01), 1, false, "vegetation"},
		{"nothing but the mean state", share("seasonality", -0.3), -1, false, ""},
		{"an uptake anomaly", share("radiation", 0.05, "water", 0.03), 1, false, "radiation"},
	}
	for _, tt := range tests {
		if got, _ := topDriver(tt.shares, tt.dir, tt.fireUnusual); got != tt.want {
			t.Errorf("%s: top driver %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestOceanFindingDrivers: an ocean sink's finding is split by the ocean
// drivers, which add up to its anomaly; the reconstruction's share is
// listed (source "ship data") but never named the top driver, even when it
// leads, nor is the CO₂ rise's share.
func TestOceanFindingDrivers(t *testing.T) {
	var rows []lake.RegionRow
	add := func(month, comp string, v float64) {
		rows = append(rows, lake.RegionRow{Month: month, RegionID: "atlantic", Name: "Atlantic", Kind: "reccap2-ocean",
			Component: comp, GtC: v, SigmaGtC: 0.01, AnomalyGtC: math.NaN()})
	}
	noise := []float64{0.004, -0.006, 0.002, 0.007, -0.003, -0.005, 0.001, 0.004, -0.002, 0.003, -0.001}
	for i, y := range []int{2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023} {
		m := fmt.Sprintf("%d-07", y)
		heat, circ, recon := 0.05+noise[i]/2, 0.03+noise[(i+5)%11]/4, 0.08+noise[(i+2)%11]/2
		if y == 2023 {
			heat, recon = -0.02, 0.0 // a marine heatwave: the GOBMs' heat share and the ship data both fall
		}
		add(m, lake.CompOcean, heat+circ+recon+0.01+0.01*float64(i)-map[bool]float64{true: 0.075}[y == 2023])
		add(m, lake.CompOceanDriver+":heat", heat)
		add(m, lake.CompOceanDriver+":circulation", circ)
		add(m, lake.CompOceanDriver+":reconstruction", recon)
		add(m, lake.CompOceanDriver+":bias", 0.01)
		co2 := 0.01 * float64(i) // the smooth rise, and in 2023 an interaction the trees credit to it
		if y == 2023 {
			co2 -= 0.075
		}
		add(m, lake.CompOceanDriver+":co2", co2)
	}
	fs := Findings(rows, Baseline{FromYear: 2015, ToYear: 2022}, FindingOptions{})
	if len(fs) != 1 || fs[0].Component != lake.CompOcean {
		t.Fatalf("findings %+v, want the ocean sink of 2023-07", fs)
	}
	f := fs[0]
	if f.TopDriver != "heat" {
		t.Errorf("top driver %q, want heat (shares %+v)", f.TopDriver, f.DriverShares)
	}
	var sum float64
	for _, d := range f.DriverShares {
		sum += d.AnomalyGtC
		if d.Driver == "reconstruction" && d.Source != "ship data" {
			t.Errorf("reconstruction share from %q", d.Source)
		}
	}
	if len(f.DriverShares) < 3 || f.DriverShares[0].Driver != "reconstruction" || f.DriverShares[1].Driver != "co2" {
		t.Errorf("leading shares %+v, want the reconstruction's, then the CO₂ rise's (the test's premise)", f.DriverShares)
	}
	if math.Abs(sum-f.AnomalyGtC) > 1e-9 {
		t.Errorf("shares add up to %.6f GtC, anomaly %.6f", sum, f.AnomalyGtC)
	}
}
