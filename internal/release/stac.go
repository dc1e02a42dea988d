package release

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// STAC versions and the data licence.
const (
	STACVersion    = "1.0.0"
	TableExtURL    = "https://stac-extensions.github.io/table/v1.2.0/schema.json"
	License        = "CC-BY-4.0"
	LicenseURL     = "https://creativecommons.org/licenses/by/4.0/"
	CollectionFile = "collection.json"
	ItemsDir       = "items"
	catalogFile    = "catalog.json"
)

const (
	typeJSON    = "application/json"
	typeParquet = "application/vnd.apache.parquet"
	typeCSV     = "text/csv"
	typeNetCDF  = "application/x-netcdf"
	typeMD      = "text/markdown"
	typePNG     = "image/png"
)

type link struct {
	Rel   string `json:"rel"`
	Href  string `json:"href"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

type asset struct {
	Href            string   `json:"href"`
	Type            string   `json:"type,omitempty"`
	Title           string   `json:"title,omitempty"`
	Roles           []string `json:"roles,omitempty"`
	Columns         []Column `json:"table:columns,omitempty"`
	PrimaryGeometry string   `json:"table:primary_geometry,omitempty"`
	RowCount        *int64   `json:"table:row_count,omitempty"`
}

// WriteSTAC writes the release's STAC collection (collection.json) and one
// item per month (items/YYYY-MM.json) into dir, the release's tree, whose
// files the assets name by relative href.
func WriteSTAC(dir string, rel *Release) error {
	have := map[string]bool{}
	for _, f := range rel.Files {
		have[f.Path] = true
	}
	collID := "carbonbudget-" + rel.ID
	var items []link
	for _, month := range rel.Months {
		item, err := monthItem(dir, collID, month, have)
		if err != nil {
			return err
		}
		if err := writeJSON(filepath.Join(dir, ItemsDir, month+".json"), item); err != nil {
			return err
		}
		items = append(items, link{Rel: "item", Href: "./" + ItemsDir + "/" + month + ".json", Type: "application/geo+json"})
	}
	coll, err := collection(dir, rel, collID, have)
	if err != nil {
		return err
	}
	coll["links"] = append(coll["links"].([]link), items...)
	return writeJSON(filepath.Join(dir, CollectionFile), coll)
}

func collection(dir string, rel *Release, id string, have map[string]bool) (map[string]any, error) {
	first, _ := grid.ParseMonth(rel.Months[0])
	last, _ := grid.ParseMonth(rel.Months[len(rel.Months)-1])
	title := "carbonbudget release " + rel.ID
	if rel.Name != "" {
		title += " (" + rel.Name + ")"
	}
	assets := map[string]asset{}
	for _, t := range []struct{ name, period, title string }{
		{"budget_monthly", "month", "global budget, one row per month"},
		{"budget_annual", "year", "global budget, calendar years and July-June windows"},
		{"regions", "month", "regional values, one row per month, region and component"},
		{"fossil_national", "month", "national and sectoral fossil emissions per month"},
		{"agreement", "month", "bottom-up against top-down anomalies per region"},
	} {
		if have[t.name+".parquet"] {
			cols, n, err := parquetColumns(filepath.Join(dir, t.name+".parquet"), t.name, t.period)
			if err != nil {
				return nil, err
			}
			assets[t.name] = asset{Href: "./" + t.name + ".parquet", Type: typeParquet, Title: t.title, Roles: []string{"data"},
				Columns: cols, RowCount: &n}
			if have[t.name+".csv"] { // the same rows
				assets[t.name+"_csv"] = asset{Href: "./" + t.name + ".csv", Type: typeCSV, Title: t.title + " (CSV)", Roles: []string{"data"}, RowCount: &n}
			}
		}
	}
	// The projection of the year in progress (maturity "projected"): its
	// value columns are in each row's unit (GtC/yr or ppm/yr), so it has
	// no column-wise CF units.
	for _, p := range []struct{ file, key, typ string }{
		{lake.ProjectionParquet, "projection", typeParquet}, {lake.ProjectionCSV, "projection_csv", typeCSV}, {lake.ProjectionJSON, "projection_json", typeJSON},
	} {
		if have[p.file] {
			assets[p.key] = asset{Href: "./" + p.file, Type: p.typ, Roles: []string{"data"},
				Title: "the year in progress as projected from the months published so far (maturity projected; units in each row)"}
		}
	}
	return map[string]any{
		"type":            "Collection",
		"stac_version":    STACVersion,
		"stac_extensions": []string{TableExtURL},
		"id":              id,
		"title":           title,
		"description": "Near-real-time global carbon budget (E_FOS + E_LUC = G_ATM + S_OCEAN + S_LAND + S_CEMENT + B_IM), " +
			"monthly, with gridded fluxes, regional sums and provenance. Values in GtC (Pg C); see docs/format.md.",
		"license":   License,
		"keywords":  []string{"carbon budget", "CO2", "carbon cycle", "GeoParquet"},
		"providers": []map[string]any{{"name": "carbonbudget", "roles": []string{"producer", "processor"}}},
		"extent": map[string]any{
			"spatial":  map[string]any{"bbox": [][]float64{{-180, -90, 180, 90}}},
			"temporal": map[string]any{"interval": [][]string{{monthStart(first), monthEnd(last)}}},
		},
		"links": []link{
			{Rel: "self", Href: "./" + CollectionFile, Type: typeJSON},
			{Rel: "root", Href: "../../" + catalogFile, Type: typeJSON, Title: "carbonbudget releases"},
			{Rel: "parent", Href: "../../" + catalogFile, Type: typeJSON},
			{Rel: "license", Href: LicenseURL, Title: "Creative Commons Attribution 4.0"},
		},
		"assets": assets,
		"carbonbudget:release": map[string]any{"id": rel.ID, "name": rel.Name, "created": rel.Created,
			"code_version": rel.CodeVersion, "previous": rel.Previous},
	}, nil
}

func monthItem(dir, collID, month string, have map[string]bool) (map[string]any, error) {
	m, err := grid.ParseMonth(month)
	if err != nil {
		return nil, err
	}
	assets := map[string]asset{}
	gridPath := fmt.Sprintf("grid/year=%04d/month=%02d/part-0.parquet", m.Year, int(m.Month))
	if have[gridPath] {
		cols, n, err := parquetColumns(filepath.Join(dir, filepath.FromSlash(gridPath)), "grid", "month")
		if err != nil {
			return nil, err
		}
		assets["grid"] = asset{Href: "../" + gridPath, Type: typeParquet, Title: "gridded fluxes (GeoParquet)", Roles: []string{"data"},
			Columns: cols, PrimaryGeometry: "geometry", RowCount: &n}
	}
	monthDir := path.Join(lake.MonthsDir, month)
	for _, a := range []struct{ key, file, typ, title, role string }{
		{"budget", lake.BudgetJSON, typeJSON, "the month's budget and regional rows", "data"},
		{"manifest", "manifest.json", typeJSON, "provenance: inputs, models, code, configuration", "metadata"},
		{"netcdf", "grid.nc", typeNetCDF, "gridded fluxes (CF-1.8 netCDF-4)", "data"},
		{"report", "report.md", typeMD, "the month's report", "overview"},
		{"chart_annual", "annual_budget.png", typePNG, "annual budget chart", "visual"},
		{"chart_monthly", "monthly_budget.png", typePNG, "monthly budget chart", "visual"},
		{"map_land", "map_land.png", typePNG, "land sink map", "visual"},
		{"map_ocean", "map_ocean.png", typePNG, "ocean sink map", "visual"},
		{"map_land_anomaly", "map_land_anomaly.png", typePNG, "land flux anomaly map", "visual"},
		{"map_ocean_anomaly", "map_ocean_anomaly.png", typePNG, "ocean flux anomaly map", "visual"},
		{"chart_regional", "regional_anomaly.png", typePNG, "regional anomaly chart (RECCAP2)", "visual"},
	} {
		if have[path.Join(monthDir, a.file)] {
			assets[a.key] = asset{Href: "../" + path.Join(monthDir, a.file), Type: a.typ, Title: a.title, Roles: []string{a.role}}
		}
	}
	maturity, err := monthMaturity(dir, month)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"type":            "Feature",
		"stac_version":    STACVersion,
		"stac_extensions": []string{TableExtURL},
		"id":              collID + "-" + month,
		"collection":      collID,
		"geometry": map[string]any{"type": "Polygon",
			"coordinates": [][][]float64{{{-180, -90}, {180, -90}, {180, 90}, {-180, 90}, {-180, -90}}}},
		"bbox": []float64{-180, -90, 180, 90},
		"properties": map[string]any{
			"datetime":       nil,
			"start_datetime": monthStart(m),
			"end_datetime":   monthEnd(m),
			// Each term's maturity (observed, emulated, provisional), as
			// budget.json states it: what a catalogue search can filter on.
			"carbonbudget:maturity": maturity,
		},
		"links": []link{
			{Rel: "collection", Href: "../" + CollectionFile, Type: typeJSON},
			{Rel: "parent", Href: "../" + CollectionFile, Type: typeJSON},
			{Rel: "root", Href: "../../../" + catalogFile, Type: typeJSON},
			{Rel: "self", Href: "./" + month + ".json", Type: "application/geo+json"},
		},
		"assets": assets,
	}, nil
}

func monthStart(m grid.Month) string {
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
}

func monthEnd(m grid.Month) string {
	return time.Date(m.Year, m.Month+1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Second).Format(time.RFC3339)
}

// writeCatalog rewrites releases/catalog.json, the STAC catalog that links
// every release's collection. It is an index of the releases, not part of
// any: rewriting it changes no release.
func writeCatalog(out string) error {
	rels, err := List(out)
	if err != nil {
		return err
	}
	links := []link{{Rel: "self", Href: "./" + catalogFile, Type: typeJSON}, {Rel: "root", Href: "./" + catalogFile, Type: typeJSON}}
	sort.Slice(rels, func(i, j int) bool { return rels[i].Created > rels[j].Created })
	for _, r := range rels {
		title := r.ID
		if r.Name != "" {
			title = r.Name + " (" + r.ID + ")"
		}
		links = append(links, link{Rel: "child", Href: "./" + strings.Join([]string{treesDir, r.ID, CollectionFile}, "/"),
			Type: typeJSON, Title: title})
	}
	return writeJSON(filepath.Join(out, Dir, catalogFile), map[string]any{
		"type":         "Catalog",
		"stac_version": STACVersion,
		"id":           "carbonbudget-releases",
		"title":        "carbonbudget releases",
		"description":  "Every release of this carbonbudget output directory, newest first; each is an immutable STAC collection.",
		"links":        links,
	})
}

// monthMaturity returns the maturity of each budget term of the month in
// the tree dir, by budget.json key.
func monthMaturity(dir, month string) (map[string]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, lake.MonthsDir, month, lake.BudgetJSON))
	if err != nil {
		return nil, err
	}
	var rec lake.MonthRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("read %s budget: %w", month, err)
	}
	out := map[string]string{"land_residual": rec.Budget.LandResidual.Maturity, "net_land": rec.Budget.NetLand.Maturity}
	for _, t := range rec.Budget.TermsByKey() {
		out[t.Key] = t.Maturity
	}
	return out, nil
}
