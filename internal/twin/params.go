package twin

// Model variants. Index 0 of each parameter table is the truth, the
// others are the "models" whose files the pipeline reads; their names are
// those of the default configuration (internal/config/default.yaml).
var (
	DGVMNames = [nDGVM]string{"TWIN-LPJ", "TWIN-ORCH", "TWIN-JULES"}
	GOBMNames = [nGOBM]string{"TWIN-NEMO", "TWIN-MOM", "TWIN-MPI"}
)

const (
	nDGVM = 3
	nGOBM = 3
	// nLandSets and nOceanSets count the truth plus the models.
	nLandSets  = 1 + nDGVM
	nOceanSets = 1 + nGOBM
)

// landParams are the knobs in which real DGVMs differ most (Sitch et al.
// 2015, Biogeosciences 12, 653): light-use efficiency, temperature
// sensitivity of decomposition, water-stress sensitivity and CO2
// fertilisation, plus how fast soil respiration follows productivity.
type landParams struct {
	lueGCPerMJ   float64 // GPP per MJ of absorbed PAR
	q10          float64 // heterotrophic respiration per 10 °C
	waterExp     float64 // exponent of the soil-moisture limit on GPP
	beta         float64 // GPP ∝ 1 + β·ln(CO2/280 ppm)
	lagYears     float64 // e-folding time of respiration following CO2-driven productivity
	acclimation  float64 // share of the warming trend respiration acclimates to
	fireFactor   float64 // model's climatological fire relative to the truth's
	droughtDeath bool    // tree mortality in extreme drought (the truth only)
}

// landSets: [0] truth, then DGVMNames in order. The truth sits inside the
// model spread in each parameter but is not their mean, and only it kills
// trees in extreme drought: real models underestimate drought losses
// (Ke et al. 2024), a structured error the emulated ensemble inherits.
var landSets = [nLandSets]landParams{
	{lueGCPerMJ: 1.8, q10: 1.9, waterExp: 1.1, beta: 0.66, lagYears: 14, acclimation: 0.80, fireFactor: 1.00, droughtDeath: true},
	{lueGCPerMJ: 2.0, q10: 2.0, waterExp: 0.8, beta: 0.72, lagYears: 12, acclimation: 0.85, fireFactor: 0.90},
	{lueGCPerMJ: 1.65, q10: 1.7, waterExp: 1.4, beta: 0.58, lagYears: 16, acclimation: 0.75, fireFactor: 1.15},
	{lueGCPerMJ: 1.85, q10: 2.2, waterExp: 0.7, beta: 0.76, lagYears: 13, acclimation: 0.90, fireFactor: 0.85},
}

// oceanParams are where ocean models differ: how far the surface ocean lags
// the atmosphere (ventilation), regional biases of the mean state, the
// ENSO response of upwelling and the gas-transfer coefficient.
type oceanParams struct {
	kappaFactor float64 // disequilibrium relative to the truth
	biasUatm    float64 // amplitude of a smooth bias pattern in pCO2
	ensoUatm    float64 // pCO2 drop in the upwelling core per °C of ONI
	kFactor     float64 // gas-transfer coefficient relative to Wanninkhof 2014
	ownNoise    float64 // share of pCO2 weather of its own (models' internal variability)
}

// oceanSets: [0] truth, then GOBMNames in order. The models' mean sink is
// a little below the truth's, as the GCB's GOBM mean sits below the
// fCO2 products.
var oceanSets = [nOceanSets]oceanParams{
	{kappaFactor: 1, biasUatm: 0, ensoUatm: 32, kFactor: 1, ownNoise: 0},
	{kappaFactor: 0.88, biasUatm: 8, ensoUatm: 24, kFactor: 1.00, ownNoise: 0.6},
	{kappaFactor: 0.95, biasUatm: 6, ensoUatm: 38, kFactor: 0.95, ownNoise: 0.5},
	{kappaFactor: 1.05, biasUatm: 7, ensoUatm: 30, kFactor: 1.06, ownNoise: 0.6},
}
