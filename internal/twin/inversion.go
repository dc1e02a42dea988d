package twin

import (
	"math"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// The twin's atmospheric inversions. A real inversion sees the total
// surface flux through the atmosphere's CO₂ and attributes it to land and
// ocean on top of imposed fossil and fire priors, so it errs in known
// ways (Peylin et al. 2013, Biogeosciences 10, 6699; Friedlingstein et al.
// 2025 on the GCB inversion ensemble): fluxes are smooth on the scale of
// the transport model and the observing network; regional errors are
// spatially correlated and largest where observations are sparse (the
// tropics, the Southern Ocean); flux near coasts is split between land and
// ocean wrongly; and whatever the fossil prior gets wrong leaks, with the
// opposite sign, into the optimised land flux. Each product below errs
// in all these ways, plus one deliberate regional error recorded in
// truth/inversions.json so a validation can check that it is found.

// invSpec is one twin inversion product.
type invSpec struct {
	name, layout string
	native       grid.Grid // the grid its files are written on
	// smoothDeg is the effective resolution: the truth is averaged over a
	// box of this width before errors are added.
	smoothDeg float64
	// landSigma and oceanSigma are the base standard deviations of the
	// correlated monthly error, g C m⁻² month⁻¹ per m² of land or ocean,
	// before the sparse-network factor.
	landSigma, oceanSigma float64
	rho                   float64 // month-to-month autocorrelation of the error
	// coastShare is the fraction of a coastal cell's land flux the
	// inversion books as ocean flux (weighted by how coastal the cell is).
	coastShare float64
	// fossilPriorFactor is the imposed fossil flux over the truth's; the
	// fire prior is the truth's fire climatology, without extreme years.
	fossilPriorFactor float64
	hasFire           bool // a separate imposed fire field (CarbonTracker)
	latencyMonths     int  // the last months the product has not published
	regional          regionalError
}

// regionalError is a deliberate error on the land flux of a latitude band
// in some months of the last two simulated years.
type regionalError struct {
	Region string       `json:"region"`
	LatMin float64      `json:"lat_min"`
	LatMax float64      `json:"lat_max"`
	Domain string       `json:"domain"`
	Months []string     `json:"months"`
	of     []time.Month // months of the year affected
	// GtCPerYear is the error's annual total, into the surface (negative:
	// a weaker sink than the truth), spread evenly over the affected
	// months of a year and per m² of land over the band.
	GtCPerYear  float64 `json:"gtc_per_year"`
	GtCPerMonth float64 `json:"gtc_per_affected_month"`
}

// camsGrid is the CAMS inversion's transport-model grid: 96 rows of
// 1.875° by 96 columns of 3.75°, cell centres from 180°W (LMDz;
// docs/real-data.md).
var camsGrid = grid.Grid{West: -181.875, North: 90, DLon: 3.75, DLat: 1.875, NLon: 96, NLat: 96}

// InversionNames are the twin's inversion products, in order.
var InversionNames = []string{"CT-NRT", "CAMS"}

func inversionSpecs() []invSpec {
	summer := []time.Month{time.May, time.June, time.July, time.August, time.September}
	all := []time.Month{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	return []invSpec{
		{name: "CT-NRT", layout: "carbontracker", native: grid.Global(1), smoothDeg: 4,
			landSigma: 1.0, oceanSigma: 0.25, rho: 0.7, coastShare: 0.15,
			fossilPriorFactor: 1.02, hasFire: true, latencyMonths: 4,
			// CT-NRT: a weaker northern extratropical summer land sink.
			regional: regionalError{Region: "north", LatMin: 30, LatMax: 90, Domain: "land", of: summer, GtCPerYear: -0.4}},
		{name: "CAMS", layout: "cams", native: camsGrid, smoothDeg: 8,
			landSigma: 1.3, oceanSigma: 0.35, rho: 0.8, coastShare: 0.25,
			fossilPriorFactor: 0.985, latencyMonths: 8,
			// CAMS: a stronger tropical land sink all year.
			regional: regionalError{Region: "tropics", LatMin: -30, LatMax: 30, Domain: "land", of: all, GtCPerYear: 0.5}},
	}
}

// inversionFirstYear is the first year the products are written: the
// configured baseline's start (as configYAML chooses it), so the default
// world's demo stays small.
func inversionFirstYear(opt Options) int {
	from, _ := baselineYears(opt)
	return from
}

// sparseLand and sparseOcean scale the error by how thin the observing
// network is at a latitude: about 2.5× in the tropics, 1.5–2.5× in the
// southern extratropics, 1× in the well-observed north.
func sparseLand(latDeg float64) float64 {
	return 1 + 1.5*math.Exp(-sq(latDeg/15)) + 0.5*smoothStep(-latDeg, 25, 40)
}

func sparseOcean(latDeg float64) float64 {
	return 1 + 1.0*math.Exp(-sq(latDeg/15)) + 1.5*smoothStep(-latDeg, 35, 50)
}

// smoothStep rises from 0 at x = a to 1 at x = b.
func smoothStep(x, a, b float64) float64 {
	t := math.Max(0, math.Min(1, (x-a)/(b-a)))
	return t * t * (3 - 2*t)
}

// boxSmooth averages v over a box of 2h+1 rows and columns (columns wrap
// round the globe), weighted by weight; cells whose box has no weight are
// 0. Running sums keep it O(cells) whatever the box size.
func boxSmooth(g grid.Grid, v, weight []float64, h int) []float64 {
	num := make([]float64, len(v))
	den := make([]float64, len(v))
	for i := range v {
		num[i], den[i] = v[i]*weight[i], weight[i]
	}
	num, den = boxCols(g, num, h), boxCols(g, den, h)
	num, den = boxRows(g, num, h), boxRows(g, den, h)
	out := make([]float64, len(v))
	for i := range out {
		if den[i] > 0 {
			out[i] = num[i] / den[i]
		}
	}
	return out
}

func boxCols(g grid.Grid, v []float64, h int) []float64 {
	out := make([]float64, len(v))
	h = min(h, (g.NLon-1)/2)
	for r := range g.NLat {
		row := v[r*g.NLon : (r+1)*g.NLon]
		var s float64
		for k := -h; k <= h; k++ {
			s += row[(k+g.NLon)%g.NLon]
		}
		for c := range g.NLon {
			out[r*g.NLon+c] = s
			s += row[(c+h+1)%g.NLon] - row[(c-h+g.NLon)%g.NLon]
		}
	}
	return out
}

func boxRows(g grid.Grid, v []float64, h int) []float64 {
	out := make([]float64, len(v))
	for c := range g.NLon {
		var s float64
		for r := 0; r <= min(h, g.NLat-1); r++ {
			s += v[r*g.NLon+c]
		}
		for r := range g.NLat {
			out[r*g.NLon+c] = s
			if add := r + h + 1; add < g.NLat {
				s += v[add*g.NLon+c]
			}
			if drop := r - h; drop >= 0 {
				s -= v[drop*g.NLon+c]
			}
		}
	}
	return out
}
