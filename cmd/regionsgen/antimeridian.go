package main

import (
	"encoding/json"
	"fmt"
	"math"
)

// ring is a closed ring of (lon, lat) points; polygon is an outer ring
// and its holes.
type (
	ring    [][2]float64
	polygon []ring
)

// parseGeoJSONPolygons reads a Polygon or MultiPolygon from GeoJSON.
func parseGeoJSONPolygons(s string) ([]polygon, error) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal([]byte(s), &g); err != nil {
		return nil, err
	}
	switch g.Type {
	case "Polygon":
		var p polygon
		err := json.Unmarshal(g.Coordinates, &p)
		return []polygon{p}, err
	case "MultiPolygon":
		var ps []polygon
		err := json.Unmarshal(g.Coordinates, &ps)
		return ps, err
	}
	return nil, fmt.Errorf("geometry type %q, want Polygon or MultiPolygon", g.Type)
}

// fixAntimeridian makes a polygon rasterisable on a plane. world-atlas
// draws for a sphere: Russia's and Fiji's rings jump from +180° to −180°
// and back, which a planar rasteriser fills as a band of latitude right
// round the globe, and Antarctica's coastline runs round the South Pole.
// Each ring is unwrapped (longitudes made continuous, so Chukotka lies at
// 180–191°E); a ring that then does not close goes round a pole and is
// closed through it; rings of no planar area (world-atlas's ring along
// 89.999°S, whose coordinates are all one latitude) are dropped. The result is the polygon plus, when it reaches past ±180°,
// a copy shifted by 360° so the part beyond the edge is burned too.
func fixAntimeridian(p polygon) []polygon {
	var out polygon
	for _, r := range p {
		if math.Abs(planarArea(r)) < 1e-9 {
			continue
		}
		u := unwrapRing(r)
		if len(out) > 0 { // keep holes next to their outer ring
			u = shiftNear(u, centreLon(out[0]))
		}
		out = append(out, u)
	}
	if len(out) == 0 {
		return nil
	}
	polys := []polygon{out}
	west, east := lonRange(out)
	if east > 180 {
		polys = append(polys, shiftPolygon(out, -360))
	}
	if west < -180 {
		polys = append(polys, shiftPolygon(out, 360))
	}
	return polys
}

func unwrapRing(r ring) ring {
	u := make(ring, len(r))
	offset := 0.0
	for i, pt := range r {
		if i > 0 {
			switch dx := pt[0] - r[i-1][0]; {
			case dx > 180:
				offset -= 360
			case dx < -180:
				offset += 360
			}
		}
		u[i] = [2]float64{pt[0] + offset, pt[1]}
	}
	if offset == 0 {
		return u
	}
	// Round a pole: from the last point along the pole's parallel back to
	// the first.
	pole := 90.0
	if r[0][1] < 0 {
		pole = -90
	}
	last, first := u[len(u)-1], u[0]
	return append(u, [2]float64{last[0], pole}, [2]float64{first[0], pole}, first)
}

// planarArea is the signed shoelace area in square degrees.
func planarArea(r ring) float64 {
	var a float64
	for i := 1; i < len(r); i++ {
		a += r[i-1][0]*r[i][1] - r[i][0]*r[i-1][1]
	}
	return a / 2
}

func lonRange(p polygon) (west, east float64) {
	west, east = math.Inf(1), math.Inf(-1)
	for _, r := range p {
		for _, pt := range r {
			west, east = math.Min(west, pt[0]), math.Max(east, pt[0])
		}
	}
	return west, east
}

func centreLon(r ring) float64 {
	w, e := lonRange(polygon{r})
	return (w + e) / 2
}

// shiftNear moves a ring by whole turns so its centre is within 180° of lon.
func shiftNear(r ring, lon float64) ring {
	d := math.Round((lon-centreLon(r))/360) * 360
	if d == 0 {
		return r
	}
	return shiftPolygon(polygon{r}, d)[0]
}

func shiftPolygon(p polygon, dLon float64) polygon {
	out := make(polygon, len(p))
	for i, r := range p {
		out[i] = make(ring, len(r))
		for j, pt := range r {
			out[i][j] = [2]float64{pt[0] + dLon, pt[1]}
		}
	}
	return out
}
