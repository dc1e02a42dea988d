package twin

import "math"

// solarConstantWPerM2 is the total solar irradiance (Kopp and Lean 2011,
// Geophys. Res. Lett. 38, L01706).
const solarConstantWPerM2 = 1361.0

// dailyInsolationWPerM2 is the daily-mean top-of-atmosphere insolation at
// latitude latDeg on day of year doy (1..365): Q = S0/π·(d0/d)²·(h0·sinφ·sinδ
// + cosφ·cosδ·sin h0), with declination δ = 23.44°·sin(2π(284+doy)/365)
// (Cooper 1969) and h0 the sunset hour angle (Hartmann, Global Physical
// Climatology, 2nd ed., eq. 2.15).
func dailyInsolationWPerM2(latDeg float64, doy int) float64 {
	phi := latDeg * math.Pi / 180
	delta := 23.44 * math.Pi / 180 * math.Sin(2*math.Pi*float64(284+doy)/365)
	dist := 1 + 0.033*math.Cos(2*math.Pi*float64(doy)/365)
	x := -math.Tan(phi) * math.Tan(delta)
	var h0 float64
	switch {
	case x >= 1:
		h0 = 0 // polar night
	case x <= -1:
		h0 = math.Pi // polar day
	default:
		h0 = math.Acos(x)
	}
	q := solarConstantWPerM2 / math.Pi * dist * (h0*math.Sin(phi)*math.Sin(delta) + math.Cos(phi)*math.Cos(delta)*math.Sin(h0))
	return math.Max(0, q)
}

// monthlyInsolation returns the month-mean TOA insolation of each row for
// months 1..12 ([row][month-1]), averaged over every day of a 365-day year.
func monthlyInsolation(latDeg []float64) [][12]float32 {
	starts := [13]int{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365}
	out := make([][12]float32, len(latDeg))
	for r, lat := range latDeg {
		for m := range 12 {
			var s float64
			for d := starts[m] + 1; d <= starts[m+1]; d++ {
				s += dailyInsolationWPerM2(lat, d)
			}
			out[r][m] = float32(s / float64(starts[m+1]-starts[m]))
		}
	}
	return out
}
