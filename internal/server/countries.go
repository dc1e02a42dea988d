package server

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/carbonbudget/carbonbudget/data"
)

// countryInfo is one row of GET /api/v1/countries.
type countryInfo struct {
	ISO3           string  `json:"iso3" parquet:"iso3"`
	Name           string  `json:"name" parquet:"name"`
	Population     float64 `json:"population" parquet:"population"`           // NaN (null) where the source has none
	PopulationYear int     `json:"population_year" parquet:"population_year"` // 0 without a population
	LandAreaKm2    float64 `json:"land_area_km2" parquet:"land_area_km2"`
}

// countries serves GET /api/v1/countries: population and land area per
// country (data/countries), for per-capita and per-area views.
func (s *Server) countries(w http.ResponseWriter, r *http.Request) error {
	return s.wholeTable(w, r, "countries", func(*snapshot) (any, error) { return readCountryInfo() })
}

func readCountryInfo() ([]countryInfo, error) {
	b, err := data.Countries.ReadFile("countries/countries.csv")
	if err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("data/countries/countries.csv: %w", err)
	}
	var out []countryInfo
	for i, rec := range recs[1:] {
		c := countryInfo{ISO3: rec[0], Name: rec[1], Population: math.NaN()}
		if c.LandAreaKm2, err = strconv.ParseFloat(rec[4], 64); err != nil {
			return nil, fmt.Errorf("data/countries/countries.csv: line %d: land_area_km2: %w", i+2, err)
		}
		if rec[2] != "" {
			p, err1 := strconv.ParseFloat(rec[2], 64)
			y, err2 := strconv.Atoi(rec[3])
			if err := errors.Join(err1, err2); err != nil {
				return nil, fmt.Errorf("data/countries/countries.csv: line %d: %w", i+2, err)
			}
			c.Population, c.PopulationYear = p, y
		}
		out = append(out, c)
	}
	return out, nil
}
