package regions

import (
	"fmt"
	"slices"
	"strings"
)

// A NameMatch is what a country or group name used by an inventory (such
// as Carbon Monitor's "United States", "EU27 & UK", "ROW" or "WORLD")
// stands for.
type NameMatch struct {
	ID      string   // ISO alpha-3 for a country, else a group id such as GroupEU27UK
	Name    string   // our English name
	Members []string // ISO alpha-3 codes the name covers, sorted
	// Rest marks a rest-of-world name: every country that the other names
	// of the same list do not cover. ResolveName leaves Members empty;
	// ResolveNames fills it.
	Rest bool
}

// Group ids of NameMatch.
const (
	GroupWorld       = "group/world"
	GroupEU27        = "group/eu27"
	GroupEU27UK      = "group/eu27-uk"
	GroupRestOfWorld = "group/rest-of-world"
)

// eu27 are the member states of the European Union since 1 February 2020.
var eu27 = []string{
	"AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GRC", "HRV", "HUN",
	"IRL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "SWE",
}

// groupNames are the group names inventories use (normalised, see
// normName).
var groupNames = map[string]string{
	"world": GroupWorld, "global": GroupWorld, "globe": GroupWorld, "total": GroupWorld,
	"eu27 & uk": GroupEU27UK, "eu27+uk": GroupEU27UK, "eu27 and uk": GroupEU27UK, "eu28": GroupEU27UK,
	"eu27": GroupEU27, "eu": GroupEU27, "european union": GroupEU27,
	"row": GroupRestOfWorld, "rest of world": GroupRestOfWorld, "rest of the world": GroupRestOfWorld,
}

// countryAliases are country names inventories use that differ from
// world-countries' common names (which countries.csv holds); alpha-3 codes
// themselves are also accepted.
var countryAliases = map[string]string{
	"us": "USA", "u.s.": "USA", "united states of america": "USA",
	"uk": "GBR", "great britain": "GBR", "britain": "GBR",
	"russian federation": "RUS",
	"south korea":        "KOR", "korea": "KOR", "republic of korea": "KOR", "korea, republic of": "KOR",
	"north korea": "PRK", "democratic people's republic of korea": "PRK",
	"iran": "IRN", "iran, islamic republic of": "IRN",
	"turkey": "TUR", "czech republic": "CZE", "viet nam": "VNM",
	"democratic republic of the congo": "COD", "republic of the congo": "COG",
	"ivory coast": "CIV", "cote d'ivoire": "CIV", "swaziland": "SWZ", "burma": "MMR",
	"macedonia": "MKD", "syria": "SYR", "laos": "LAO", "taiwan, province of china": "TWN",
}

// nameIndex maps normalised names to ISO alpha-3.
type nameIndex struct {
	iso3   map[string]string // normalised name or code -> alpha-3
	names  map[string]string // alpha-3 -> our name
	all    []string          // every alpha-3, sorted
	groups map[string][]string
}

func newNameIndex(table []countryRow) *nameIndex {
	ix := &nameIndex{iso3: map[string]string{}, names: map[string]string{}}
	for _, c := range table {
		ix.iso3[normName(c.iso3)] = c.iso3
		ix.iso3[normName(c.name)] = c.iso3
		ix.names[c.iso3] = c.name
		ix.all = append(ix.all, c.iso3)
	}
	for alias, code := range countryAliases {
		if _, ok := ix.names[code]; ok {
			ix.iso3[alias] = code
		}
	}
	slices.Sort(ix.all)
	eu := slices.Clone(eu27)
	ix.groups = map[string][]string{GroupWorld: ix.all, GroupEU27: eu, GroupEU27UK: append(slices.Clone(eu), "GBR")}
	for _, m := range ix.groups {
		slices.Sort(m)
	}
	return ix
}

// normName folds case, accents that inventories drop, and spacing.
func normName(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.NewReplacer("ô", "o", "é", "e", "ü", "u", "ç", "c", "ã", "a", "í", "i").Replace(s)
}

var groupTitle = map[string]string{
	GroupWorld: "World", GroupEU27: "European Union (27)", GroupEU27UK: "EU27 and the United Kingdom",
	GroupRestOfWorld: "Rest of the world",
}

// ResolveName maps a country or group name (case and spacing aside), or an
// ISO alpha-3 code, to what it stands for.
func (s *Set) ResolveName(name string) (NameMatch, bool) {
	ix := s.names
	key := normName(name)
	if g, ok := groupNames[key]; ok {
		return NameMatch{ID: g, Name: groupTitle[g], Members: slices.Clone(ix.groups[g]), Rest: g == GroupRestOfWorld}, true
	}
	if code, ok := ix.iso3[key]; ok {
		return NameMatch{ID: code, Name: ix.names[code], Members: []string{code}}, true
	}
	return NameMatch{}, false
}

// ResolveNames resolves the names of one inventory together, so that a
// rest-of-world name gets as members every country that no other name of
// the list covers (world names aside). It fails on the first unknown
// name, naming it.
func (s *Set) ResolveNames(names []string) ([]NameMatch, error) {
	out := make([]NameMatch, len(names))
	covered := map[string]bool{}
	for i, n := range names {
		m, ok := s.ResolveName(n)
		if !ok {
			return nil, fmt.Errorf("regions: unknown country or group name %q", n)
		}
		out[i] = m
		if m.ID != GroupWorld && !m.Rest {
			for _, c := range m.Members {
				covered[c] = true
			}
		}
	}
	for i := range out {
		if !out[i].Rest {
			continue
		}
		out[i].Members = nil
		for _, c := range s.names.all {
			if !covered[c] {
				out[i].Members = append(out[i].Members, c)
			}
		}
	}
	return out, nil
}
