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
}

// Row is one line of budget_monthly or budget_annual: every term with its
// 1σ and its anomaly against the baseline (NaN when the baseline is not
// complete). Values are GtC per month (monthly) or per year (annual).
type Row struct {
	Period string `parquet:"period" json:"period"`
	// Window is "month", "calendar-year" or "july-june".
	Window           string  `parquet:"window" json:"window"`
	EFos             float64 `parquet:"e_fos_gtc" json:"e_fos_gtc"`
	EFosSigma        float64 `parquet:"e_fos_sigma_gtc" json:"e_fos_sigma_gtc"`
	ELUC             float64 `parquet:"e_luc_gtc" json:"e_luc_gtc"`
	ELUCSigma        float64 `parquet:"e_luc_sigma_gtc" json:"e_luc_sigma_gtc"`
	GAtm             float64 `parquet:"g_atm_gtc" json:"g_atm_gtc"`
	GAtmSigma        float64 `parquet:"g_atm_sigma_gtc" json:"g_atm_sigma_gtc"`
	SOcean           float64 `parquet:"s_ocean_gtc" json:"s_ocean_gtc"`
	SOceanSigma      float64 `parquet:"s_ocean_sigma_gtc" json:"s_ocean_sigma_gtc"`
	SLand            float64 `parquet:"s_land_gtc" json:"s_land_gtc"`
	SLandSigma       float64 `parquet:"s_land_sigma_gtc" json:"s_land_sigma_gtc"`
	SCement          float64 `parquet:"s_cement_gtc" json:"s_cement_gtc"`
	BIm              float64 `parquet:"b_im_gtc" json:"b_im_gtc"`
	BImSigma         float64 `parquet:"b_im_sigma_gtc" json:"b_im_sigma_gtc"`
	LandResidual     float64 `parquet:"land_residual_gtc" json:"land_residual_gtc"`
	NetLand          float64 `parquet:"net_land_gtc" json:"net_land_gtc"`
	EFosAnomaly      float64 `parquet:"e_fos_anomaly_gtc" json:"e_fos_anomaly_gtc"`
	GAtmAnomaly      float64 `parquet:"g_atm_anomaly_gtc" json:"g_atm_anomaly_gtc"`
	SOceanAnomaly    float64 `parquet:"s_ocean_anomaly_gtc" json:"s_ocean_anomaly_gtc"`
	SLandAnomaly     float64 `parquet:"s_land_anomaly_gtc" json:"s_land_anomaly_gtc"`
	NetLandAnomaly   float64 `parquet:"net_land_anomaly_gtc" json:"net_land_anomaly_gtc"`
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
)

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
