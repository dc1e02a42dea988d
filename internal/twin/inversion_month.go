package twin

import (
	"math"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// invFields is one month of one product on the world's grid, per m² of
// cell, g C m⁻² month⁻¹, positive into the surface (the reader's
// convention; the file writer flips the sign). fire is nil for a product
// without a fire field, whose bio is then the net land flux.
type invFields struct {
	bio, ocean, fire, fossil []float64
}

// invState is one product's error processes and sums over the run.
type invState struct {
	spec        invSpec
	land, ocean *noiseState
	first, last grid.Month // the months written
	errYears    [2]int     // the years of the regional error
	regrid      *grid.Regridder
	sums        map[int]*bandSums // per year: the product's band totals
}

// newInvState prepares product s for the world w; its noise comes from
// streams of its own, so adding inversions changes no other draw.
func newInvState(w *World, s invSpec) (*invState, error) {
	geo := w.geo
	st := &invState{spec: s, sums: map[int]*bandSums{},
		first:    grid.Month{Year: inversionFirstYear(w.opt), Month: 1},
		last:     w.last.Add(-s.latencyMonths),
		errYears: [2]int{w.opt.ToYear - 1, w.opt.ToYear}}
	rg, err := grid.NewRegridder(geo.g, s.native)
	if err != nil {
		return nil, err
	}
	st.regrid = rg
	stream := "inversion/" + s.name
	r := newRand(w.opt.Seed, stream+"/init", 0, 0)
	st.land = newNoiseState(newSmoothBasis(w.opt.Seed, stream+"/land", geo.latDeg, geo.lonDeg), s.rho, r)
	st.ocean = newNoiseState(newSmoothBasis(w.opt.Seed, stream+"/ocean", geo.latDeg, geo.lonDeg), s.rho, r)
	for _, y := range st.errYears {
		for _, mo := range s.regional.of {
			st.spec.regional.Months = append(st.spec.regional.Months, grid.Month{Year: y, Month: mo}.String())
		}
	}
	st.spec.regional.GtCPerMonth = s.regional.GtCPerYear / float64(len(s.regional.of))
	return st, nil
}

// writes reports whether the product has month m.
func (st *invState) writes(m grid.Month) bool { return !m.Before(st.first) && !st.last.Before(m) }

// invTruth is what an inversion of one month starts from, per cell of
// the world's grid: land and ocean fractions, their areas (m²) and the
// flux the atmosphere sees per m² of land (with the fossil prior's error
// reversed in it) and of ocean, with the product's priors per m² of land.
type invTruth struct {
	lf, of, wl, wo         []float64
	land, ocean            []float64
	fossilPrior, firePrior []float64
}

// truth gathers invTruth for month f and product s. What the atmosphere
// sees on land is S_LAND − E_LUC plus the uptake of the carbon rivers carry
// to the ocean (spread evenly over land); an error in the fossil prior
// shows in it with the opposite sign.
func (s invSpec) truth(w *World, f *MonthFields) *invTruth {
	geo := w.geo
	n := geo.g.Cells()
	t := &invTruth{lf: make([]float64, n), of: make([]float64, n), wl: make([]float64, n), wo: make([]float64, n),
		land: make([]float64, n), ocean: make([]float64, n), fossilPrior: make([]float64, n), firePrior: make([]float64, n)}
	var landAreaM2 float64
	for i := range n {
		t.lf[i] = float64(geo.land[i])
		t.of[i] = 1 - t.lf[i]
		a := geo.areaM2[i/geo.g.NLon]
		t.wl[i], t.wo[i] = a*t.lf[i], a*t.of[i]
		landAreaM2 += t.wl[i]
	}
	riverPerLandM2 := f.Budget.River * 1e15 / landAreaM2
	for i := range n {
		if t.lf[i] > 0 {
			fossil := finite(f.Fossil[i])
			t.fossilPrior[i] = s.fossilPriorFactor * fossil
			t.firePrior[i] = float64(w.land.fireClim[f.Month.Month-1][i])
			t.land[i] = finite(f.NBP[i]) - finite(f.ELUC[i]) + riverPerLandM2 + t.fossilPrior[i] - fossil
		}
		if t.of[i] > 0 {
			t.ocean[i] = finite(f.FgCO2[i])
		}
	}
	return t
}

// month computes the product's month from the truth f.
func (st *invState) month(w *World, f *MonthFields) *invFields {
	s, g := st.spec, w.geo.g
	r := newRand(w.opt.Seed, "inversion/"+s.name, f.Month.Year, int(f.Month.Month))
	st.land.step(r)
	st.ocean.step(r)
	t := s.truth(w, f)
	h := max(1, int(math.Round(s.smoothDeg/2/g.DLat)))
	landS, oceanS := boxSmooth(g, t.land, t.wl, h), boxSmooth(g, t.ocean, t.wo, h)
	nl, no := st.noise(w.geo, t.wl, t.wo)
	reg := st.regionalPerLandM2(w.geo, f.Month, t.wl)
	n := g.Cells()
	out := &invFields{bio: make([]float64, n), ocean: make([]float64, n), fossil: make([]float64, n)}
	if s.hasFire {
		out.fire = make([]float64, n)
	}
	for i := range n {
		bio := t.lf[i] * (landS[i] + nl[i] + reg[i])
		ocean := t.of[i] * (oceanS[i] + no[i])
		// Near coasts part of the land flux is booked as ocean flux.
		shift := s.coastShare * bio * 2 * math.Min(t.lf[i], t.of[i])
		out.bio[i], out.ocean[i] = bio-shift, ocean+shift
		out.fossil[i] = -t.lf[i] * t.fossilPrior[i]
		if out.fire != nil {
			// The optimised biosphere is the net land flux less the
			// imposed fire: the fire prior's error is in it, reversed.
			out.fire[i] = -t.lf[i] * t.firePrior[i]
			out.bio[i] -= out.fire[i]
		}
	}
	return out
}

// noise returns the month's correlated land and ocean errors per m² of
// land and ocean, with their global total removed: the atmosphere pins
// the global flux, the inversion misplaces it.
func (st *invState) noise(geo *geography, wl, wo []float64) (nl, no []float64) {
	g, s := geo.g, st.spec
	n := g.Cells()
	nl, no = make([]float64, n), make([]float64, n)
	var wts [noiseTerms]float32
	var total, area float64
	for r := range g.NLat {
		lat := geo.latDeg[r]
		sl, so := s.landSigma*sparseLand(lat), s.oceanSigma*sparseOcean(lat)
		st.land.rowWeights(r, &wts)
		for c := range g.NLon {
			nl[r*g.NLon+c] = sl * float64(st.land.at(&wts, c))
		}
		st.ocean.rowWeights(r, &wts)
		for c := range g.NLon {
			i := r*g.NLon + c
			no[i] = so * float64(st.ocean.at(&wts, c))
			total += wl[i]*nl[i] + wo[i]*no[i]
			area += wl[i] + wo[i]
		}
	}
	mean := total / area
	for i := range nl {
		nl[i] -= mean
		no[i] -= mean
	}
	return nl, no
}

// regionalPerLandM2 is the deliberate regional error of month m per m² of
// land (0 outside its band and months).
func (st *invState) regionalPerLandM2(geo *geography, m grid.Month, wl []float64) []float64 {
	g, e := geo.g, st.spec.regional
	out := make([]float64, g.Cells())
	if m.Year != st.errYears[0] && m.Year != st.errYears[1] {
		return out
	}
	hit := false
	for _, mo := range e.of {
		hit = hit || mo == m.Month
	}
	if !hit {
		return out
	}
	in := func(r int) bool { return geo.latDeg[r] >= e.LatMin && geo.latDeg[r] < e.LatMax }
	var areaM2 float64
	for i := range wl {
		if in(i / g.NLon) {
			areaM2 += wl[i]
		}
	}
	perM2 := e.GtCPerYear / float64(len(e.of)) * 1e15 / areaM2
	for i := range out {
		if in(i/g.NLon) && wl[i] > 0 {
			out[i] = perM2
		}
	}
	return out
}

func finite(x float32) float64 {
	if x != x {
		return 0
	}
	return float64(x)
}
