package twin

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// newRand returns a generator for one purpose (stream) and one slot (a, b:
// usually year and month). Every random draw of the world comes from such a
// generator, so results do not depend on the order in which months, cells
// or goroutines run, and the same seed gives the same world.
func newRand(seed uint64, stream string, a, b int) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(stream))
	return rand.New(rand.NewPCG(seed^h.Sum64(), uint64(a)<<32|uint64(uint32(b))))
}

// noiseTerms is the number of separable waves summed into a smooth field.
const noiseTerms = 24

// smoothBasis holds separable waves cos(m·λ+α)·cos(n·θ+β) on the grid:
// rows[j][r] and cols[j][c] with the product over cells of unit mean
// square. Sums of them with random coefficients are smooth random fields
// with scales of a few thousand kilometres, like monthly weather
// anomalies, and cost noiseTerms multiply-adds per cell.
type smoothBasis struct {
	rows [noiseTerms][]float32
	cols [noiseTerms][]float32
}

func newSmoothBasis(seed uint64, stream string, latDeg, lonDeg []float64) *smoothBasis {
	r := newRand(seed, "basis/"+stream, 0, 0)
	b := &smoothBasis{}
	for j := range noiseTerms {
		m := float64(1 + r.IntN(7))
		n := float64(1 + r.IntN(9))
		alpha, beta := 2*math.Pi*r.Float64(), 2*math.Pi*r.Float64()
		b.rows[j] = make([]float32, len(latDeg))
		for i, lat := range latDeg {
			theta := (lat + 90) * math.Pi / 180
			b.rows[j][i] = float32(math.Sqrt2 * math.Cos(n*theta+beta))
		}
		b.cols[j] = make([]float32, len(lonDeg))
		for i, lon := range lonDeg {
			b.cols[j][i] = float32(math.Sqrt2 * math.Cos(m*lon*math.Pi/180+alpha))
		}
	}
	return b
}

// noiseState is an AR(1) process in the coefficients of a smooth field:
// coef' = ρ·coef + √(1−ρ²)·ε, so each coefficient, and the field at each
// cell, keeps unit variance and lag-one autocorrelation ρ.
type noiseState struct {
	basis *smoothBasis
	rho   float64
	coef  [noiseTerms]float64
}

func newNoiseState(b *smoothBasis, rho float64, r *rand.Rand) *noiseState {
	s := &noiseState{basis: b, rho: rho}
	for j := range s.coef {
		s.coef[j] = r.NormFloat64()
	}
	return s
}

// step advances the process one month.
func (s *noiseState) step(r *rand.Rand) {
	k := math.Sqrt(1 - s.rho*s.rho)
	for j := range s.coef {
		s.coef[j] = s.rho*s.coef[j] + k*r.NormFloat64()
	}
}

// rowWeights returns the coefficients times the row part of row r, scaled
// so the field has unit variance: the per-row half of the evaluation.
func (s *noiseState) rowWeights(r int, dst *[noiseTerms]float32) {
	scale := 1 / math.Sqrt(noiseTerms)
	for j := range dst {
		dst[j] = float32(s.coef[j]*scale) * s.basis.rows[j][r]
	}
}

// at evaluates the field at column c from the row weights w.
func (s *noiseState) at(w *[noiseTerms]float32, c int) float32 {
	var v float32
	for j := range w {
		v += w[j] * s.basis.cols[j][c]
	}
	return v
}
