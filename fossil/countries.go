package fossil

import (
	"fmt"
	"sort"
)

// Carbon Monitor's country rows (the web export and the API file use the
// same names). WORLD is the sum of the partition below; "EU27 & UK"
// contains the rows of its member states that are listed separately.
const (
	World   = "WORLD"
	EUAndUK = "EU27 & UK"
	ROW     = "ROW"
)

// partition lists the rows that cover the world exactly once: their sum
// equals WORLD (checked on the real export of 17 Sep 2024 to 1e-7
// relative, see fossil_test.go).
var partition = []string{"Brazil", "China", EUAndUK, "India", "Japan", "Russia", "United States", ROW}

// iso3 maps Carbon Monitor's single-country rows to ISO 3166-1 alpha-3.
var iso3 = map[string]string{
	"Brazil": "BRA", "China": "CHN", "France": "FRA", "Germany": "DEU", "India": "IND",
	"Italy": "ITA", "Japan": "JPN", "Russia": "RUS", "Spain": "ESP",
	"United Kingdom": "GBR", "United States": "USA",
}

// euMembers are the EU27 member states (since 1 February 2020) plus the
// United Kingdom, the members of Carbon Monitor's "EU27 & UK" row.
var euMembers = []string{
	"AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL",
	"ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE", "GBR",
}

// ErrUnknownCountry is returned for a Carbon Monitor row we cannot map.
var ErrUnknownCountry = fmt.Errorf("unknown Carbon Monitor country")

// checkCountry reports whether a row name is one we know.
func checkCountry(country string) error {
	if _, ok := iso3[country]; ok || country == World || country == EUAndUK || country == ROW {
		return nil
	}
	return fmt.Errorf("%w %q (known: %s)", ErrUnknownCountry, country, knownCountries())
}

func knownCountries() string {
	names := []string{World, EUAndUK, ROW}
	for n := range iso3 {
		names = append(names, n)
	}
	sort.Strings(names)
	return fmt.Sprint(names)
}

// memberCodes returns the countries a partition row is spread over on the
// grid: one country, the EU27 & UK members not listed on their own rows
// (their rows are gridded separately), or for ROW every country of the
// mask that no other partition row covers.
func memberCodes(row string, all []string) []string {
	if code, ok := iso3[row]; ok {
		return []string{code}
	}
	switch row {
	case EUAndUK:
		var out []string
		for _, c := range euMembers {
			if !listedSeparately(c) {
				out = append(out, c)
			}
		}
		return out
	case ROW:
		covered := map[string]bool{}
		for _, c := range euMembers {
			covered[c] = true
		}
		for _, c := range iso3 {
			covered[c] = true
		}
		var out []string
		for _, c := range all {
			if !covered[c] {
				out = append(out, c)
			}
		}
		return out
	}
	return nil
}

func listedSeparately(code string) bool {
	for _, c := range iso3 {
		if c == code {
			return true
		}
	}
	return false
}
