package release

import (
	"fmt"
	"os"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// Variable holds the CF-style attributes of a published column. Standard
// names are from the CF standard name table where it has one (the
// integrated budget terms are the area sums of those fluxes, cell_methods
// "area: sum"); where CF has none (the imbalance, the cement sink,
// anomalies, agreement statistics), StandardName is empty and LongName
// says what it is. Positive is the CF flux direction (up: to the
// atmosphere; down: into the surface); empty where no direction applies.
type Variable struct {
	StandardName string `json:"standard_name,omitempty"`
	LongName     string `json:"long_name"`
	Units        string `json:"units"`
	Positive     string `json:"positive,omitempty"`
	CellMethods  string `json:"cell_methods,omitempty"`
}

const (
	cfFossil   = "surface_upward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_emission_from_fossil_fuel_combustion"
	cfLUC      = "surface_upward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_anthropogenic_land_use_or_land_cover_change"
	cfGrowth   = "tendency_of_atmosphere_mass_content_of_carbon_dioxide_expressed_as_carbon"
	cfOcean    = "surface_downward_mass_flux_of_carbon_dioxide_expressed_as_carbon"
	cfLandSink = "surface_net_downward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_all_land_processes_excluding_anthropogenic_land_use_change"
	cfNetLand  = "surface_net_downward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_all_land_processes"
	cfFire     = "surface_upward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_emission_from_fires"
	cfNet      = "surface_upward_mass_flux_of_carbon_dioxide_expressed_as_carbon"
)

// budgetTerms are the CF attributes of the budget terms, by the prefix of
// their columns (e_fos_gtc, e_fos_sigma_gtc, e_fos_anomaly_gtc).
var budgetTerms = map[string]Variable{
	"e_fos":            {cfFossil, "fossil CO2 emissions (E_FOS)", "", "up", ""},
	"e_luc":            {cfLUC, "land-use change emissions (E_LUC)", "", "up", ""},
	"g_atm":            {cfGrowth, "atmospheric CO2 growth (G_ATM)", "", "", ""},
	"g_atm_noaa":       {cfGrowth, "NOAA's annual atmospheric CO2 growth", "", "", ""},
	"s_ocean":          {cfOcean, "ocean sink (S_OCEAN)", "", "down", ""},
	"s_ocean_topdown":  {cfOcean, "ocean flux of the atmospheric inversions, river-adjusted", "", "down", ""},
	"s_land":           {cfLandSink, "land sink (S_LAND)", "", "down", ""},
	"s_cement":         {"", "cement carbonation sink (S_CEMENT)", "", "down", ""},
	"b_im":             {"", "budget imbalance (B_IM)", "", "", ""},
	"land_residual":    {cfNetLand, "land sink implied by the atmosphere: E_FOS + E_LUC - G_ATM - S_OCEAN - S_CEMENT", "", "down", ""},
	"net_land":         {cfNetLand, "net land flux into land, S_LAND - E_LUC", "", "down", ""},
	"net_land_topdown": {cfNetLand, "net land flux of the atmospheric inversions, river-adjusted", "", "down", ""},
}

// gridVariables are the grid Parquet's columns.
var gridVariables = map[string]Variable{
	"time":              {"time", "first day of the month", "days since 1970-01-01", "", ""},
	"cell_id":           {"", "cell index: row*ncols + col, row 0 at the north, column 0 at 180°W", "1", "", ""},
	"lat":               {"latitude", "cell centre latitude", "degrees_north", "", ""},
	"lon":               {"longitude", "cell centre longitude", "degrees_east", "", ""},
	"area_m2":           {"cell_area", "exact spherical cell area", "m2", "", ""},
	"land_fraction":     {"land_area_fraction", "land cover of the cell", "1", "", ""},
	"fossil":            {cfFossil, "fossil CO2 emissions per m2 of land", "g m-2 month-1", "up", "area: mean where land"},
	"nbp_mean":          {cfLandSink, "net land flux into land, DGVM emulators' mean minus the fire anomaly", "g m-2 month-1", "down", "area: mean where land"},
	"nbp_sd":            {cfLandSink + " standard_error", "spread (1 sigma) of the DGVM emulators", "g m-2 month-1", "down", "area: mean where land"},
	"fire":              {cfFire, "fire carbon emissions per m2 of land", "g m-2 month-1", "up", "area: mean where land"},
	"ocean_uptake_mean": {cfOcean, "sea-air CO2 flux into the ocean, ensemble mean", "g m-2 month-1", "down", "area: mean where sea"},
	"ocean_uptake_sd":   {cfOcean + " standard_error", "ensemble spread (1 sigma)", "g m-2 month-1", "down", "area: mean where sea"},
	"pco2_sea":          {"surface_partial_pressure_of_carbon_dioxide_in_sea_water", "surface-ocean pCO2 of the ship-data reconstruction", "uatm", "", ""},
	"net_flux":          {cfNet, "net CO2 flux to the atmosphere per m2 of cell", "g m-2 month-1", "up", "area: mean"},
}

// counts are integer columns that count something.
var counts = map[string]Variable{
	"topdown_products": {"", "number of inversion products in the value", "1", "", ""},
	"months":           {"", "months in the period", "1", "", ""},
	"days":             {"", "days of the month with data", "1", "", ""},
}

// ColumnVariable returns the CF attributes of column col of a table whose
// values are per period ("month" or "year"); ok is false for a column
// that is not a variable (identifiers, names, flags, text).
func ColumnVariable(table, col, period string) (v Variable, ok bool) {
	if table == "grid" {
		v, ok = gridVariables[col]
		return v, ok
	}
	if v, ok := counts[col]; ok {
		return v, true
	}
	units := "Pg " + period + "-1" // GtC = Pg of carbon
	name, isGtC := strings.CutSuffix(col, "_gtc")
	if !isGtC {
		return Variable{}, false
	}
	var kind string
	for _, suffix := range []string{"_sigma", "_anomaly"} {
		if n, ok := strings.CutSuffix(name, suffix); ok {
			name, kind = n, suffix
			break
		}
	}
	switch table {
	case "regions", "fossil_national":
		v = Variable{LongName: "regional value of the component", Positive: ""}
		if table == "fossil_national" {
			v = budgetTerms["e_fos"]
			v.LongName = "national fossil CO2 emissions by sector"
		}
		if name == "sigma" {
			kind, v.LongName = "_sigma", "1 sigma of the regional value"
		}
		if name == "anomaly" {
			kind, v.LongName = "_anomaly", "regional value minus its baseline mean"
		}
		v.CellMethods = "area: sum"
	case "agreement":
		v = Variable{LongName: strings.ReplaceAll(name, "_", " ") + " of the region's flux into the surface (bottom-up vs top-down)", Positive: "down", CellMethods: "area: sum"}
	default:
		t, ok := budgetTerms[name]
		if !ok {
			return Variable{}, false
		}
		v = t
		v.CellMethods = "area: sum"
	}
	v.Units = units
	switch kind {
	case "_sigma":
		if v.StandardName != "" {
			v.StandardName += " standard_error"
		}
		v.LongName += ", 1 sigma"
	case "_anomaly":
		v.StandardName = "" // CF has no anomaly modifier
		v.LongName += ", anomaly against the baseline mean of the same calendar month or window"
	}
	return v, true
}

// Column is one column of a table asset (STAC table extension) with its
// CF attributes.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Variable
}

// parquetColumns reads the columns and the row count of the Parquet file
// at path and gives each column its CF attributes.
func parquetColumns(path, table, period string) ([]Column, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", path, err)
	}
	var cols []Column
	for _, fld := range pf.Schema().Fields() {
		c := Column{Name: fld.Name(), Type: columnType(fld)}
		if v, ok := ColumnVariable(table, fld.Name(), period); ok {
			c.Variable = v
		}
		if table == "grid" && fld.Name() == "geometry" {
			c.Type = "GEOMETRY" // WKB with GeoParquet metadata: readers decode it
		}
		cols = append(cols, c)
	}
	return cols, pf.NumRows(), nil
}

// columnType names a Parquet column's type the way DuckDB does.
func columnType(f parquet.Field) string {
	t := f.Type()
	if lt := t.LogicalType(); lt != nil {
		switch s := strings.ToUpper(lt.String()); {
		case strings.HasPrefix(s, "STRING"):
			return "VARCHAR"
		case strings.HasPrefix(s, "DATE"):
			return "DATE"
		}
	}
	switch t.Kind() {
	case parquet.Boolean:
		return "BOOLEAN"
	case parquet.Int32:
		return "INTEGER"
	case parquet.Int64:
		return "BIGINT"
	case parquet.Float:
		return "FLOAT"
	case parquet.Double:
		return "DOUBLE"
	}
	return "BLOB"
}
