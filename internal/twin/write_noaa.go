package twin

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/durable"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// noaaRecord is the twin's NOAA GML global record: monthly means as a
// network of stations would measure them (the box's monthly mean plus
// sampling noise), their de-seasonalised trend, and annual growth rates.
type noaaRecord struct {
	months         []grid.Month
	average, trend []float64 // ppm
	growth         []noaaGrowth
}

type noaaGrowth struct {
	year     int
	ppmPerYr float64
	uncPerYr float64
}

// networkNoisePPM is the sampling error of a global monthly mean from a
// finite station network (NOAA's average_unc is about 0.1 ppm).
const networkNoisePPM = 0.07

// newNOAARecord derives the record from the true monthly budgets.
func newNOAARecord(budgets []MonthBudget, seed uint64) *noaaRecord {
	r := newRand(seed, "noaa", 0, 0)
	rec := &noaaRecord{}
	for _, b := range budgets {
		rec.months = append(rec.months, b.Month)
		rec.average = append(rec.average, (b.CO2StartPPM+b.CO2EndPPM)/2+networkNoisePPM*r.NormFloat64())
	}
	rec.trend = deseasonalise(rec.months, rec.average)
	rec.growth = growthRates(rec.months, rec.trend, r)
	return rec
}

func decimalYear(m grid.Month) float64 { return float64(m.Year) + (float64(m.Month)-0.5)/12 }

// deseasonalise follows NOAA's curve-fitting method in outline (Thoning
// et al. 1989, J. Geophys. Res. 94, 8549): fit a quadratic and four
// annual harmonics by least squares, smooth the residuals with a centred
// 2×12-month moving average (which removes whatever seasonal cycle the
// fixed harmonics leave; NOAA uses a 667-day filter), and return
// polynomial plus smoothed residuals. Near the ends the window shrinks.
func deseasonalise(months []grid.Month, y []float64) []float64 {
	n := len(y)
	t0 := decimalYear(months[n/2])
	basis := func(m grid.Month) []float64 {
		t := decimalYear(m)
		b := []float64{1, t - t0, (t - t0) * (t - t0)}
		for h := 1; h <= 4; h++ {
			w := 2 * math.Pi * float64(h) * t
			b = append(b, math.Cos(w), math.Sin(w))
		}
		return b
	}
	coef := leastSquares(months, y, basis)
	poly := make([]float64, n)
	resid := make([]float64, n)
	for i, m := range months {
		b := basis(m)
		var fit float64
		for j := range coef {
			fit += coef[j] * b[j]
		}
		poly[i] = coef[0] + coef[1]*b[1] + coef[2]*b[2]
		resid[i] = y[i] - fit
	}
	out := make([]float64, n)
	for i := range out {
		var s, wsum float64
		for j := max(0, i-6); j <= min(n-1, i+6); j++ {
			wgt := 1.0
			if j == i-6 || j == i+6 {
				wgt = 0.5
			}
			s += wgt * resid[j]
			wsum += wgt
		}
		out[i] = poly[i] + s/wsum
	}
	return out
}

// leastSquares solves the normal equations by Gaussian elimination.
func leastSquares(months []grid.Month, y []float64, basis func(grid.Month) []float64) []float64 {
	p := len(basis(months[0]))
	a := make([][]float64, p)
	for j := range a {
		a[j] = make([]float64, p+1)
	}
	for i, m := range months {
		b := basis(m)
		for j := range p {
			for k := range p {
				a[j][k] += b[j] * b[k]
			}
			a[j][p] += b[j] * y[i]
		}
	}
	for c := range p {
		piv := c
		for r := c + 1; r < p; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[piv][c]) {
				piv = r
			}
		}
		a[c], a[piv] = a[piv], a[c]
		for r := range p {
			if r != c && a[c][c] != 0 {
				f := a[r][c] / a[c][c]
				for k := c; k <= p; k++ {
					a[r][k] -= f * a[c][k]
				}
			}
		}
	}
	x := make([]float64, p)
	for j := range x {
		if a[j][j] != 0 {
			x[j] = a[j][p] / a[j][j]
		}
	}
	return x
}

// growthRates is NOAA's global method: the trend on 1 January (the mean of
// the December and January trend values) minus the same a year earlier.
// The first year is left out (it would need the December before the
// record); the last year's closing January is extrapolated with the
// trend's last monthly slope, as a preliminary value.
func growthRates(months []grid.Month, trend []float64, r interface{ NormFloat64() float64 }) []noaaGrowth {
	n := len(trend)
	at := func(i int) float64 {
		switch {
		case i < 0:
			return trend[0] + float64(i)*(trend[1]-trend[0])
		case i >= n:
			return trend[n-1] + float64(i-n+1)*(trend[n-1]-trend[n-2])
		}
		return trend[i]
	}
	jan1 := func(i int) float64 { return (at(i-1) + at(i)) / 2 } // i: index of a January
	var out []noaaGrowth
	for i, m := range months {
		if int(m.Month) != 1 || i == 0 {
			continue
		}
		g := jan1(i+12) - jan1(i)
		out = append(out, noaaGrowth{year: m.Year, ppmPerYr: g, uncPerYr: 0.07 + 0.02*math.Abs(r.NormFloat64())})
	}
	return out
}

// asctime is the C-library date format of NOAA's "File Creation" line.
const asctime = "Mon Jan _2 15:04:05 2006"

func (rec *noaaRecord) header(w *bufio.Writer, opt Options, created time.Time, what []string) {
	lines := []string{
		"# --------------------------------------------------------------------",
		"# TWIN-WORLD DATA IN THE LAYOUT OF NOAA GML'S GLOBAL CO2 FILES",
		"#",
		"# Synthetic data from the carbonbudget twin world, not measurements.",
		fmt.Sprintf("# Twin world: seed %d, years %d-%d.", opt.Seed, opt.FromYear, opt.ToYear),
		"#",
		"# File Creation: " + created.Format(asctime),
		"#",
		"# --------------------------------------------------------------------",
		"#",
	}
	for _, l := range append(lines, what...) {
		w.WriteString(l)
		w.WriteByte('\n')
	}
}

// writeNOAA writes co2_mm_gl.txt (as revision opt.NOAARevision) and
// co2_gr_gl.txt under dir/noaa.
func (rec *noaaRecord) write(dir string, opt Options) error {
	if err := rec.revised(opt.NOAARevision).writeMonthly(dir, opt); err != nil {
		return err
	}
	gr := filepath.Join(dir, "noaa", "co2_gr_gl.txt")
	return durable.WriteFile(gr, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		rec.header(bw, opt, opt.creationTime(), []string{
			"# Annual CO2 mole fraction increase (ppm) from Jan 1 through Dec 31, by NOAA's global",
			"# method: the de-seasonalised trend on 1 January (December-January mean) minus the same",
			"# a year earlier. The last year extrapolates the trend by half a month (preliminary).",
			"#",
			"# year     ann inc      unc",
		})
		for _, g := range rec.growth {
			fmt.Fprintf(bw, "%6d %11.2f %11.2f\n", g.year, g.ppmPerYr, g.uncPerYr)
		}
		return bw.Flush()
	})
}

// writeMonthly writes co2_mm_gl.txt under dir/noaa, stamped with the
// creation time of revision opt.NOAARevision.
func (rec *noaaRecord) writeMonthly(dir string, opt Options) error {
	mm := filepath.Join(dir, "noaa", "co2_mm_gl.txt")
	return durable.WriteFile(mm, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		rec.header(bw, opt, opt.noaaCreationTime(), []string{
			"# Global monthly means of the twin's one-box atmosphere, sampled with a network error of",
			fmt.Sprintf("# %.2f ppm; trend is the de-seasonalised value (quadratic, four harmonics and", networkNoisePPM),
			"# filtered residuals). Units are ppm (micromol/mol, dry air).",
			"#",
			"# year   month       decimal       average   average_unc         trend     trend_unc",
		})
		for i, m := range rec.months {
			fmt.Fprintf(bw, "%6d %7d %13.3f %13.2f %13.2f %13.2f %13.2f\n", m.Year, int(m.Month), decimalYear(m),
				rec.average[i], 0.1, rec.trend[i], 0.07)
		}
		return bw.Flush()
	})
}
