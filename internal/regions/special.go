package regions

// amazoniaLonLat outlines pan-Amazonia, the Amazon basin's lowland forest
// with the Guiana Shield, after the limits of RAISG (the Amazon Network of
// Georeferenced Socio-Environmental Information): the Andes' eastern
// foothills to the west, the Orinoco to the north, the forest edge in
// Bolivia, Mato Grosso, Tocantins and Maranhão to the south and east. It
// is our hand-drawn approximation (27 vertices, about 100 km accuracy),
// not an official mask; Ke et al. (2024) discuss Amazonia without one. It
// runs out to sea along the coast, which does not matter because it is
// applied to the land of the RECCAP2 South America region only.
var amazoniaLonLat = [][2]float64{
	{-75.5, 2}, {-77, 0.5}, {-78, -2}, {-78.5, -5}, {-77, -8}, {-75, -11}, {-72, -13.5}, {-69, -15},
	{-66, -17.5}, {-63, -18}, {-60, -16}, {-57, -15.5}, {-54, -13}, {-51, -12}, {-49, -10}, {-47, -6},
	{-44, -4}, {-44, -1}, {-48, 1}, {-51, 5}, {-54, 6.5}, {-58, 7.5}, {-60, 9}, {-62, 9}, {-67, 6.5},
	{-70, 4.5}, {-72, 4},
}

// inAmazonia reports whether a cell centre lies inside amazoniaLonLat.
func inAmazonia(lat, lon float64) bool { return inPolygon(amazoniaLonLat, lon, lat) }

// inPolygon is the even-odd rule for a planar lon/lat ring (no pole or
// antimeridian crossing).
func inPolygon(ring [][2]float64, x, y float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		xi, yi, xj, yj := ring[i][0], ring[i][1], ring[j][0], ring[j][1]
		if (yi > y) != (yj > y) && x < xi+(y-yi)*(xj-xi)/(yj-yi) {
			in = !in
		}
	}
	return in
}
