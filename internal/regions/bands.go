package regions

import (
	"fmt"
	"strconv"
)

// Band is a latitude band; a cell belongs to the band holding its centre.
// Each band makes two regions, "band-land/<Slug>" and "band-ocean/<Slug>".
type Band struct {
	Slug               string // e.g. "north-20n"
	Name               string // e.g. "North of 20°N"
	SouthDeg, NorthDeg float64
}

// DefaultBands are the bands of the low-latency budget (Ke et al. 2024):
// north of 20°N, the tropics 20°S–20°N and south of 20°S.
var DefaultBands = BandsAt(-20, 20)

// BandsAt makes the bands between increasing edges (degrees north, inside
// −90..90): BandsAt(-20, 20) is south of 20°S, 20°S–20°N and north of
// 20°N, with slugs "south-20s", "20s-20n" and "north-20n". With edges on
// whole multiples of the grid spacing (any whole degree on the 1° grid,
// multiples of 2° on the 2° grid) bands follow cell edges exactly.
func BandsAt(edgesDeg ...float64) []Band {
	if len(edgesDeg) == 0 {
		return []Band{{Slug: "globe", Name: "Globe", SouthDeg: -90, NorthDeg: 90}}
	}
	var out []Band
	first, last := edgesDeg[0], edgesDeg[len(edgesDeg)-1]
	out = append(out, Band{"south-" + latSlug(first), "South of " + latName(first), -90, first})
	for i := 1; i < len(edgesDeg); i++ {
		s, n := edgesDeg[i-1], edgesDeg[i]
		out = append(out, Band{latSlug(s) + "-" + latSlug(n), latName(s) + "–" + latName(n), s, n})
	}
	return append(out, Band{"north-" + latSlug(last), "North of " + latName(last), last, 90})
}

func latSlug(deg float64) string {
	h := "n"
	if deg < 0 {
		h, deg = "s", -deg
	}
	return strconv.FormatFloat(deg, 'f', -1, 64) + h
}

func latName(deg float64) string {
	h := "N"
	if deg < 0 {
		h, deg = "S", -deg
	}
	return strconv.FormatFloat(deg, 'f', -1, 64) + "°" + h
}

// checkBands makes sure the bands tile −90..90 without gaps or overlaps,
// so band regions partition the land and the ocean.
func checkBands(bands []Band) error {
	if len(bands) == 0 {
		return fmt.Errorf("regions: no latitude bands")
	}
	seen := map[string]bool{}
	south := -90.0
	for _, b := range bands {
		if b.SouthDeg != south || b.NorthDeg <= b.SouthDeg || b.Slug == "" || seen[b.Slug] {
			return fmt.Errorf("regions: band %q (%g..%g°N): bands must have distinct slugs and run from 90°S to 90°N, south first, without gaps", b.Slug, b.SouthDeg, b.NorthDeg)
		}
		seen[b.Slug] = true
		south = b.NorthDeg
	}
	if south != 90 {
		return fmt.Errorf("regions: bands end at %g°N, want 90", south)
	}
	return nil
}

// bandOf returns the index of the band holding latitude lat, or -1.
func bandOf(bands []Band, lat float64) int {
	for i, b := range bands {
		if lat >= b.SouthDeg && (lat < b.NorthDeg || (b.NorthDeg == 90 && lat <= 90)) {
			return i
		}
	}
	return -1
}
