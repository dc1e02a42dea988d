package server

import (
	"bytes"
	"encoding/json"
	"image/png"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// TestMapData: the dashboard's map data gives every cell its value as a
// flux to the atmosphere and its region, and each region's value of the
// month equals the regions endpoint's; an unknown term is refused.
func TestMapData(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 3})
	ts := newTestServer(t, out)
	resp, body := get(t, ts, "/api/v1/mapdata/2023-02?term=fossil&anomaly=0")
	if resp.StatusCode != 200 {
		t.Fatalf("mapdata: %d %s", resp.StatusCode, body)
	}
	var d struct {
		NLat, NLon int
		Limit      float64
		Anomaly    bool
		Component  string
		Values     []*float64
		Region     []int32
		Regions    []struct {
			ID       string
			Name     string
			ValueGtC *float64 `json:"value_gtc"`
			SigmaGtC *float64 `json:"sigma_gtc"`
		}
	}
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	g := grid.MustNew(2)
	if d.NLat != g.NLat || d.NLon != g.NLon || len(d.Values) != g.Cells() || len(d.Region) != g.Cells() {
		t.Fatalf("map of %dx%d with %d values, %d regions; want the 2° grid", d.NLat, d.NLon, len(d.Values), len(d.Region))
	}
	// The fixture's fossil column is 0.01·latitude; 4 significant digits.
	for _, i := range []int{0, g.Cells() / 3, g.Cells() - 1} {
		lat, _ := g.Centre(i)
		if d.Values[i] == nil || math.Abs(*d.Values[i]-lat*0.01) > 1e-4*math.Abs(lat*0.01) {
			t.Errorf("cell %d: value %v, want %g", i, d.Values[i], lat*0.01)
		}
	}
	if d.Anomaly || d.Component != lake.CompFossil || d.Limit <= 0 {
		t.Errorf("anomaly %v, component %q, limit %g", d.Anomaly, d.Component, d.Limit)
	}
	// 10°S 52°W is Brazil.
	cell := g.Index(int((90+10)/2), int((180-52)/2))
	if k := d.Region[cell]; k < 0 || d.Regions[k].ID != "BRA" {
		t.Fatalf("cell at 10°S 52°W is region %d, want BRA", k)
	}
	var api []struct {
		Month    string
		ValueGtC float64 `json:"value_gtc"`
		SigmaGtC float64 `json:"sigma_gtc"`
	}
	_, ab := get(t, ts, "/api/v1/regions/BRA?component=fossil&from=2023-02&to=2023-02")
	if err := json.Unmarshal(ab, &api); err != nil || len(api) != 1 {
		t.Fatalf("regions API: %v %s", err, ab)
	}
	bra := d.Regions[d.Region[cell]]
	if bra.ValueGtC == nil || *bra.ValueGtC != api[0].ValueGtC || bra.SigmaGtC == nil || *bra.SigmaGtC != api[0].SigmaGtC {
		t.Errorf("Brazil on the map: %v ± %v; the regions API: %g ± %g", bra.ValueGtC, bra.SigmaGtC, api[0].ValueGtC, api[0].SigmaGtC)
	}
	if resp, _ := get(t, ts, "/api/v1/mapdata/2023-02?term=wind"); resp.StatusCode != 400 {
		t.Errorf("term=wind: status %d, want 400", resp.StatusCode)
	}
	if resp, _ := get(t, ts, "/api/v1/mapdata/2023-02?term=land"); resp.StatusCode != 404 {
		t.Errorf("term=land on a grid without nbp_mean: status %d, want 404", resp.StatusCode)
	}
}

// TestCountries: every country has its land area, most a population,
// and the big ones are right to within a few per cent.
func TestCountries(t *testing.T) {
	ts := newTestServer(t, fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 1}))
	_, body := get(t, ts, "/api/v1/countries")
	var rows []struct {
		ISO3        string
		Population  *float64
		LandAreaKm2 float64 `json:"land_area_km2"`
	}
	if err := json.Unmarshal(body, &rows); err != nil {
		t.Fatal(err)
	}
	by := map[string]int{}
	withPop := 0
	for i, r := range rows {
		by[r.ISO3] = i
		if r.Population != nil {
			withPop++
		}
	}
	if len(rows) < 230 || withPop < 210 {
		t.Fatalf("%d countries, %d with a population", len(rows), withPop)
	}
	// World Bank 2018: China 1.393e9, India 1.353e9; CIA Factbook land
	// areas: Brazil 8.36e6 km², Germany 0.349e6 km² (Natural Earth keeps
	// lakes as land, so up to ~3 % more).
	for _, c := range []struct {
		iso3       string
		pop, areaK float64
	}{{"CHN", 1.393e9, 0}, {"IND", 1.353e9, 0}, {"BRA", 0, 8.36e6}, {"DEU", 0, 0.349e6}} {
		r := rows[by[c.iso3]]
		if c.pop > 0 && (r.Population == nil || math.Abs(*r.Population/c.pop-1) > 0.01) {
			t.Errorf("%s population %v, want about %g", c.iso3, r.Population, c.pop)
		}
		if c.areaK > 0 && math.Abs(r.LandAreaKm2/c.areaK-1) > 0.04 {
			t.Errorf("%s land area %g km², want about %g", c.iso3, r.LandAreaKm2, c.areaK)
		}
	}
}

// TestReportPage: a month's report is served as HTML with its figures
// linked, its files by name, and nothing else of the month's directory.
func TestReportPage(t *testing.T) {
	out := fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 1})
	dir := lake.MonthDir(out, grid.Month{Year: 2023, Month: 1})
	os.WriteFile(filepath.Join(dir, "report.md"), []byte("# Carbon budget, 2023-01\n\n| term | value |\n|---|---|\n| E_FOS <x> | 0.8 |\n\n![Annual, GtC](annual_budget.png)\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "annual_budget.png"), []byte("\x89PNG fake"), 0o644)
	ts := newTestServer(t, out)
	resp, body := get(t, ts, "/api/v1/months/2023-01/report")
	page := string(body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("report page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"<h1>Carbon budget, 2023-01</h1>", "<th>term</th>", "<td>E_FOS &lt;x&gt;</td>", `alt="Annual, GtC"`} {
		if !strings.Contains(page, want) {
			t.Errorf("report page lacks %q:\n%s", want, page)
		}
	}
	// The image's src, resolved against the page's URL as a browser does,
	// serves the figure.
	src := regexp.MustCompile(`<img src="([^"]+)"`).FindStringSubmatch(page)
	if src == nil {
		t.Fatalf("report page has no image:\n%s", page)
	}
	pageURL, _ := url.Parse(ts.URL + "/api/v1/months/2023-01/report")
	imgURL, _ := pageURL.Parse(src[1])
	if resp, b := get(t, ts, imgURL.Path); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("figure at %s (src %q): %d %s", imgURL.Path, src[1], resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// A release's page asks for the release's figures, not the live ones.
	if html := markdownHTML("![Annual](annual_budget.png)", "report/", "?release=abc"); !strings.Contains(html, `src="report/annual_budget.png?release=abc"`) ||
		!strings.Contains(html, `href="report/annual_budget.svg?release=abc"`) {
		t.Errorf("a release's report page links its figures as %s", html)
	}
	for _, bad := range []string{"budget.json", "manifest.json", "..%2Fbudget.json"} {
		if resp, _ := get(t, ts, "/api/v1/months/2023-01/report/"+bad); resp.StatusCode != 400 {
			t.Errorf("report/%s: status %d, want 400", bad, resp.StatusCode)
		}
	}
}

// TestMapFigurePNG: /api/v1/map draws the figure (title, colorbar)
// rather than the bare raster: taller than the 2:1 map alone.
func TestMapFigurePNG(t *testing.T) {
	ts := newTestServer(t, fixture(t, grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 1}))
	resp, body := get(t, ts, "/api/v1/map/2023-01?var=net_flux")
	img, err := png.Decode(bytes.NewReader(body))
	if resp.StatusCode != 200 || err != nil {
		t.Fatalf("map: %d %v", resp.StatusCode, err)
	}
	if b := img.Bounds(); b.Dx() > 2*b.Dy() || b.Dx() < 1000 {
		t.Errorf("map is %v: not the figure with its colorbar", b)
	}
}

func TestCoarsen(t *testing.T) {
	nan := float32(math.NaN())
	g := grid.Grid{West: -180, North: 90, DLon: 90, DLat: 90, NLon: 4, NLat: 2}
	got := coarsen([]float32{1, 3, nan, nan, 5, 7, nan, 2}, g, 2)
	// Blocks: {1,3,5,7} → 4; {nan,nan,nan,2} → 2 (NaN left out).
	if len(got) != 2 || got[0] != 4 || got[1] != 2 {
		t.Errorf("coarsen = %v, want [4 2]", got)
	}
	if got := coarsen([]float32{nan, nan, nan, nan}, grid.Grid{NLon: 2, NLat: 2}, 2); len(got) != 1 || !math.IsNaN(float64(got[0])) {
		t.Errorf("a block without values = %v, want NaN", got)
	}
}
