package twin

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// A shipRoute is a line ships of opportunity and research vessels run
// again and again: the reason SOCAT's data are dense in the North
// Atlantic and North Pacific and sparse in the Southern Ocean, where most
// cruises happen in austral summer.
type shipRoute struct {
	ship      string       // NODC-style platform code: country digits + two letters
	waypoints [][2]float64 // lat, lon
	perMonth  float64      // mean cruises per month
	season    func(m time.Month) float64
}

func always(time.Month) float64 { return 1 }

// australSummer: resupply and research cruises, November to March.
func australSummer(m time.Month) float64 {
	if m >= time.November || m <= time.March {
		return 1
	}
	return 0.1
}

// drake: year-round crossings, fewer in austral winter.
func drake(m time.Month) float64 {
	if m >= time.May && m <= time.September {
		return 0.35
	}
	return 1
}

// borealSummer: high northern routes sail less in winter.
func borealSummer(m time.Month) float64 {
	if m >= time.May && m <= time.September {
		return 1
	}
	return 0.3
}

var shipRoutes = []shipRoute{
	{"74TA", [][2]float64{{50, -5.5}, {47, -12}, {38, -30}, {25, -55}, {18.5, -64.5}}, 4, always},
	{"58TB", [][2]float64{{64, -22.5}, {60, -35}, {53, -47}, {47.5, -52}}, 3, borealSummer},
	{"64TC", [][2]float64{{49.5, -4}, {46, -25}, {42, -50}, {40.3, -71.5}}, 4, always},
	{"77TD", [][2]float64{{60, 4}, {66, 0}, {72, 5}, {76, 10}}, 2, borealSummer},
	{"33TE", [][2]float64{{25, -79.8}, {32, -79}, {36, -74.5}, {41, -69}, {43.5, -66}}, 3, always},
	{"29TF", [][2]float64{{42, -10}, {30, -18}, {15, -25}, {0, -30}, {-15, -35}, {-23.5, -41.5}}, 1.5, always},
	{"06TG", [][2]float64{{53.5, 3}, {56, 4}, {58.5, 5}}, 3, always},
	{"49TH", [][2]float64{{35, 142}, {42, 160}, {48, -175}, {49, -150}, {48.3, -126}}, 3, always},
	{"49TI", [][2]float64{{34, 141}, {31, 165}, {30, -170}, {31, -140}, {33.5, -119}}, 2.5, always},
	{"49TJ", [][2]float64{{34, 141}, {20, 142}, {5, 145}, {-10, 154}, {-27, 154}}, 1.5, always},
	{"33TK", [][2]float64{{48, -126}, {35, -140}, {21.5, -157.5}}, 2, always},
	{"33TL", [][2]float64{{55, -160}, {57, -170}, {60, -175}}, 1, borealSummer},
	{"33TM", [][2]float64{{8, -140}, {-8, -140}}, 1, always},
	{"35TN", [][2]float64{{7, -80}, {-5, -110}, {-17.5, -149.5}}, 0.8, always},
	{"33TO", [][2]float64{{8, -110}, {-8, -110}}, 0.8, always},
	{"91TP", [][2]float64{{-35, 19}, {-30, 40}, {-20, 65}, {-5, 90}, {2, 102}}, 0.7, always},
	{"49TQ", [][2]float64{{22, 62}, {15, 62}, {8, 68}, {5, 75}}, 0.5, always},
	{"32TR", [][2]float64{{-55.2, -65.5}, {-58.5, -63.5}, {-62, -61}}, 2, drake},
	{"09TS", [][2]float64{{-44, 147.5}, {-50, 145}, {-58, 142}, {-65, 140}}, 0.8, australSummer},
	{"91TT", [][2]float64{{-35, 18}, {-45, 10}, {-55, 3}, {-68, 0}}, 0.6, australSummer},
	{"91TU", [][2]float64{{-45, 172}, {-55, 175}, {-65, 178}, {-74, 178}}, 0.5, australSummer},
	{"06TV", [][2]float64{{-34.5, 18}, {-33, 0}, {-30, -20}, {-23.5, -42}}, 1, always},
}

// Moorings sample every few hours all month (BATS, HOT ALOHA, Station
// Papa, and the Southern Ocean Flux Station, serviced less in winter).
var moorings = []struct {
	code     string
	lat, lon float64
	season   func(time.Month) float64
}{
	{"33WB", 31.7, -64.2, always}, {"33WH", 22.75, -158, always}, {"33WP", 50.1, -144.9, always}, {"09WS", -46.7, 142, drake},
}

const (
	shipSpeedKmPerHour = 20.0   // about 11 knots
	shipSpacingKm      = 30.0   // one reported value every 1.5 hours
	mooringStepHours   = 4      // moorings report six times a day
	mesoscaleKm        = 60.0   // decorrelation length of sub-grid fCO2 variability
	fco2NoiseUatm      = 2.5    // measurement noise (SOCAT flag A–B accuracy is 2 µatm)
	earthRadiusKm      = 6371.0 // for track lengths
)

// shipObs is one row of a SOCAT file.
type shipObs struct {
	expocode, qc string
	t            time.Time
	latDeg       float64
	lonDeg       float64 // -180..180; written 0..360
	sst, sal     float64
	pressureHPa  float64
	fco2         float64
	flag         int
	woaSSS       float64
	depthM       float64
	distKm       float64
	xco2         float64
	lon360       bool // write a 0° longitude as 360 (SOCAT has both)
}

// sampleShips draws month m's ship and mooring observations from the true
// fields of f.
func (w *World) sampleShips(f *MonthFields) []shipObs {
	m := f.Month
	r := newRand(w.opt.Seed, "socat", m.Year, int(m.Month))
	xco2 := (f.Budget.CO2StartPPM + f.Budget.CO2EndPPM) / 2
	var cruises [][]shipObs
	for _, rt := range shipRoutes {
		n := poisson(r, rt.perMonth*rt.season(m.Month))
		for range n {
			if obs := w.cruise(r, f, rt, xco2); len(obs) > 0 {
				cruises = append(cruises, obs)
			}
		}
	}
	for _, mo := range moorings {
		if r.Float64() < mo.season(m.Month) {
			if obs := w.mooring(r, f, mo.code, mo.lat, mo.lon, xco2); len(obs) > 0 {
				cruises = append(cruises, obs)
			}
		}
	}
	sort.SliceStable(cruises, func(i, j int) bool { return cruises[i][0].expocode < cruises[j][0].expocode })
	var out []shipObs
	for _, c := range cruises {
		out = append(out, c...)
	}
	return out
}

// cruise sails one cruise along rt from a random day of the month, with a
// wandering offset from the route, until it arrives or the month ends.
func (w *World) cruise(r *rand.Rand, f *MonthFields, rt shipRoute, xco2 float64) []shipObs {
	m := f.Month
	wp := rt.waypoints
	if r.IntN(2) == 1 {
		wp = reversed(wp)
	}
	start := m.Start().Add(time.Duration(r.Float64() * float64(m.End().Sub(m.Start())-24*time.Hour)))
	expocode := rt.ship + start.Format("20060102")
	qc := cruiseQC(r)
	wander, phase := 1.5*r.Float64(), 2*math.Pi*r.Float64()
	var obs []shipObs
	var meso, travelled float64
	t := start
	for leg := 0; leg+1 < len(wp); leg++ {
		dist := greatCircleKm(wp[leg], wp[leg+1])
		for s := 0.0; s < dist; s += shipSpacingKm {
			if !t.Before(m.End()) {
				return obs
			}
			x := s / dist
			lat := wp[leg][0] + x*(wp[leg+1][0]-wp[leg][0])
			lon := interpLon(wp[leg][1], wp[leg+1][1], x)
			off := wander * math.Sin(2*math.Pi*travelled/2000+phase)
			lat, lon = lat+off, wrapLon(lon+0.5*off)
			meso = math.Exp(-shipSpacingKm/mesoscaleKm)*meso + math.Sqrt(1-math.Exp(-2*shipSpacingKm/mesoscaleKm))*r.NormFloat64()
			if o, ok := w.observe(r, f, expocode, qc, t, lat, lon, meso, xco2); ok {
				o.lon360 = len(obs)%2 == 1
				obs = append(obs, o)
			}
			t = t.Add(time.Duration(shipSpacingKm / shipSpeedKmPerHour * float64(time.Hour)))
			travelled += shipSpacingKm
		}
	}
	return obs
}

// mooring reports at a fixed place all month.
func (w *World) mooring(r *rand.Rand, f *MonthFields, code string, lat, lon, xco2 float64) []shipObs {
	m := f.Month
	expocode := code + m.Start().Format("20060102")
	qc := cruiseQC(r)
	var obs []shipObs
	var meso float64
	for t := m.Start(); t.Before(m.End()); t = t.Add(mooringStepHours * time.Hour) {
		meso = 0.9*meso + 0.436*r.NormFloat64()
		if o, ok := w.observe(r, f, expocode, qc, t, lat, lon, meso, xco2); ok {
			obs = append(obs, o)
		}
	}
	return obs
}

// observe measures the true fields at (lat, lon): the cell's fCO2 plus
// sub-grid variability and measurement noise, rare questionable and bad
// values with their WOCE flags, and the ancillary columns. Points on land
// or in ice give nothing.
func (w *World) observe(r *rand.Rand, f *MonthFields, expocode, qc string, t time.Time, lat, lon, meso, xco2 float64) (shipObs, bool) {
	g := w.geo.g
	i, ok := g.Locate(lat, lon)
	if !ok || w.geo.land[i] >= 0.5 || !(f.Siconc[i] < 0.3) || f.FCO2SeaUatm[i] != f.FCO2SeaUatm[i] {
		return shipObs{}, false
	}
	sigma := 6 + 4*clamp((math.Abs(lat)-30)/30, 0, 1)
	o := shipObs{expocode: expocode, qc: qc, t: t, latDeg: lat, lonDeg: lon, xco2: xco2, flag: 2}
	o.fco2 = float64(f.FCO2SeaUatm[i]) + sigma*meso + fco2NoiseUatm*r.NormFloat64()
	o.sst = float64(f.SstC[i]) + 0.3*r.NormFloat64()
	o.sal = float64(f.SalinityPSU[i]) + 0.05*r.NormFloat64()
	o.pressureHPa = float64(f.MslHPa[i]) + 0.5*r.NormFloat64()
	o.woaSSS = float64(w.st.sssBase[i])
	coast := float64(w.geo.coast[i])
	o.depthM = math.Round(200 + 4800*clamp(1-3*coast, 0, 1))
	o.distKm = math.Round(10 + 1500*clamp(1-2*coast, 0, 1))
	switch u := r.Float64(); {
	case u < 0.003:
		o.flag, o.fco2 = 4, o.fco2*(0.3+1.4*r.Float64())
	case u < 0.01:
		o.flag, o.fco2 = 3, o.fco2+20*r.NormFloat64()
	}
	o.fco2 = math.Max(0, o.fco2)
	return o, true
}

// cruiseQC draws a SOCAT data-set flag: A–D for usable cruises, a few E.
func cruiseQC(r *rand.Rand) string {
	switch u := r.Float64(); {
	case u < 0.25:
		return "A"
	case u < 0.5:
		return "B"
	case u < 0.7:
		return "C"
	case u < 0.95:
		return "D"
	}
	return "E"
}

func poisson(r *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func reversed(wp [][2]float64) [][2]float64 {
	out := make([][2]float64, len(wp))
	for i := range wp {
		out[i] = wp[len(wp)-1-i]
	}
	return out
}

func greatCircleKm(a, b [2]float64) float64 {
	la1, la2 := a[0]*math.Pi/180, b[0]*math.Pi/180
	dl := (math.Mod(b[1]-a[1]+540, 360) - 180) * math.Pi / 180
	c := math.Sin(la1)*math.Sin(la2) + math.Cos(la1)*math.Cos(la2)*math.Cos(dl)
	return earthRadiusKm * math.Acos(math.Max(-1, math.Min(1, c)))
}

// interpLon interpolates longitude the short way round.
func interpLon(a, b, x float64) float64 {
	d := math.Mod(b-a+540, 360) - 180
	return wrapLon(a + x*d)
}

func wrapLon(lon float64) float64 { return math.Mod(lon+540, 360) - 180 }
