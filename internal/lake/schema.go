package lake

import (
	"encoding/json"
	"fmt"
)

// Term is one budget term for a period, positive in its own direction.
type Term struct {
	GtC         float64 `json:"gtc"`
	SigmaGtC    float64 `json:"sigma_gtc"`
	Provisional bool    `json:"provisional"`
	// Maturity is observed, emulated, provisional or projected
	// (maturity.go); WriteMonth states it.
	Maturity string `json:"maturity,omitempty"`
}

// Terms are the independent terms of the identity; B_IM follows from them.
type Terms struct {
	EFos    Term `json:"e_fos"`    // fossil CO2 excluding cement carbonation
	ELUC    Term `json:"e_luc"`    // land-use change
	GAtm    Term `json:"g_atm"`    // atmospheric growth
	SOcean  Term `json:"s_ocean"`  // ocean sink
	SLand   Term `json:"s_land"`   // natural land sink (DGVM S2 definition)
	SCement Term `json:"s_cement"` // cement carbonation sink
}

// Budget is the closed budget of one period.
type Budget struct {
	Period string `json:"period"` // "2023-12", "2023" or "2023-07/2024-06"
	Terms
	BIm Term `json:"b_im"`
	// LandResidual is the land sink implied by the atmosphere (top-down):
	// E_FOS + E_LUC − G_ATM − S_OCEAN − S_CEMENT, beside the bottom-up SLand.
	LandResidual Term `json:"land_residual"`
	// NetLand is the bottom-up net land flux into land, S_LAND − E_LUC,
	// which is what atmospheric inversions compare to.
	NetLand Term `json:"net_land"`
	// TopDown is what the atmospheric inversion products say of the
	// period; nil when none is configured or none has the period yet.
	TopDown *TopDown `json:"top_down,omitempty"`
}

// TopDown is the atmospheric inversions' view of a period (science.md
// section 5): the net land flux into land (optimised biosphere plus fire,
// which approximates S_LAND − E_LUC) and the ocean flux into the ocean,
// adjusted for the pre-industrial river flux the way the Global Carbon
// Budget compares them (inversions see river carbon taken up on land and
// outgassed at sea: land − river, ocean + river), as the mean of the
// products with the products' spread as 1σ (the river flux's own
// uncertainty added in quadrature).
type TopDown struct {
	Products []string `json:"products"`
	// Missing are configured products without this period (they arrive
	// months late).
	Missing []string `json:"missing,omitempty"`
	// NetLand compares with Budget.NetLand; Ocean with S_OCEAN.
	NetLand Term `json:"net_land"`
	Ocean   Term `json:"ocean"`
	// NetLandByProduct and OceanByProduct are each product's value, with
	// the river adjustment.
	NetLandByProduct   map[string]float64 `json:"net_land_by_product_gtc"`
	OceanByProduct     map[string]float64 `json:"ocean_by_product_gtc"`
	RiverAdjustmentGtC float64            `json:"river_adjustment_gtc"`
}

// MonthRecord is what one published month keeps for the tables: its budget
// and the de-seasonalised atmospheric growth that the annual G_ATM sums.
type MonthRecord struct {
	Budget                Budget             `json:"budget"`
	GAtmDeseasonalisedGtC float64            `json:"g_atm_deseasonalised_gtc"`
	OceanMembers          map[string]float64 `json:"ocean_members_gtc,omitempty"`
	LandMembers           map[string]float64 `json:"land_members_gtc,omitempty"`
	Regional              []RegionRow        `json:"regional"`
	// FossilNational are the month's national and sectoral fossil
	// emissions as the source gives them; FossilBunkersGtC is
	// international aviation, which E_FOS includes but the grid does not.
	FossilNational   []NationalRow `json:"fossil_national,omitempty"`
	FossilBunkersGtC float64       `json:"fossil_bunkers_gtc"`
	// NOAAGrowth is NOAA's own annual growth rate of the month's year
	// (the co2_growth source), nil when not configured or not published.
	NOAAGrowth *NOAAGrowth `json:"noaa_growth,omitempty"`
	// Disagreements are the regions where bottom-up and top-down
	// anomalies of the month differ by more than their combined σ
	// (budget.Agreement); empty when they agree or cannot be compared.
	Disagreements []AgreementRow `json:"disagreements,omitempty"`
	// Findings are what was unusual in the month (budget.Findings) against
	// the months published before it; empty without a baseline.
	Findings []Finding `json:"findings,omitempty"`
}

// NOAAGrowth is NOAA's published annual increase of the global mean CO2
// for a year, ppm per year with its 1σ (NaN-free: 0 when the file gives
// none, with HasUnc false), and the file's vintage.
type NOAAGrowth struct {
	Year          int     `json:"year"`
	PPMPerYear    float64 `json:"ppm_per_year"`
	UncPPMPerYear float64 `json:"unc_ppm_per_year"`
	HasUnc        bool    `json:"has_unc"`
	Vintage       string  `json:"vintage,omitempty"`
}

// Row is one line of budget_monthly or budget_annual: every term with its
// 1σ and its anomaly against the baseline (NaN when the baseline is not
// complete). Values are GtC per month (monthly) or per year (annual).
type Row struct {
	Period string `parquet:"period" json:"period"`
	// Window is "month", "calendar-year" or "july-june".
	Window         string  `parquet:"window" json:"window"`
	EFos           float64 `parquet:"e_fos_gtc" json:"e_fos_gtc"`
	EFosSigma      float64 `parquet:"e_fos_sigma_gtc" json:"e_fos_sigma_gtc"`
	ELUC           float64 `parquet:"e_luc_gtc" json:"e_luc_gtc"`
	ELUCSigma      float64 `parquet:"e_luc_sigma_gtc" json:"e_luc_sigma_gtc"`
	GAtm           float64 `parquet:"g_atm_gtc" json:"g_atm_gtc"`
	GAtmSigma      float64 `parquet:"g_atm_sigma_gtc" json:"g_atm_sigma_gtc"`
	SOcean         float64 `parquet:"s_ocean_gtc" json:"s_ocean_gtc"`
	SOceanSigma    float64 `parquet:"s_ocean_sigma_gtc" json:"s_ocean_sigma_gtc"`
	SLand          float64 `parquet:"s_land_gtc" json:"s_land_gtc"`
	SLandSigma     float64 `parquet:"s_land_sigma_gtc" json:"s_land_sigma_gtc"`
	SCement        float64 `parquet:"s_cement_gtc" json:"s_cement_gtc"`
	BIm            float64 `parquet:"b_im_gtc" json:"b_im_gtc"`
	BImSigma       float64 `parquet:"b_im_sigma_gtc" json:"b_im_sigma_gtc"`
	LandResidual   float64 `parquet:"land_residual_gtc" json:"land_residual_gtc"`
	NetLand        float64 `parquet:"net_land_gtc" json:"net_land_gtc"`
	EFosAnomaly    float64 `parquet:"e_fos_anomaly_gtc" json:"e_fos_anomaly_gtc"`
	GAtmAnomaly    float64 `parquet:"g_atm_anomaly_gtc" json:"g_atm_anomaly_gtc"`
	SOceanAnomaly  float64 `parquet:"s_ocean_anomaly_gtc" json:"s_ocean_anomaly_gtc"`
	SLandAnomaly   float64 `parquet:"s_land_anomaly_gtc" json:"s_land_anomaly_gtc"`
	NetLandAnomaly float64 `parquet:"net_land_anomaly_gtc" json:"net_land_anomaly_gtc"`
	// The inversions' net land flux and ocean flux (TopDown), NaN when no
	// product covers the whole period; TopDownProducts is how many do.
	NetLandTopDown      float64 `parquet:"net_land_topdown_gtc" json:"net_land_topdown_gtc"`
	NetLandTopDownSigma float64 `parquet:"net_land_topdown_sigma_gtc" json:"net_land_topdown_sigma_gtc"`
	SOceanTopDown       float64 `parquet:"s_ocean_topdown_gtc" json:"s_ocean_topdown_gtc"`
	SOceanTopDownSigma  float64 `parquet:"s_ocean_topdown_sigma_gtc" json:"s_ocean_topdown_sigma_gtc"`
	TopDownProducts     int     `parquet:"topdown_products" json:"topdown_products"`
	// GAtmNOAA is NOAA's own annual growth (calendar years, when the
	// co2_growth source has the year) × 2.124 GtC/ppm, beside G_ATM from
	// the monthly record; its σ from NOAA's uncertainty. NaN otherwise.
	GAtmNOAA         float64 `parquet:"g_atm_noaa_gtc" json:"g_atm_noaa_gtc"`
	GAtmNOAASigma    float64 `parquet:"g_atm_noaa_sigma_gtc" json:"g_atm_noaa_sigma_gtc"`
	Provisional      bool    `parquet:"provisional" json:"provisional"`
	ProvisionalTerms string  `parquet:"provisional_terms" json:"provisional_terms"`
	Months           int     `parquet:"months" json:"months"`
}

// RegionRow is one value of the long regional table.
type RegionRow struct {
	Month       string  `parquet:"month" json:"month"`
	RegionID    string  `parquet:"region_id" json:"region_id"`
	Name        string  `parquet:"name" json:"name"`
	Kind        string  `parquet:"kind" json:"kind"`
	Component   string  `parquet:"component" json:"component"`
	GtC         float64 `parquet:"value_gtc" json:"value_gtc"`
	SigmaGtC    float64 `parquet:"sigma_gtc" json:"sigma_gtc"`
	AnomalyGtC  float64 `parquet:"anomaly_gtc" json:"anomaly_gtc"` // NaN until the baseline exists
	Provisional bool    `parquet:"provisional" json:"provisional"`
}

// Component names in the regional table.
const (
	CompFossil     = "fossil"
	CompLand       = "land_sink"
	CompFire       = "fire"
	CompOcean      = "ocean_sink"
	CompNetToAtmos = "net_flux_to_atmosphere"
	// CompLand+":"+member and CompOcean+":"+member are one ensemble
	// member's sink (a DGVM emulator's with the fire anomaly, a GOBM
	// emulator's or the data product's).
	//
	// CompLandTopDown and CompOceanTopDown are the inversions' ensemble
	// mean (σ: the products' spread); CompLandTopDown+":"+product is one
	// product's. Land is the net flux into land (biosphere plus fire),
	// ocean the flux into the ocean, both as the products give them
	// (without the river adjustment, which is made on the globe only).
	CompLandTopDown  = "land_topdown"
	CompOceanTopDown = "ocean_topdown"
	// CompLandDriver+":"+group is one driver group's share of the land
	// emulators' NBP (heat, water, radiation, vegetation, co2, seasonality,
	// bias), ensemble mean with the members' spread as σ; the groups add
	// up to the NBP of the DGVM emulators, which land_sink is with the fire
	// anomaly taken off.
	CompLandDriver = "land_driver"
	// CompOceanDriver+":"+group is one driver group's share of the ocean
	// sink (heat, circulation, biology, sea_ice, co2, seasonality, bias
	// from the GOBM emulators, and the ship-data reconstruction's share),
	// weighted as the ensemble mean weighs the members, so that the
	// groups add up to ocean_sink; σ is the GOBMs' spread.
	CompOceanDriver = "ocean_driver"
)

// ProductComponent is the regional component of one inversion product
// (land_topdown:NAME) or of one ensemble member (land_sink:NAME,
// ocean_sink:NAME).
func ProductComponent(comp, product string) string { return comp + ":" + product }

// AgreementRow compares the bottom-up and top-down flux of one region in
// one period (a month, or a calendar year) as anomalies against the
// baseline, which cancel the terms one side has and the other lacks by
// design (E_LUC, lateral fluxes, each side's mean bias). GtC in the
// period, positive into the surface.
type AgreementRow struct {
	Period   string `parquet:"period" json:"period"`
	Window   string `parquet:"window" json:"window"` // "month" or "calendar-year"
	RegionID string `parquet:"region_id" json:"region_id"`
	Name     string `parquet:"name" json:"name"`
	Kind     string `parquet:"kind" json:"kind"`
	// Domain is "land" (bottom-up: the land sink of the DGVM emulators
	// with the fire anomaly) or "ocean" (S_OCEAN's ensemble).
	Domain string `parquet:"domain" json:"domain"`
	// Product is "ensemble" (the products' mean) or one product's name.
	Product            string  `parquet:"product" json:"product"`
	BottomUpGtC        float64 `parquet:"bottom_up_gtc" json:"bottom_up_gtc"`
	BottomUpAnomalyGtC float64 `parquet:"bottom_up_anomaly_gtc" json:"bottom_up_anomaly_gtc"`
	BottomUpSigmaGtC   float64 `parquet:"bottom_up_sigma_gtc" json:"bottom_up_sigma_gtc"`
	TopDownGtC         float64 `parquet:"top_down_gtc" json:"top_down_gtc"`
	TopDownAnomalyGtC  float64 `parquet:"top_down_anomaly_gtc" json:"top_down_anomaly_gtc"`
	TopDownSigmaGtC    float64 `parquet:"top_down_sigma_gtc" json:"top_down_sigma_gtc"`
	// DifferenceGtC is the top-down anomaly minus the bottom-up one;
	// BaselineRMSGtC the root-mean-square of that difference over the
	// baseline years (same calendar month, or calendar year; 0 until they
	// are all published); SigmaGtC the combined 1σ: the two sides' σ in
	// quadrature, or BaselineRMSGtC when that is wider. Agree is
	// |DifferenceGtC| ≤ SigmaGtC.
	DifferenceGtC  float64 `parquet:"difference_gtc" json:"difference_gtc"`
	BaselineRMSGtC float64 `parquet:"baseline_rms_gtc" json:"baseline_rms_gtc"`
	SigmaGtC       float64 `parquet:"sigma_gtc" json:"sigma_gtc"`
	Agree          bool    `parquet:"agree" json:"agree"`
	// Text says it in words, for the report.
	Text string `parquet:"text" json:"text"`
}

// legacyKeys are budget.json's keys before they were snake_case (written
// by carbonbudget before docs/format.md): still read, for one release.
var legacyKeys = map[string]string{"Period": "period", "EFos": "e_fos", "ELUC": "e_luc", "GAtm": "g_atm",
	"SOcean": "s_ocean", "SLand": "s_land", "SCement": "s_cement", "BIm": "b_im",
	"LandResidual": "land_residual", "NetLand": "net_land"}

// UnmarshalJSON reads a budget in the published schema, or in the legacy
// one with Go field names as keys.
func (b *Budget) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	for old, key := range legacyKeys {
		if v, ok := raw[old]; ok {
			if _, clash := raw[key]; clash {
				return fmt.Errorf("budget has both %q and its legacy key %q", key, old)
			}
			raw[key] = v
			delete(raw, old)
		}
	}
	fixed, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	type plain Budget // without this method
	return json.Unmarshal(fixed, (*plain)(b))
}

// NationalRow is one Carbon Monitor row (a country, or a group such as
// "EU27 & UK" and "ROW") and sector of a month's fossil emissions, GtC in
// the month, to the atmosphere.
type NationalRow struct {
	Month   string  `parquet:"month" json:"month"`
	Country string  `parquet:"country" json:"country"` // Carbon Monitor's row name
	ISO3    string  `parquet:"iso3" json:"iso3"`       // empty for groups
	Sector  string  `parquet:"sector" json:"sector"`
	GtC     float64 `parquet:"value_gtc" json:"value_gtc"`
	Days    int     `parquet:"days" json:"days"` // days of the month with data
}
