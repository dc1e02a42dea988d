package emulator

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Units shared by the ocean and land stages. They live here, not in
// internal/grid, because they are the units of the emulators' carbon-flux
// targets: grid holds geometry and knows nothing of carbon.
const (
	// GramsPerGt converts g C to GtC (1 GtC = 1e15 g C, science.md §1).
	GramsPerGt = 1e15
	// FluxUnits are the units of a monthly carbon flux per m² of the
	// cell's ocean or land: the GOBM and DGVM targets, the stages' fields.
	FluxUnits = "g C m-2 month-1"
	// XCO2Units are the cube's units of atmospheric CO2 (µmol mol⁻¹, ppm),
	// as ingest/cube spells them.
	XCO2Units = "1e-6"
)

// MeanSD returns the mean of x and the unweighted sample standard
// deviation of x (0 with fewer than two values). With weights the mean is
// Σ weights[i]·x[i]; with nil weights it is Σx / n. The sums run in the
// order of x, so a stage's totals do not depend on how it calls this.
func MeanSD(x, weights []float64) (mean, sd float64) {
	var sum float64
	for i, v := range x {
		if weights != nil {
			mean += weights[i] * v
		}
		sum += v
	}
	avg := sum / float64(len(x))
	if weights == nil {
		mean = avg
	}
	if len(x) < 2 {
		return mean, 0
	}
	var ss float64
	for _, v := range x {
		ss += (v - avg) * (v - avg)
	}
	return mean, math.Sqrt(ss / float64(len(x)-1))
}

// CellMeanSD returns, per cell, the ensemble mean of the member fields and
// their unweighted sample standard deviation (0 with one value).
//
// With weights (one per member) every member must cover the cell: the
// mean is the weighted one and a cell where any member is NaN is NaN
// (the ocean's members all predict every ocean cell). With nil weights a
// cell's mean and spread are over the members with a value there, NaN
// where none has (a land member predicts only where its DGVM had output).
func CellMeanSD(fields [][]float32, weights []float64) (mean, sd []float32) {
	n := len(fields[0])
	mean, sd = make([]float32, n), make([]float32, n)
	nan := float32(math.NaN())
	x := make([]float64, 0, len(fields))
	for i := 0; i < n; i++ {
		x = x[:0]
		for _, f := range fields {
			if v := f[i]; v == v || weights != nil {
				x = append(x, float64(v))
			}
		}
		m, s := math.NaN(), math.NaN()
		if len(x) > 0 {
			m, s = MeanSD(x, weights)
		}
		if m != m || s != s {
			mean[i], sd[i] = nan, nan
			continue
		}
		mean[i], sd[i] = float32(m), float32(s)
	}
	return mean, sd
}

// SelectMembers returns the members keep accepts, in order, or an error
// when it accepts none.
func SelectMembers[M any](all []M, keep func(M) bool) ([]M, error) {
	var out []M
	for _, m := range all {
		if keep(m) {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("options leave no member to run")
	}
	return out, nil
}

// CheckedField fetches field name of month m and checks its units and
// grid.
func CheckedField(c Cubes, m grid.Month, name, units string, g grid.Grid) (*grid.Field, error) {
	f, err := c.Field(m, name)
	if err != nil {
		return nil, err
	}
	if err := f.Expect(units, g); err != nil {
		return nil, fmt.Errorf("%s, %s: %w", name, m, err)
	}
	return f, nil
}

// AppendMissing adds source to a list of missing late sources unless it
// is there already.
func AppendMissing(list []string, source string) []string {
	if slices.Contains(list, source) {
		return list
	}
	return append(list, source)
}
