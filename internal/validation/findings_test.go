package validation

import (
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// TestMatchesPeriod: a finding matches an extreme in its months, up to
// three months after (the land responds late), or in its years; not
// before it, not four months after.
func TestMatchesPeriod(t *testing.T) {
	from, to := grid.Month{Year: 2023, Month: 5}, grid.Month{Year: 2023, Month: 9}
	for period, want := range map[string]bool{
		"2023-04": false, "2023-05": true, "2023-09": true, "2023-12": true, "2024-01": false,
		"2023": true, "2022": false, "2024": false, "junk": false,
	} {
		if got := matchesPeriod(period, from, to); got != want {
			t.Errorf("matchesPeriod(%s) = %v, want %v", period, got, want)
		}
	}
}

// TestBetterPrefersTheSink: the finding kept for an extreme is the one on
// the sink (it names drivers) even when the fire's own finding has a larger
// |Z|, then the larger |Z|.
func TestBetterPrefersTheSink(t *testing.T) {
	fire := lake.Finding{Component: lake.CompFire, Z: 40}
	land := lake.Finding{Component: lake.CompLand, Z: -3}
	bigger := lake.Finding{Component: lake.CompLand, Z: -5}
	if !better(land, &fire) || better(fire, &land) {
		t.Error("a fire finding kept over the sink's")
	}
	if !better(bigger, &land) || better(land, &bigger) {
		t.Error("the smaller |Z| kept")
	}
	if !better(fire, nil) {
		t.Error("nothing kept beats a finding")
	}
}
