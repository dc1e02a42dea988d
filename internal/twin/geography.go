package twin

import (
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// LandMasks is what the twin needs from the region masks: the land
// fraction of every cell and the land weights of named regions.
// internal/regions satisfies it.
type LandMasks interface {
	LandFraction() []float32
	CountryIDs() []string
	Weights(id string) ([]float32, error)
}

// Special regions of the low-latency budget used for the extremes.
const (
	regionAmazonia      = "special/amazonia"
	regionCanada        = "special/canada"
	regionSoutheastAsia = "special/southeast-asia"
)

// geography is the static part of the world: where land is, how
// continental each cell is, and the masks of the regions with named
// extremes.
type geography struct {
	g       grid.Grid
	latDeg  []float64 // per row, cell centre
	lonDeg  []float64 // per column, cell centre, -180..180
	areaM2  []float64 // per row
	land    []float32 // land fraction 0..1
	cont    []float32 // continentality: land fraction smoothed over ~10°
	coast   []float32 // land fraction smoothed over ~3°: near-coast ocean
	special map[string][]float32
}

func newGeography(g grid.Grid, masks LandMasks) (*geography, error) {
	land := masks.LandFraction()
	if len(land) != g.Cells() {
		return nil, fmt.Errorf("twin: land fraction has %d cells, grid %v has %d", len(land), g, g.Cells())
	}
	geo := &geography{g: g, land: land, special: map[string][]float32{}}
	for r := range g.NLat {
		geo.latDeg = append(geo.latDeg, g.LatCentre(r))
		geo.areaM2 = append(geo.areaM2, g.RowAreaM2(r))
	}
	for c := range g.NLon {
		geo.lonDeg = append(geo.lonDeg, g.LonCentre(c))
	}
	geo.cont = boxBlur(g, land, 10)
	geo.coast = boxBlur(g, land, 3)
	for _, id := range []string{regionAmazonia, regionCanada, regionSoutheastAsia} {
		w, err := masks.Weights(id)
		if err != nil {
			return nil, fmt.Errorf("twin: region mask: %w", err)
		}
		geo.special[id] = w
	}
	return geo, nil
}

// cellsPerDeg converts a radius in degrees to cells (at least one).
func cellsPerDeg(g grid.Grid, deg float64) int { return max(1, int(math.Round(deg/g.DLat))) }

// boxBlur averages v over a box of ±radiusDeg in latitude and longitude,
// wrapping in longitude and clamping at the poles, with running sums.
func boxBlur(g grid.Grid, v []float32, radiusDeg float64) []float32 {
	k := cellsPerDeg(g, radiusDeg)
	tmp := make([]float32, len(v))
	for r := range g.NLat {
		row := v[r*g.NLon : (r+1)*g.NLon]
		var s float64
		for d := -k; d <= k; d++ {
			s += float64(row[(d+g.NLon)%g.NLon])
		}
		for c := range g.NLon {
			tmp[r*g.NLon+c] = float32(s / float64(2*k+1))
			s += float64(row[(c+k+1)%g.NLon]) - float64(row[(c-k+g.NLon)%g.NLon])
		}
	}
	out := make([]float32, len(v))
	for c := range g.NLon {
		for r := range g.NLat {
			var s float64
			n := 0
			for d := max(0, r-k); d <= min(g.NLat-1, r+k); d++ {
				s += float64(tmp[d*g.NLon+c])
				n++
			}
			out[r*g.NLon+c] = float32(s / float64(n))
		}
	}
	return out
}

// gauss is exp(-((x-x0)/w)²).
func gauss(x, x0, w float64) float64 { d := (x - x0) / w; return math.Exp(-d * d) }

// gaussLon is gauss in longitude with wrap-around.
func gaussLon(lon, lon0, w float64) float64 {
	d := math.Mod(lon-lon0+540, 360) - 180
	d /= w
	return math.Exp(-d * d)
}

// box is 1 inside [lat0, lat1] × [lon0, lon1] with logistic edges of
// about edge degrees; longitudes are -180..180 and lon0 < lon1.
func box(lat, lon, lat0, lat1, lon0, lon1, edge float64) float64 {
	return ramp(lat-lat0, edge) * ramp(lat1-lat, edge) * ramp(lon-lon0, edge) * ramp(lon1-lon, edge)
}

func ramp(x, edge float64) float64 { return 1 / (1 + math.Exp(-4*x/edge)) }

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }
