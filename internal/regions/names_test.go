package regions

import (
	"slices"
	"strconv"
	"testing"
)

func TestResolveName(t *testing.T) {
	s := loadSet(t, 2)
	for _, row := range readTable(t, "names.csv") {
		m, ok := s.ResolveName(row["name"])
		if !ok {
			t.Errorf("%q: not resolved", row["name"])
			continue
		}
		n, _ := strconv.Atoi(row["members"])
		if m.ID != row["id"] || (n >= 0 && len(m.Members) != n) {
			t.Errorf("%q: %s with %d members, want %s with %s", row["name"], m.ID, len(m.Members), row["id"], row["members"])
		}
	}
	if m, _ := s.ResolveName("WORLD"); !slices.Equal(m.Members, s.CountryIDs()) {
		t.Error("WORLD is not every country")
	}
	if _, ok := s.ResolveName("Atlantis"); ok {
		t.Error("Atlantis resolved")
	}
}

// TestResolveCarbonMonitorNames resolves Carbon Monitor's country list:
// its partition rows (all but WORLD and the EU members listed on their
// own) must cover every country exactly once.
func TestResolveCarbonMonitorNames(t *testing.T) {
	s := loadSet(t, 2)
	names := []string{"Brazil", "China", "EU27 & UK", "France", "Germany", "India", "Italy", "Japan", "ROW", "Russia", "Spain", "United Kingdom", "United States", "WORLD"}
	ms, err := s.ResolveNames(names)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for i, m := range ms {
		switch names[i] {
		case "WORLD", "France", "Germany", "Italy", "Spain", "United Kingdom":
			continue
		}
		for _, c := range m.Members {
			count[c]++
		}
	}
	for _, c := range s.CountryIDs() {
		if count[c] != 1 {
			t.Errorf("%s is covered %d times by the partition rows", c, count[c])
		}
	}
	row := ms[slices.Index(names, "ROW")]
	if !row.Rest || slices.Contains(row.Members, "FRA") || !slices.Contains(row.Members, "CAN") {
		t.Errorf("ROW = %+v", row)
	}
	if _, err := s.ResolveNames([]string{"China", "Atlantis"}); err == nil {
		t.Error("unknown name gave no error")
	}
}
