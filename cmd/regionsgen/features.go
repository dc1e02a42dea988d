package main

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/airbusgeo/godal"
)

// featuresLayer is the layer name GDAL gives the GeoJSON file written by
// writeFeatures (its base name).
const featuresLayer = "features"

// writeFeatures writes the planar features as GeoJSON, each with its burn
// code, into dir, and opens it for rasterising.
func writeFeatures(dir string, fts []feature) (*godal.Dataset, error) {
	type gjFeature struct {
		Type       string         `json:"type"`
		Properties map[string]int `json:"properties"`
		Geometry   struct {
			Type        string    `json:"type"`
			Coordinates []polygon `json:"coordinates"`
		} `json:"geometry"`
	}
	fc := struct {
		Type     string      `json:"type"`
		Features []gjFeature `json:"features"`
	}{Type: "FeatureCollection"}
	for _, ft := range fts {
		if len(ft.Polygons) == 0 {
			continue
		}
		g := gjFeature{Type: "Feature", Properties: map[string]int{"code": ft.Code}}
		g.Geometry.Type = "MultiPolygon"
		g.Geometry.Coordinates = ft.Polygons
		fc.Features = append(fc.Features, g)
	}
	b, err := json.Marshal(fc)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, featuresLayer+".geojson")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return nil, err
	}
	return godal.Open(path, godal.VectorOnly())
}
