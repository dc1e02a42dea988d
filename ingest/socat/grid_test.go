package socat

import (
	"bytes"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func TestGrid(t *testing.T) {
	g := grid.MustNew(1)
	m := grid.Month{Year: 2023, Month: 1}
	at := func(day int) time.Time { return time.Date(2023, 1, day, 0, 0, 0, 0, time.UTC) }
	obs := []Obs{
		// Cell (10.5 N, 20.5 E): cruise X three times, cruise Y once.
		{Expocode: "X", Time: at(1), LatDeg: 10.2, LonDeg: 20.1, FCO2RecUatm: 300},
		{Expocode: "X", Time: at(1), LatDeg: 10.3, LonDeg: 20.2, FCO2RecUatm: 310},
		{Expocode: "X", Time: at(31).Add(23 * time.Hour), LatDeg: 10.4, LonDeg: 20.3, FCO2RecUatm: 320},
		{Expocode: "Y", Time: at(15), LatDeg: 10.9, LonDeg: 20.9, FCO2RecUatm: 400},
		// Just west of Greenwich, written as -0.3: one cell.
		{Expocode: "Z", Time: at(2), LatDeg: -5.5, LonDeg: -0.3, FCO2RecUatm: 380},
		{Expocode: "Z", Time: at(2), LatDeg: -5.5, LonDeg: -0.7, FCO2RecUatm: 390},
		// Other months: left out.
		{Expocode: "X", Time: at(1).Add(-time.Second), LatDeg: 10.2, LonDeg: 20.1, FCO2RecUatm: 1000},
		{Expocode: "X", Time: m.End(), LatDeg: 10.2, LonDeg: 20.1, FCO2RecUatm: 1000},
	}
	gd := Grid(obs, g, m)
	if gd.Used != 6 {
		t.Errorf("Used = %d, want 6", gd.Used)
	}
	a, _ := g.Locate(10.5, 20.5)
	// Plain mean (300+310+320+400)/4 = 332.5; cruise mean (310+400)/2 = 355.
	if v := gd.FCO2Uatm.Values[a]; v != 332.5 {
		t.Errorf("mean = %v, want 332.5", v)
	}
	if v := gd.FCO2CruiseMeanUatm.Values[a]; v != 355 {
		t.Errorf("cruise mean = %v, want 355", v)
	}
	if gd.Count.Values[a] != 4 || gd.Cruises.Values[a] != 2 {
		t.Errorf("count %v cruises %v, want 4 and 2", gd.Count.Values[a], gd.Cruises.Values[a])
	}
	b, _ := g.Locate(-5.5, 359.5)
	if gd.FCO2Uatm.Values[b] != 385 || gd.Count.Values[b] != 2 || gd.Cruises.Values[b] != 1 {
		t.Errorf("cell west of Greenwich: mean %v count %v cruises %v, want 385, 2, 1", gd.FCO2Uatm.Values[b], gd.Count.Values[b], gd.Cruises.Values[b])
	}
	var cells int
	for i, v := range gd.FCO2Uatm.Values {
		if !math.IsNaN(float64(v)) {
			cells++
		} else if gd.Count.Values[i] != 0 || !math.IsNaN(float64(gd.FCO2CruiseMeanUatm.Values[i])) {
			t.Fatalf("cell %d: no mean but count %v", i, gd.Count.Values[i])
		}
	}
	if cells != 2 {
		t.Errorf("%d cells with data, want 2", cells)
	}
	for _, f := range []*grid.Field{gd.FCO2Uatm, gd.FCO2CruiseMeanUatm, gd.Count, gd.Cruises} {
		if err := f.Check(); err != nil {
			t.Error(err)
		}
	}
	if gd.FCO2Uatm.Units != "uatm" {
		t.Errorf("units %q, want uatm", gd.FCO2Uatm.Units)
	}
}

// TestWriteRoundTrip writes the kept observations and reads them back.
func TestWriteRoundTrip(t *testing.T) {
	res, err := ReadFile(filepath.Join("testdata", "synthesis_v2024.tsv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	obs := append(res.Obs, Obs{Expocode: "W", QC: "B", Time: time.Date(2020, 6, 30, 23, 59, 1, 123456789, time.UTC),
		LatDeg: -77.123456789, LonDeg: -179.987654321, SSTDegC: -1.9, Salinity: 34.1, FCO2RecUatm: 412.345678, FCO2Flag: 2})
	var buf bytes.Buffer
	if err := Write(&buf, obs); err != nil {
		t.Fatal(err)
	}
	back, err := Read(&buf, "roundtrip.tsv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Obs) != len(obs) || len(back.Dropped) != 0 {
		t.Fatalf("%d obs back (dropped %v), want %d", len(back.Obs), back.Dropped, len(obs))
	}
	eq := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	for i, o := range obs {
		b := back.Obs[i]
		// Longitude goes through 0..360 and back: 1e-9° (0.1 mm) covers
		// the float64 rounding of ±360. Seconds are written as a decimal:
		// 1 µs covers their rounding.
		if b.Expocode != o.Expocode || b.QC != o.QC || b.FCO2Flag != o.FCO2Flag || !eq(b.LatDeg, o.LatDeg) ||
			math.Abs(b.LonDeg-o.LonDeg) > 1e-9 || b.Time.Sub(o.Time).Abs() > time.Microsecond ||
			!eq(b.SSTDegC, o.SSTDegC) || !eq(b.Salinity, o.Salinity) || !eq(b.FCO2RecUatm, o.FCO2RecUatm) {
			t.Errorf("obs %d: wrote %+v, read %+v", i, o, b)
		}
	}
}
