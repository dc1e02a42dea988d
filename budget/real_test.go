package budget

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/lake"

	"github.com/carbonbudget/carbonbudget/internal/realdata"

	"github.com/carbonbudget/carbonbudget/ingest/gcb"
	"github.com/carbonbudget/carbonbudget/ingest/noaa"
)

// TestGCB2025Closes feeds the published Global Carbon Budget 2025 global
// table through Close and checks that our B_IM reproduces the published
// one for every year 1959–2024, and that G_ATM is 2.124 × a ppm growth
// given to two decimals (NOAA publishes growth rates to 0.01 ppm).
func TestGCB2025Closes(t *testing.T) {
	tb, err := gcb.ReadFile(realdata.Path(t, "gcb", "gcb2025v1.0_global_carbon_budget.csv"))
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string, y int) float64 {
		v, ok, err := tb.Value(name, y)
		if err != nil || !ok {
			t.Fatalf("%d %q: %v (present %v)", y, name, err, ok)
		}
		return v
	}
	var worst float64
	for y := 1959; y <= 2024; y++ {
		b := Close("", lake.Terms{
			EFos:    lake.Term{GtC: col("fossil emissions excluding carbonation", y)},
			ELUC:    lake.Term{GtC: col("land-use change emissions", y)},
			GAtm:    lake.Term{GtC: col("atmospheric growth", y)},
			SOcean:  lake.Term{GtC: col("ocean sink", y)},
			SLand:   lake.Term{GtC: col("land sink", y)},
			SCement: lake.Term{GtC: col("cement carbonation sink", y)},
		})
		diff := math.Abs(b.BIm.GtC - col("budget imbalance", y))
		worst = math.Max(worst, diff)
		if diff > 0.01 {
			t.Errorf("%d: B_IM = %.4f, published %.4f", y, b.BIm.GtC, col("budget imbalance", y))
		}
		ppm := col("atmospheric growth", y) / GtCPerPPM
		if math.Abs(ppm-math.Round(ppm*100)/100) > 1e-6 {
			t.Errorf("%d: G_ATM/2.124 = %.6f ppm is not a growth rate given to 0.01 ppm", y, ppm)
		}
	}
	t.Logf("largest |B_IM - published| over 1959-2024: %.2e GtC/yr", worst)
}

// TestNOAAGrowthByOurMethod computes the annual global growth rate from
// NOAA's real monthly global record (co2_mm_gl.txt, vintage Dec 2025) by
// our implementation of NOAA's method and compares it with NOAA's published
// global growth rates (co2_gr_gl.csv, vintage Jun 2026) for 1980–2024.
func TestNOAAGrowthByOurMethod(t *testing.T) {
	mm, err := noaa.ReadMonthlyFile(realdata.Path(t, "noaa_gml", "co2_mm_gl.txt"))
	if err != nil {
		t.Fatal(err)
	}
	published := readNOAAGrowth(t, realdata.Path(t, "noaa_gml", "co2_gr_gl.csv"))
	rec := &CO2Record{Vintage: mm.Vintage}
	for _, r := range mm.Rows {
		rec.Months = append(rec.Months, CO2Month{Month: r.Month, MeanPPM: r.AveragePPM, TrendPPM: r.TrendPPM})
	}
	ours := annualGrowthPPM(rec)
	var worst float64
	worstYear := 0
	for y := 1980; y <= 2024; y++ {
		pub, ok := published[y]
		if !ok {
			t.Fatalf("co2_gr_gl.csv has no %d", y)
		}
		got, ok := ours[y]
		if !ok {
			t.Fatalf("no growth computed for %d", y)
		}
		d := math.Abs(got - pub)
		if d > worst {
			worst, worstYear = d, y
		}
		if d > 0.1 {
			t.Errorf("%d: our growth %.3f ppm/yr, NOAA %.2f (|Δ| %.3f > 0.1)", y, got, pub, d)
		}
	}
	t.Logf("largest |ours - NOAA| over 1980-2024: %.3f ppm/yr in %d (monthly file vintage %q)", worst, worstYear, mm.Vintage)
}

// readNOAAGrowth reads NOAA's annual growth table (co2_gr_gl.csv: '#'
// comment lines, a "year,ann inc,unc" header, then one row per year) into
// ppm/yr by year. The pipeline has no reader for it: it is only this
// test's oracle.
func readNOAAGrowth(t *testing.T, path string) map[int]float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]float64{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(strings.TrimSpace(line), ",")
		if strings.HasPrefix(f[0], "#") || f[0] == "year" || len(f) < 2 {
			continue
		}
		y, err1 := strconv.Atoi(f[0])
		v, err2 := strconv.ParseFloat(strings.TrimSpace(f[1]), 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: line %q is not year,growth", path, line)
		}
		out[y] = v
	}
	return out
}
