package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/figure"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// figureInputs is a small report's inputs: four years, the last one's
// S_LAND provisional, RECCAP2 rows with anomalies, a 2° grid.
func figureInputs() Inputs {
	var monthly, annual []lake.Row
	for _, m := range grid.Range(grid.Month{Year: 2020, Month: 1}, grid.Month{Year: 2023, Month: 12}) {
		prov := m.Year == 2023 && m.Month >= 10
		monthly = append(monthly, lake.Row{Period: m.String(), Window: "month", EFos: 0.8, EFosSigma: 0.04, GAtm: 0.4 + 0.1*math.Sin(float64(m.Month)),
			GAtmSigma: 0.02, SOcean: 0.15, SOceanSigma: 0.03, SLand: 0.25, SLandSigma: 0.08, BIm: -0.1, BImSigma: 0.1, Provisional: prov, Months: 1})
		if m.Month == 12 {
			r := lake.Row{Period: fmt.Sprint(m.Year), Window: "calendar-year", EFos: 9.6, EFosSigma: 0.5, ELUC: 1.1, ELUCSigma: 0.7, GAtm: 4.9, GAtmSigma: 0.2,
				SOcean: 2.9, SOceanSigma: 0.4, SLand: 3.2, SLandSigma: 0.9, SCement: 0.2, BIm: -0.3, BImSigma: 1.2, SLandAnomaly: math.NaN(), Months: 12}
			if m.Year == 2023 {
				r.Provisional, r.ProvisionalTerms = true, "s_land"
			}
			annual = append(annual, r)
		}
	}
	m := grid.Month{Year: 2023, Month: 12}
	var regional []lake.RegionRow
	for i, n := range []string{"Europe", "Africa", "North America"} {
		regional = append(regional, lake.RegionRow{Month: m.String(), RegionID: "reccap2-land/" + n, Name: n, Kind: "reccap2-land",
			Component: lake.CompLand, GtC: 0.05, SigmaGtC: 0.01, AnomalyGtC: 0.02 * float64(i-1)})
	}
	regional = append(regional, lake.RegionRow{Month: m.String(), RegionID: "reccap2-ocean/atlantic", Name: "Atlantic", Kind: "reccap2-ocean",
		Component: lake.CompOcean, GtC: 0.1, SigmaGtC: 0.01, AnomalyGtC: -0.015},
		lake.RegionRow{Month: m.String(), RegionID: "BRA", Name: "Brazil", Kind: "country", Component: lake.CompLand, AnomalyGtC: 9})
	g := grid.MustNew(2)
	v := make([]float32, g.Cells())
	for i := range v {
		lat, lon := g.Centre(i)
		v[i] = float32(lat/10 + lon/40)
	}
	gm := output.GridMonth{Grid: g, Month: m, Columns: []output.Column{{Name: "nbp_mean", Values: v}, {Name: "ocean_uptake_mean", Values: v}}}
	return Inputs{Month: m, Grid: gm, Monthly: monthly, Annual: annual, Regional: regional}
}

// TestFigureLayouts decodes every figure and checks that its key (legend
// or colorbar) lies outside the plotted data, that the key shows the
// colours it explains, and that the data area holds the data's colours.
func TestFigureLayouts(t *testing.T) {
	figs, err := figures(figureInputs())
	if err != nil {
		t.Fatal(err)
	}
	mapKey := []color.RGBA{{0x21, 0x66, 0xac, 255}, {0xb2, 0x18, 0x2b, 255}} // RdBu stops at ∓0.8 of the scale
	want := map[string][]color.RGBA{
		"annual_budget":    {termColors["E_FOS"], termColors["E_LUC"], termColors["S_OCEAN"], termColors["S_LAND"], termColors["B_IM"]},
		"monthly_budget":   {termColors["E_FOS"], termColors["G_ATM"], termColors["S_OCEAN"], termColors["S_LAND"], termColors["B_IM"]},
		"regional_anomaly": {termColors["S_LAND"], termColors["S_OCEAN"]},
		"map_land":         mapKey,
		"map_ocean":        mapKey,
	}
	for _, f := range figs {
		t.Run(f.name, func(t *testing.T) {
			if f.fig == nil {
				t.Fatal("figure not drawn")
			}
			b, l, err := f.fig.PNG()
			if err != nil {
				t.Fatal(err)
			}
			saveFigure(t, f.name+".png", b)
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			data, key := l.Pixels(l.Data), l.Pixels(l.Key)
			if !data.Intersect(key).Empty() {
				t.Fatalf("key %v overlaps data %v (pixels)", key, data)
			}
			if !key.In(img.Bounds()) || !data.In(img.Bounds()) {
				t.Fatalf("key %v or data %v outside the %v image", key, data, img.Bounds())
			}
			for _, c := range want[f.name] {
				if n := count(img, key, near(c)); n == 0 {
					t.Errorf("key area has no %v: legend or colorbar missing", c)
				}
				if n := count(img, data, near(c)); n == 0 {
					t.Errorf("data area has no %v", c)
				}
			}
			svg, _, err := f.fig.SVG()
			if err != nil {
				t.Fatal(err)
			}
			if err := wellFormed(svg); err != nil {
				t.Errorf("SVG is not well-formed XML: %v", err)
			}
		})
	}
}

// TestAnnualSigns: sources stand above the zero line and sinks hang below
// it, as in the GCB's figures, and the provisional S_LAND bar is hatched
// (white lines across it) while S_OCEAN is not.
func TestAnnualSigns(t *testing.T) {
	in := figureInputs()
	b, l, err := annualFigure(in.Annual).PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, _ := png.Decode(bytes.NewReader(b))
	data := l.Pixels(l.Data)
	// E_LUC and S_OCEAN: colours no axis, text or whisker shares.
	luc, ocean := rowsOf(img, data, near(termColors["E_LUC"])), rowsOf(img, data, near(termColors["S_OCEAN"]))
	if luc.max < 0 || ocean.max < 0 || luc.max >= ocean.min {
		t.Errorf("E_LUC spans rows %v, S_OCEAN %v: the sink is not below the source", luc, ocean)
	}
	// The last year's group is in the rightmost quarter of the data area.
	last := image.Rect(data.Min.X+data.Dx()*3/4, data.Min.Y, data.Max.X, data.Max.Y)
	first := image.Rect(data.Min.X, data.Min.Y, data.Min.X+data.Dx()/4, data.Max.Y)
	if n := count(img, last, near(color.RGBA{255, 255, 255, 255})); n == 0 {
		t.Error("no white at all in the last year's group")
	}
	if hatchedIn(img, last, termColors["S_LAND"]) == 0 {
		t.Error("the provisional year's S_LAND bar is not hatched")
	}
	if n := hatchedIn(img, first, termColors["S_LAND"]); n != 0 {
		t.Errorf("a final year's S_LAND bar has %d hatch pixels", n)
	}
}

// TestRegionalFallsBackToValues: before the baseline is published the
// regional figure shows values and says so, rather than zeros.
func TestRegionalFallsBackToValues(t *testing.T) {
	in := figureInputs()
	for i := range in.Regional {
		in.Regional[i].AnomalyGtC = math.NaN()
	}
	svg, _, err := regionalFigure(in.Month.String(), in.Regional).SVG()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg, []byte("baseline not yet published")) || bytes.Contains(svg, []byte("Brazil")) {
		t.Error("regional figure without anomalies does not say it shows values, or shows a country")
	}
}

// hatchedIn counts white pixels with c directly left and right of them:
// a hatch line across a bar of colour c.
func hatchedIn(img image.Image, r image.Rectangle, c color.RGBA) int {
	n := 0
	isC, isW := near(c), near(color.RGBA{255, 255, 255, 255})
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X + 3; x < r.Max.X-3; x++ {
			if isW(img.At(x, y)) && isC(img.At(x-3, y)) && isC(img.At(x+3, y)) {
				n++
			}
		}
	}
	return n
}

type span struct{ min, max int }

func rowsOf(img image.Image, r image.Rectangle, pred func(color.Color) bool) span {
	s := span{math.MaxInt, -1}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if pred(img.At(x, y)) {
				s.min, s.max = min(s.min, y), max(s.max, y)
			}
		}
	}
	return s
}

func count(img image.Image, r image.Rectangle, pred func(color.Color) bool) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if pred(img.At(x, y)) {
				n++
			}
		}
	}
	return n
}

// near matches c within 6 of 255 per channel (anti-aliasing aside, a
// filled area is drawn in exactly its colour).
func near(c color.RGBA) func(color.Color) bool {
	return func(x color.Color) bool {
		r, g, b, _ := x.RGBA()
		d := func(p uint32, q uint8) bool { return math.Abs(float64(p>>8)-float64(q)) <= 6 }
		return d(r, c.R) && d(g, c.G) && d(b, c.B)
	}
}

func wellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// saveFigure keeps a figure for a look when CARBONBUDGET_FIGURE_DIR is set.
func saveFigure(t *testing.T, name string, b []byte) {
	if dir := os.Getenv("CARBONBUDGET_FIGURE_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Error(err)
		}
	}
}

// TestAnomalyMaps: with the baseline's anomalies the report draws the
// anomaly maps beside the flux maps, titled as anomalies, and report.md
// shows them; without, it says why there are none.
func TestAnomalyMaps(t *testing.T) {
	in := figureInputs()
	land := grid.NewField(in.Grid.Grid, "nbp_anomaly", "g C m-2 month-1")
	for i := range land.Values {
		land.Values[i] = float32(i%7) - 3
	}
	in.LandAnomaly, in.OceanAnomaly = land, land
	figs, err := figures(in)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]*figure.Figure{}
	for _, f := range figs {
		names[f.name] = f.fig
	}
	for _, n := range []string{"map_land", "map_ocean", "map_land_anomaly", "map_ocean_anomaly"} {
		if names[n] == nil {
			t.Fatalf("no %s figure", n)
		}
	}
	svg, _, err := names["map_land_anomaly"].SVG()
	if err != nil || !bytes.Contains(svg, []byte("Land: anomaly of the net flux to the atmosphere, 2023-12")) {
		t.Errorf("land anomaly map's title wrong (%v)", err)
	}
	drawn := map[string]bool{}
	for n, f := range names {
		drawn[n] = f != nil
	}
	if md := reportMarkdown(in, drawn); !bytes.Contains([]byte(md), []byte("(map_ocean_anomaly.png)")) {
		t.Error("report.md does not show the ocean anomaly map")
	}
	in.LandAnomaly, in.OceanAnomaly = nil, nil
	drawn["map_land_anomaly"], drawn["map_ocean_anomaly"] = false, false
	if md := reportMarkdown(in, drawn); !bytes.Contains([]byte(md), []byte("No anomaly maps: the baseline is not yet published")) {
		t.Error("report.md without anomalies does not say why")
	}
}

// BenchmarkWrite writes a month's report (five figures as PNG and SVG
// and report.md) on the 1° grid.
func BenchmarkWrite(b *testing.B) {
	in := figureInputs()
	g := grid.MustNew(1)
	v := make([]float32, g.Cells())
	for i := range v {
		lat, lon := g.Centre(i)
		v[i] = float32(lat/10 + lon/40)
	}
	in.Grid = output.GridMonth{Grid: g, Month: in.Month, Columns: []output.Column{{Name: "nbp_mean", Values: v}, {Name: "ocean_uptake_mean", Values: v}}}
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(dir, in); err != nil {
			b.Fatal(err)
		}
	}
}
