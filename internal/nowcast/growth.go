package nowcast

import (
	"fmt"
	"math"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// CO2Record is one station's (or the globe's) NOAA monthly record.
type CO2Record struct {
	AveragePPM Monthly // monthly means
	TrendPPM   Monthly // NOAA's de-seasonalised values, for NOAAGrowth
	Window     Window  // NOAA's window for this record; nil is GlobalWindow
}

func (r CO2Record) until(m grid.Month) CO2Record {
	return CO2Record{r.AveragePPM.Until(m), r.TrendPPM.Until(m), r.Window}
}

func (r CO2Record) growthSeries() Annual {
	w := r.Window
	if w == nil {
		w = GlobalWindow
	}
	return NOAAGrowthSeries(r.TrendPPM, w)
}

// Growth is the projection of one annual growth rate, ppm/yr.
type Growth struct {
	PPMPerYear      float64
	SigmaPPMPerYear float64 // 1σ: RMS of the earlier years' hindcast errors
	// ENSOOnlyPPMPerYear is the regression without the year so far (the Met
	// Office's approach); PersistencePPMPerYear is last year's rate.
	ENSOOnlyPPMPerYear    float64
	PersistencePPMPerYear float64
	// The baselines' σ, calibrated like SigmaPPMPerYear (NaN without
	// enough earlier years).
	ENSOOnlySigmaPPMPerYear    float64
	PersistenceSigmaPPMPerYear float64
	// YTDPPM is the growth observed so far: the monthly mean of asOf minus
	// that of the same month a year earlier.
	YTDPPM        float64
	LagMonths     int // lag of the ONI window chosen by the fit
	TrainingYears int
	SigmaYears    int // hindcast errors the σ comes from (0: in-sample fallback)
}

// Regression settings. Eight training years is the fewest for four
// coefficients to leave a residual worth calibrating; five hindcast errors
// the fewest for an RMS; the lag is searched over 0..6 months, the range
// in which Betts et al. (2016) find the growth rate responds to Niño-3.4.
const (
	minTrainingYears = 8
	minSigmaYears    = 5
	maxLagMonths     = 6
)

// oniPublished is the last ONI season (by centre month) published when the
// data of month asOf are in: the season centred on m ends at m+1.
func oniPublished(asOf grid.Month) grid.Month { return asOf.Add(-1) }

// ensoFeature is the mean ONI over the twelve months ending lag months
// before December of year y, known as of asOf: months not yet published
// take the last published value (the persistence forecast).
func ensoFeature(oni Monthly, y, lag int, asOf grid.Month) (float64, bool) {
	last := oniPublished(asOf)
	lastV, ok := oni[last]
	if !ok {
		return 0, false
	}
	end := grid.Month{Year: y, Month: time.December}.Add(-lag)
	var sum float64
	for i := 0; i < 12; i++ {
		m := end.Add(-i)
		v, ok := oni[m]
		if last.Before(m) {
			v, ok = lastV, true
		}
		if !ok {
			return 0, false
		}
		sum += v
	}
	return sum / 12, true
}

// ytdFeature is the growth observed by month n of year y: the monthly mean
// of month n minus that of month n a year earlier. The same calendar month
// cancels the seasonal cycle without a fitted one (which would need the
// months after n), and the latest twelve-month rise is the most recent
// growth observed: in the hindcast of 1990–2025 it beat the mean rise of
// January..n, which mixes in last year's growth (RMSE 0.37 against 0.44
// ppm/yr as of September, 0.456 against 0.465 as of June), a choice made on
// the record it is scored on, so the quoted skill is slightly flattering.
func ytdFeature(avg Monthly, y, n int) (float64, bool) {
	m := grid.Month{Year: y, Month: time.Month(n)}
	cur, ok1 := avg[m]
	prev, ok2 := avg[m.Add(-12)]
	return cur - prev, ok1 && ok2
}

// growthPoint is one projection without its σ.
type growthPoint struct {
	full, ensoOnly, persistence, ytd float64
	lag, nTrain                      int
	inSampleRMS                      float64
}

// projectGrowth projects year asOf.Year's growth of rec from data to asOf.
// rec and oni must already be cut to asOf.
func projectGrowth(rec CO2Record, oni Monthly, asOf grid.Month) (Growth, error) {
	p, err := growthAt(rec, oni, asOf)
	if err != nil {
		return Growth{}, err
	}
	g := Growth{PPMPerYear: p.full, ENSOOnlyPPMPerYear: p.ensoOnly, PersistencePPMPerYear: p.persistence,
		YTDPPM: p.ytd, LagMonths: p.lag, TrainingYears: p.nTrain}
	// σ from the errors of the projections made in the same month of each
	// earlier year, each with the data of its own time.
	truth := rec.growthSeries()
	var ss, ssENSO, ssPers float64
	for y := asOf.Year - 1; y > 0; y-- {
		t, ok := truth[y]
		if !ok {
			break
		}
		at := grid.Month{Year: y, Month: asOf.Month}
		q, err := growthAt(rec.until(at), oni.Until(oniPublished(at)), at)
		if err != nil {
			break
		}
		ss += (q.full - t) * (q.full - t)
		ssENSO += (q.ensoOnly - t) * (q.ensoOnly - t)
		ssPers += (q.persistence - t) * (q.persistence - t)
		g.SigmaYears++
	}
	g.ENSOOnlySigmaPPMPerYear, g.PersistenceSigmaPPMPerYear = math.NaN(), math.NaN()
	if g.SigmaYears >= minSigmaYears {
		n := float64(g.SigmaYears)
		g.SigmaPPMPerYear = math.Sqrt(ss / n)
		g.ENSOOnlySigmaPPMPerYear, g.PersistenceSigmaPPMPerYear = math.Sqrt(ssENSO/n), math.Sqrt(ssPers/n)
	} else {
		// Too few hindcasts: the in-sample residual, inflated for the four
		// fitted coefficients.
		g.SigmaYears = 0
		g.SigmaPPMPerYear = p.inSampleRMS * math.Sqrt(float64(p.nTrain)/float64(p.nTrain-4))
	}
	return g, nil
}

// growthAt fits the regressions on the years before asOf.Year, each year's
// predictors as they stood in the same month of that year, and applies
// them to asOf.Year.
func growthAt(rec CO2Record, oni Monthly, asOf grid.Month) (growthPoint, error) {
	y, n := asOf.Year, int(asOf.Month)
	truth := rec.growthSeries()
	ytd, ok := ytdFeature(rec.AveragePPM, y, n)
	if !ok {
		return growthPoint{}, fmt.Errorf("growth %d as of %s: the record lacks a month of %d or %d to %s", y, asOf, y-1, y, time.Month(n))
	}
	var years []int
	for _, ty := range truth.Years() {
		if ty >= y {
			continue
		}
		if _, ok := ytdFeature(rec.AveragePPM, ty, n); !ok {
			continue
		}
		if _, ok := ensoFeature(oni, ty, maxLagMonths, grid.Month{Year: ty, Month: asOf.Month}); ok {
			years = append(years, ty)
		}
	}
	if len(years) < minTrainingYears {
		return growthPoint{}, fmt.Errorf("growth %d as of %s: %d training years with CO2 and ONI, want %d", y, asOf, len(years), minTrainingYears)
	}
	p := growthPoint{ytd: ytd, nTrain: len(years), persistence: math.NaN()}
	if g, ok := truth[y-1]; ok {
		p.persistence = g
	}
	lag, ensoB, err := bestLag(rec, oni, years, n, truth)
	if err != nil {
		return growthPoint{}, fmt.Errorf("growth %d as of %s: %w", y, asOf, err)
	}
	p.lag = lag
	x, yy := design(rec, oni, years, n, lag, truth, true)
	fullB, rms, err := fitOLS(x, yy)
	if err != nil {
		return growthPoint{}, fmt.Errorf("growth %d as of %s: %w", y, asOf, err)
	}
	p.inSampleRMS = rms
	e, ok := ensoFeature(oni, y, lag, asOf)
	if !ok {
		return growthPoint{}, fmt.Errorf("growth %d as of %s: no ONI published by %s", y, asOf, oniPublished(asOf))
	}
	t := float64(y - 2000)
	p.ensoOnly = dot([]float64{1, t, e}, ensoB)
	p.full = dot([]float64{1, t, e, ytd}, fullB)
	return p, nil
}

// bestLag chooses the ONI lag that fits the ENSO-only regression best over
// the training years, and returns that regression.
func bestLag(rec CO2Record, oni Monthly, years []int, n int, truth Annual) (int, []float64, error) {
	best, bestRMS := -1, math.Inf(1)
	var bestB []float64
	for lag := 0; lag <= maxLagMonths; lag++ {
		x, yy := design(rec, oni, years, n, lag, truth, false)
		b, rms, err := fitOLS(x, yy)
		if err == nil && rms < bestRMS {
			best, bestRMS, bestB = lag, rms, b
		}
	}
	if best < 0 {
		return 0, nil, errSingular
	}
	return best, bestB, nil
}

// design builds the regression rows: 1, years since 2000 (the rise of
// emissions), the ONI feature and, when withYTD, the growth so far.
func design(rec CO2Record, oni Monthly, years []int, n, lag int, truth Annual, withYTD bool) ([][]float64, []float64) {
	x := make([][]float64, 0, len(years))
	yy := make([]float64, 0, len(years))
	for _, ty := range years {
		at := grid.Month{Year: ty, Month: time.Month(n)}
		e, _ := ensoFeature(oni, ty, lag, at)
		row := []float64{1, float64(ty - 2000), e}
		if withYTD {
			v, _ := ytdFeature(rec.AveragePPM, ty, n)
			row = append(row, v)
		}
		x = append(x, row)
		yy = append(yy, truth[ty])
	}
	return x, yy
}
