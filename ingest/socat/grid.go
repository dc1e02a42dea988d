package socat

import (
	"math"
	"sort"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Gridded is one month of ship fCO2 on a grid, in the manner of SOCAT's
// gridded product: per cell, the plain mean of every observation and the
// mean of the per-cruise means, with the counts behind them. Cells without
// observations are NaN in the means and 0 in the counts.
//
// Use FCO2CruiseMeanUatm to train a reconstruction. A ship's underway
// system logs every minute or so, so one cruise crossing a cell can bring
// hundreds of values while a cell visited by three cruises brings three
// independent samples; the plain mean lets the one long crossing decide,
// the cruise mean weighs each visit once. SOCAT's gridded product offers
// both (its "weighted" field being the cruise-weighted one) for that reason.
type Gridded struct {
	Month              grid.Month
	FCO2Uatm           *grid.Field // mean of all observations, µatm
	FCO2CruiseMeanUatm *grid.Field // mean of per-cruise means, µatm
	Count              *grid.Field // observations in the cell
	Cruises            *grid.Field // distinct cruises in the cell
	// Used is the number of observations within the month and the grid.
	Used int
}

// cellCruise keys the observations of one cruise in one cell.
type cellCruise struct {
	cell     int
	expocode string
}

// sum accumulates fCO2 values.
type sum struct {
	uatm float64
	n    int
}

// Grid averages the observations of month m (by time, UTC) onto g.
// Observations of other months, or outside a regional grid, are left out.
func Grid(obs []Obs, g grid.Grid, m grid.Month) *Gridded {
	perCruise := map[cellCruise]*sum{}
	start, end := m.Start(), m.End()
	out := &Gridded{Month: m}
	for _, o := range obs {
		if o.Time.Before(start) || !o.Time.Before(end) || math.IsNaN(o.FCO2RecUatm) {
			continue
		}
		cell, ok := g.Locate(o.LatDeg, o.LonDeg)
		if !ok {
			continue
		}
		k := cellCruise{cell, o.Expocode}
		s := perCruise[k]
		if s == nil {
			s = &sum{}
			perCruise[k] = s
		}
		s.uatm += o.FCO2RecUatm
		s.n++
		out.Used++
	}
	out.fill(g, perCruise)
	return out
}

// fill turns per-cell, per-cruise sums into the four fields.
func (gd *Gridded) fill(g grid.Grid, perCruise map[cellCruise]*sum) {
	type acc struct {
		all         sum
		cruiseMeans float64
		cruises     int
	}
	cells := map[int]*acc{}
	for _, k := range sortedKeys(perCruise) {
		s := perCruise[k]
		a := cells[k.cell]
		if a == nil {
			a = &acc{}
			cells[k.cell] = a
		}
		a.all.uatm += s.uatm
		a.all.n += s.n
		a.cruiseMeans += s.uatm / float64(s.n)
		a.cruises++
	}
	gd.FCO2Uatm = grid.NewField(g, "fco2_ship_mean", "uatm")
	gd.FCO2CruiseMeanUatm = grid.NewField(g, "fco2_ship_cruise_mean", "uatm")
	gd.Count = zeroField(g, "fco2_ship_count", "1")
	gd.Cruises = zeroField(g, "fco2_ship_cruises", "1")
	for cell, a := range cells {
		gd.FCO2Uatm.Values[cell] = float32(a.all.uatm / float64(a.all.n))
		gd.FCO2CruiseMeanUatm.Values[cell] = float32(a.cruiseMeans / float64(a.cruises))
		gd.Count.Values[cell] = float32(a.all.n)
		gd.Cruises.Values[cell] = float32(a.cruises)
	}
}

// sortedKeys orders the sums by cell and cruise: summing in map order
// would make the float sums, and so the published fields, differ from run
// to run in the last bit.
func sortedKeys(perCruise map[cellCruise]*sum) []cellCruise {
	keys := make([]cellCruise, 0, len(perCruise))
	for k := range perCruise {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].cell != keys[j].cell {
			return keys[i].cell < keys[j].cell
		}
		return keys[i].expocode < keys[j].expocode
	})
	return keys
}

func zeroField(g grid.Grid, name, units string) *grid.Field {
	return &grid.Field{Name: name, Units: units, Grid: g, Values: make([]float32, g.Cells())}
}
