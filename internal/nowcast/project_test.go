package nowcast

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// synthWorld is a small synthetic world: an ONI of two incommensurate
// sines, a growth rate of a trend plus 0.6 ppm/yr per °C of the ONI three
// months earlier, the CO2 record that grows so, with a seasonal cycle, and
// budget terms with a seasonal cycle and a trend (GtC per month).
func synthWorld() (Inputs, Annual) {
	first, last := grid.Month{Year: 1979, Month: 1}, grid.Month{Year: 2025, Month: 12}
	oni := Monthly{}
	for m := first; !last.Before(m); m = m.Add(1) {
		i := float64(m.Sub(first))
		oni[m] = 1.2*math.Sin(2*math.Pi*i/43) + 0.5*math.Sin(2*math.Pi*i/17+1)
	}
	rate := Annual{} // ppm/yr, the truth of each year
	trend, avg := Monthly{}, Monthly{}
	level := 337.0
	rng := rand.New(rand.NewPCG(1, 2)) // fixed seed: the test is deterministic
	terms := map[string]Monthly{}
	sigmas := map[string]Monthly{}
	annualSigmas := map[string]Annual{}
	for _, n := range TermNames {
		terms[n], sigmas[n], annualSigmas[n] = Monthly{}, Monthly{}, Annual{}
	}
	for m := first; !last.Before(m); m = m.Add(1) {
		y := m.Year
		if _, ok := rate[y]; !ok {
			var e float64 // the ONI's mean over the year to September
			for i := 0; i < 12; i++ {
				e += oni[grid.Month{Year: y, Month: time.September}.Add(-i)] / 12
			}
			// Plus a year's own noise, which only the year so far can see.
			rate[y] = 1.2 + 0.03*float64(y-1979) + 0.6*e + 0.15*rng.NormFloat64()
		}
		level += rate[y] / 12
		k := float64(m.Month - 1)
		trend[m] = level
		avg[m] = level + 3*math.Sin(2*math.Pi*k/12)
		season := math.Cos(2 * math.Pi * (k - 6) / 12)
		for i, n := range TermNames {
			terms[n][m] = 0.1*float64(i+1) + 0.002*float64(y-1979) + 0.05*float64(i)*season + 0.01*oni[m]
			sigmas[n][m] = 0.01
			if n != "e_luc" { // e_luc's σ comes from its months
				annualSigmas[n][y] = 0.05
			}
		}
	}
	// NOAA's growth of a trend that rises by rate/12 each month is the
	// mean of the two years' rates around each January: recompute it the
	// way the truth is defined.
	rec := CO2Record{AveragePPM: avg, TrendPPM: trend}
	return Inputs{TermsGtC: terms, TermSigmasGtC: sigmas, AnnualSigmasGtC: annualSigmas, CO2: map[string]CO2Record{"global": rec}, ONI: oni}, rec.growthSeries()
}

// The projection is a function of the data available in asOf only: a huge
// change to any later month of any input leaves it unchanged, while the
// same change to the last available month moves it (so the comparison can
// fail).
func TestProjectNoLeak(t *testing.T) {
	asOf := grid.Month{Year: 2015, Month: time.June}
	in, _ := synthWorld()
	base, err := Project(asOf, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(base.Terms) != len(TermNames) || len(base.Growth) != 1 {
		t.Fatalf("projection has %d terms and %d growth rates, want %d and 1 (skipped: %v)", len(base.Terms), len(base.Growth), len(TermNames), base.Skipped)
	}
	shifts := []struct {
		name  string
		shift func(in Inputs, m grid.Month)
		month grid.Month // the last month that may be read
	}{
		{"co2 average", func(in Inputs, m grid.Month) { in.CO2["global"].AveragePPM[m] += 50 }, asOf},
		{"co2 trend", func(in Inputs, m grid.Month) { in.CO2["global"].TrendPPM[m] += 50 }, grid.Month{Year: 2015, Month: time.January}},
		{"oni", func(in Inputs, m grid.Month) { in.ONI[m] += 5 }, oniPublished(asOf)},
		{"s_land", func(in Inputs, m grid.Month) { in.TermsGtC["s_land"][m] += 100 }, asOf},
		{"e_luc sigma", func(in Inputs, m grid.Month) { in.TermSigmasGtC["e_luc"][m] += 100 }, asOf},
		// An annual σ is known once its year is complete: the last one
		// available in 2015-06 is 2014's (shifting "month" 2014-12 shifts
		// the year 2014).
		{"s_land annual sigma", func(in Inputs, m grid.Month) { in.AnnualSigmasGtC["s_land"][m.Year] += 100 }, grid.Month{Year: 2014, Month: time.December}},
	}
	for _, s := range shifts {
		for _, future := range []grid.Month{s.month.Add(1), s.month.Add(3), {Year: 2015, Month: time.December}, {Year: 2019, Month: time.March}} {
			in, _ := synthWorld()
			s.shift(in, future)
			got, err := Project(asOf, in)
			if err != nil || !reflect.DeepEqual(got, base) {
				t.Errorf("%s shifted in %s (after %s) moves the projection made in %s:\n got %+v\nwant %+v", s.name, future, s.month, asOf, got, base)
			}
		}
		in, _ := synthWorld()
		s.shift(in, s.month)
		if got, _ := Project(asOf, in); reflect.DeepEqual(got, base) {
			t.Errorf("%s shifted in %s, the last month available, does not move the projection: the test cannot see a leak", s.name, s.month)
		}
	}
}

// On a world whose growth follows the ONI of the twelve months to
// September plus noise, the regression made in December (when that ONI is
// published and the year's rise is almost all seen) finds the three-month
// lag and projects the truth within 0.05 ppm/yr (the residual: NOAA's
// Dec–Jan window straddles two years' rates); made in June,
// with three months of the ONI persisted, it is within 3σ; persistence is
// last year's rate.
func TestProjectGrowthSynthetic(t *testing.T) {
	in, truth := synthWorld()
	for _, y := range []int{2000, 2010, 2020} {
		p, err := Project(grid.Month{Year: y, Month: time.December}, in)
		if err != nil {
			t.Fatal(err)
		}
		g := p.Growth["global"]
		// With the year's noise, twelve training years (for 2000) cannot tell
		// lag 3 from its neighbours; thirty can.
		if math.Abs(g.PPMPerYear-truth[y]) > 0.05 || (y >= 2010 && g.LagMonths != 3) {
			t.Errorf("%d as of December: projected %.3f with lag %d, truth %.3f with lag 3", y, g.PPMPerYear, g.LagMonths, truth[y])
		}
		if g.PersistencePPMPerYear != truth[y-1] {
			t.Errorf("%d: persistence %.3f, want last year's %.3f", y, g.PersistencePPMPerYear, truth[y-1])
		}
		p, err = Project(grid.Month{Year: y, Month: time.June}, in)
		if err != nil {
			t.Fatal(err)
		}
		g = p.Growth["global"]
		if !(g.SigmaPPMPerYear > 0) || g.SigmaYears < minSigmaYears || math.Abs(g.PPMPerYear-truth[y]) > 3*g.SigmaPPMPerYear {
			t.Errorf("%d as of June: projected %.3f ± %.3f (σ from %d years), truth %.3f", y, g.PPMPerYear, g.SigmaPPMPerYear, g.SigmaYears, truth[y])
		}
	}
}

// Terms: the months computed are summed as they are; the months to come
// are the climatology plus this year's anomaly, so a term that repeats the
// last years' seasonal cycle with a constant offset is projected exactly.
func TestProjectTermsExact(t *testing.T) {
	v := Monthly{}
	for y := 2010; y <= 2015; y++ {
		for k := 1; k <= 12; k++ {
			m := grid.Month{Year: y, Month: time.Month(k)}
			v[m] = 1 + math.Sin(float64(k)) // the same every year
			if y == 2015 {
				v[m] += 0.1 // this year's anomaly
			}
		}
	}
	wantGtC := 12 * 0.1
	for k := 1; k <= 12; k++ {
		wantGtC += 1 + math.Sin(float64(k))
	}
	for n := 1; n <= 12; n++ {
		asOf := grid.Month{Year: 2015, Month: time.Month(n)}
		tp, err := projectTerm("x", v.Until(asOf), Monthly{}, nil, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(tp.GtC-wantGtC) > 1e-9 || tp.MonthsObserved != n { // 1e-9: sums of twelve O(1) values
			t.Errorf("as of %s: %.6f GtC from %d months, want %.6f from %d", asOf, tp.GtC, tp.MonthsObserved, wantGtC, n)
		}
	}
	if _, err := projectTerm("x", v, Monthly{}, nil, grid.Month{Year: 2016, Month: 3}); err == nil {
		t.Error("a year without a computed month was projected")
	}
}

// With weather in the months, the projection's σ comes from the earlier
// years' hindcasts and shrinks as the year fills: January's is wider than
// June's, June's than November's, and December's is the months' own σ only.
func TestProjectTermsSigmaShrinks(t *testing.T) {
	v, sig := Monthly{}, Monthly{}
	rng := rand.New(rand.NewPCG(3, 4)) // fixed seed: the test is deterministic
	for y := 2000; y <= 2015; y++ {
		yearAnom := 0.3 * rng.NormFloat64()
		for k := 1; k <= 12; k++ {
			m := grid.Month{Year: y, Month: time.Month(k)}
			v[m] = 1 + math.Sin(float64(k)) + yearAnom + 0.1*rng.NormFloat64()
			sig[m] = 0.01
		}
	}
	var sigmas []float64
	for _, n := range []time.Month{time.January, time.June, time.November, time.December} {
		asOf := grid.Month{Year: 2015, Month: n}
		tp, err := projectTerm("x", v.Until(asOf), sig.Until(asOf), nil, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if tp.SigmaYears < minTermSigmaYears && n != time.December {
			t.Errorf("as of %s: σ from %d hindcast years, want ≥ %d", asOf, tp.SigmaYears, minTermSigmaYears)
		}
		sigmas = append(sigmas, tp.SigmaGtC)
	}
	if !(sigmas[0] > sigmas[1] && sigmas[1] > sigmas[2] && sigmas[2] > sigmas[3]) || math.Abs(sigmas[3]-0.12) > 1e-9 {
		t.Errorf("σ as of Jan, Jun, Nov, Dec = %v: want decreasing, December 12 × 0.01 (the months' own)", sigmas)
	}
}

// The identity E_FOS + E_LUC = G_ATM + S_OCEAN + S_LAND + S_CEMENT + B_IM
// holds for the projection when it holds for every month, because the
// projection is linear in the months.
func TestProjectKeepsIdentity(t *testing.T) {
	in, _ := synthWorld()
	for m := range in.TermsGtC["b_im"] {
		v := func(n string) float64 { return in.TermsGtC[n][m] }
		in.TermsGtC["b_im"][m] = v("e_fos") + v("e_luc") - v("g_atm") - v("s_ocean") - v("s_land") - v("s_cement")
	}
	p, err := Project(grid.Month{Year: 2012, Month: time.April}, in)
	if err != nil {
		t.Fatal(err)
	}
	v := func(n string) float64 { return p.Terms[n].GtC }
	if d := v("e_fos") + v("e_luc") - v("g_atm") - v("s_ocean") - v("s_land") - v("s_cement") - v("b_im"); math.Abs(d) > 1e-9 {
		t.Errorf("projected budget does not close: residual %g GtC", d)
	}
}

func TestScore(t *testing.T) {
	fs := []Forecast{
		{2000, "a", 2.0, 0.5, 2.4}, // inside 1σ
		{2001, "a", 2.0, 0.5, 2.8}, // inside 2σ only
		{2002, "a", 2.0, 0.5, 3.5}, // outside 2σ
		{2002, "b", math.NaN(), 1, 3.5},
		{2003, "b", 1.0, math.NaN(), 1.0}, // no σ: outside
	}
	s := Score(fs)
	if len(s) != 2 || s[0].Method != "a" || s[1].Method != "b" {
		t.Fatalf("methods %+v, want a then b", s)
	}
	a := s[0]
	wantRMSE := math.Sqrt((0.16 + 0.64 + 2.25) / 3)
	if a.Years != 3 || math.Abs(a.RMSE-wantRMSE) > 1e-12 || math.Abs(a.Bias-(-0.4-0.8-1.5)/3) > 1e-12 ||
		a.Within1Sigma != 1.0/3 || a.Within2Sigma != 2.0/3 || !reflect.DeepEqual(a.Outside2Sigma, []int{2002}) {
		t.Errorf("a: %+v", a)
	}
	if b := s[1]; b.Years != 1 || b.RMSE != 0 || b.Within2Sigma != 0 {
		t.Errorf("b: %+v, want 1 year (NaN value skipped), RMSE 0, outside 2σ for want of a σ", b)
	}
}

func TestFitOLS(t *testing.T) {
	var x [][]float64
	var y []float64
	for i := 0; i < 10; i++ {
		a, b := float64(i), math.Sin(float64(i))
		x = append(x, []float64{1, a, b})
		y = append(y, 0.5+2*a-3*b)
	}
	b, rms, err := fitOLS(x, y)
	if err != nil || rms > 1e-9 || math.Abs(b[0]-0.5) > 1e-9 || math.Abs(b[1]-2) > 1e-9 || math.Abs(b[2]+3) > 1e-9 {
		t.Errorf("fitOLS = %v, rms %g, %v; want [0.5 2 -3], 0", b, rms, err)
	}
	for i := range x {
		x[i][2] = 2 * x[i][1]
	}
	if _, _, err := fitOLS(x, y); err == nil {
		t.Error("collinear predictors fitted without error")
	}
}

// The σ of the terms is calibrated: on a term with a seasonal cycle, a
// trend, year-to-year anomalies that persist through the year and monthly
// weather, the truth (the year's sum) lies within ±2σ of the projection made
// in June in at least 85 % of 40 years (95 % expected, 85 % leaves room for
// sampling), and within ±1σ in 50–95 % (68 % expected; more than 95 % means
// the σ is uselessly wide).
func TestProjectTermsCalibrated(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6)) // fixed seed: the test is deterministic
	v, sig := Monthly{}, Monthly{}
	truth := Annual{}
	for y := 1975; y <= 2024; y++ {
		yearAnom := 0.05 * rng.NormFloat64()
		for k := 1; k <= 12; k++ {
			m := grid.Month{Year: y, Month: time.Month(k)}
			x := 0.2 + 0.3*math.Cos(2*math.Pi*float64(k-7)/12) + 0.002*float64(y-1975) + yearAnom + 0.03*rng.NormFloat64()
			v[m], sig[m] = x, 0.001
			truth[y] += x
		}
	}
	fs := HindcastTerms(Inputs{TermsGtC: map[string]Monthly{"s_land": v}, TermSigmasGtC: map[string]Monthly{"s_land": sig}},
		map[string]Annual{"s_land": truth}, 1985, 2024, time.June)["s_land"]
	s := Score(fs)[0]
	t.Logf("%d years, within 1σ %.2f, 2σ %.2f, RMSE %.3f", s.Years, s.Within1Sigma, s.Within2Sigma, s.RMSE)
	if s.Years != 40 || s.Within2Sigma < 0.85 || s.Within1Sigma < 0.5 || s.Within1Sigma > 0.95 {
		t.Errorf("as of June over 1985–2024: %d years, %.0f%% within 1σ, %.0f%% within 2σ (RMSE %.3f); want 40, 50–95%%, ≥ 85%%",
			s.Years, 100*s.Within1Sigma, 100*s.Within2Sigma, s.RMSE)
	}
}
