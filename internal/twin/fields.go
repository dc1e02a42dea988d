package twin

import (
	"math"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// MonthFields is one simulated month: the drivers the pipeline's files
// carry and the true fluxes it must recover. Values are per cell of Grid
// (row 0 north, column 0 at 180°W), NaN where undefined.
//
// Area convention (the pipeline's): land fluxes are per m² of the cell's
// land and NaN where it has none; ocean fields are per m² of its ocean and
// NaN where it has none. Every flux is in g C m⁻² per month, positive in
// the GCB direction named in its comment.
type MonthFields struct {
	Month grid.Month
	Grid  grid.Grid

	T2mC           []float32 // 2 m air temperature
	PrecipMmPerDay []float32 // precipitation, mean rate over the month
	SsrdWPerM2     []float32 // surface solar radiation downwards, monthly mean
	Si10MPerS      []float32 // 10 m wind speed, monthly mean of the speed
	MslHPa         []float32 // mean sea-level pressure
	Swvl1          []float32 // top-layer soil moisture, m³ m⁻³ (land)
	NDVI           []float32 // normalised difference vegetation index (land)
	SstC           []float32 // sea-surface temperature (ocean)
	Siconc         []float32 // sea-ice fraction 0..1 (ocean)
	MldM           []float32 // mixed-layer depth (ocean)
	SalinityPSU    []float32 // sea-surface salinity (ocean)
	ChlMgPerM3     []float32 // chlorophyll (ocean; NaN under ice and in polar night)

	GPP      []float32        // true gross primary production, into land
	NBP      []float32        // true natural land flux (S_LAND per cell), into land
	Fire     []float32        // true fire carbon emissions, to the atmosphere
	ELUC     []float32        // true land-use change emissions, to the atmosphere
	Fossil   []float32        // true fossil emissions (international aviation excluded), to the atmosphere
	NBPModel [nDGVM][]float32 // each DGVM's S2 NBP (DGVMNames order), into land

	PCO2SeaUatm []float32        // true surface-ocean pCO2 (what ships measure, as pCO2)
	FCO2SeaUatm []float32        // the same as fugacity
	PCO2AirUatm []float32        // pCO2 of air at the sea surface
	FgCO2       []float32        // true contemporary sea-air flux, into the ocean
	OceanSink   []float32        // true S_OCEAN per cell: FgCO2 plus the river-carbon outgassing
	FgCO2Model  [nGOBM][]float32 // each GOBM's flux (GOBMNames order), into the ocean

	Budget MonthBudget
}

// MonthBudget is the true global budget of one month in GtC per month,
// every term positive in the GCB direction (science.md section 1). In the
// twin world the budget closes exactly: BIm is 0.
type MonthBudget struct {
	Month                  grid.Month
	EFos                   float64 // fossil emissions excluding carbonation, incl. international aviation
	ELUC                   float64
	GAtm                   float64 // growth of atmospheric carbon over the month
	SOcean                 float64
	SLand                  float64
	SCement                float64
	BIm                    float64
	Fire                   float64 // part of S_LAND (already subtracted in it)
	GPP                    float64
	FgCO2                  float64 // contemporary ocean uptake: SOcean − RiverOutgassing
	River                  float64 // outgassing of river-borne carbon (taken up on land, not in S_LAND)
	DGVM                   [nDGVM]float64
	GOBM                   [nGOBM]float64
	CO2StartPPM, CO2EndPPM float64 // global-mean CO2 at the start and end of the month
}

func newMonthFields(g grid.Grid, m grid.Month) *MonthFields {
	n := g.Cells()
	f := &MonthFields{Month: m, Grid: g}
	for _, p := range f.all() {
		*p = make([]float32, n)
	}
	return f
}

func (f *MonthFields) all() []*[]float32 {
	out := []*[]float32{&f.T2mC, &f.PrecipMmPerDay, &f.SsrdWPerM2, &f.Si10MPerS, &f.MslHPa, &f.Swvl1,
		&f.NDVI, &f.SstC, &f.Siconc, &f.MldM, &f.SalinityPSU, &f.ChlMgPerM3, &f.GPP, &f.NBP, &f.Fire,
		&f.ELUC, &f.Fossil, &f.PCO2SeaUatm, &f.FCO2SeaUatm, &f.PCO2AirUatm, &f.FgCO2, &f.OceanSink}
	for j := range f.NBPModel {
		out = append(out, &f.NBPModel[j])
	}
	for j := range f.FgCO2Model {
		out = append(out, &f.FgCO2Model[j])
	}
	return out
}

var nan32 = float32(math.NaN())

// sums are global totals of one chunk of rows, GtC per month, and the
// calibration sums of the climatology run.
type sums struct {
	nbp, gpp, fire, oceanSink, fgco2, river float64
	dgvm                                    [nDGVM]float64
	gobm                                    [nGOBM]float64
	natFlux, natWeight                      [nOceanSets]float64
	vent                                    float64
}

func (s *sums) add(o *sums) {
	s.nbp += o.nbp
	s.gpp += o.gpp
	s.fire += o.fire
	s.oceanSink += o.oceanSink
	s.fgco2 += o.fgco2
	s.river += o.river
	for j := range s.dgvm {
		s.dgvm[j] += o.dgvm[j]
	}
	for j := range s.gobm {
		s.gobm[j] += o.gobm[j]
	}
	for j := range s.natFlux {
		s.natFlux[j] += o.natFlux[j]
		s.natWeight[j] += o.natWeight[j]
	}
	s.vent += o.vent
}
