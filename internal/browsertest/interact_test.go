package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// dashboard serves out and loads the dashboard in headless Chromium at
// width×height; it returns the browser context and the server's URL.
func dashboard(t *testing.T, out string, width, height int, timeout time.Duration) (context.Context, string) {
	ctx, base := openBrowser(t, out, width, height, timeout)
	var ready string
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(`body[data-ready]`, chromedp.ByQuery),
		chromedp.AttributeValue(`body`, "data-ready", &ready, nil, chromedp.ByQuery)); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	if ready != "1" {
		var msg string
		chromedp.Run(ctx, chromedp.Text("#updated", &msg, chromedp.ByID))
		t.Fatalf("dashboard did not load: data-ready = %q (%s)", ready, msg)
	}
	return ctx, base
}

func apiJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
}

// hoverAt moves the real mouse over the map cell at lat, lon.
func hoverAt(ctx context.Context, lat, lon float64) error {
	var rect struct{ Left, Top, Width, Height float64 }
	if err := chromedp.Run(ctx, chromedp.ScrollIntoView("#mapcanvas", chromedp.ByID),
		chromedp.Evaluate(`(() => { const r = document.getElementById("mapcanvas").getBoundingClientRect(); return {Left: r.left, Top: r.top, Width: r.width, Height: r.height}; })()`, &rect)); err != nil {
		return err
	}
	x, y := rect.Left+(lon+180)/360*rect.Width, rect.Top+(90-lat)/180*rect.Height
	return chromedp.Run(ctx, chromedp.MouseEvent(input.MouseMoved, x, y))
}

// TestDashboardInteractions drives the dashboard as a user would: hovers
// the map over Brazil and checks the hover's numbers against the API,
// switches the map's term, compares two regions (totals and per person)
// with the API's numbers, narrows the time range, walks the map with the
// keyboard, and loads a month's report; it saves screenshots.
func TestDashboardInteractions(t *testing.T) {
	out := publish(t)
	ctx, base := dashboard(t, out, 1280, 1800, 90*time.Second)
	shots := screenshotDir(t)

	// The annual bars carry the API's numbers, with whiskers.
	var windows, annual []map[string]any
	apiJSON(t, base+"/api/v1/budget?freq=annual", &windows)
	for _, w := range windows {
		if w["window"] == "calendar-year" {
			annual = append(annual, w)
		}
	}
	var bars []struct{ Key, Period, Value string }
	var whiskers int
	if err := chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll("#annual rect.bar")].map(r => ({Key: r.dataset.key, Period: r.dataset.period, Value: r.dataset.value}))`, &bars),
		chromedp.Evaluate(`document.querySelectorAll("#annual path.whisker").length`, &whiskers)); err != nil {
		t.Fatal(err)
	}
	if len(bars) != 7*len(annual) || whiskers == 0 {
		t.Errorf("annual chart: %d bars for %d years (want 7 a year), %d whiskers", len(bars), len(annual), whiskers)
	}
	for _, b := range bars {
		for _, row := range annual {
			if row["period"] == b.Period {
				if want, _ := row[b.Key+"_gtc"].(float64); !closeTo(b.Value, want) {
					t.Errorf("annual %s %s: drawn %s, API %g", b.Period, b.Key, b.Value, want)
				}
			}
		}
	}

	// Map hover over Brazil (10°S 52°W): the region and its value equal
	// the regions API's for the map's month.
	var region, value, sigma, hover string
	if err := chromedp.Run(ctx, chromedp.Poll(`document.getElementById("mapnote").textContent.includes("2023-06")`, nil, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("map did not draw the latest month: %v", err)
	}
	if err := hoverAt(ctx, -10, -52); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx,
		chromedp.Poll(`document.getElementById("maphover").dataset.region !== undefined`, nil, chromedp.WithPollingTimeout(5*time.Second)),
		chromedp.Evaluate(`document.getElementById("maphover").dataset.region`, &region),
		chromedp.Evaluate(`document.getElementById("maphover").dataset.regionValue`, &value),
		chromedp.Evaluate(`document.getElementById("maphover").dataset.regionSigma`, &sigma),
		chromedp.Text("#maphover", &hover, chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	var bra []struct {
		ValueGtC float64 `json:"value_gtc"`
		SigmaGtC float64 `json:"sigma_gtc"`
	}
	apiJSON(t, base+"/api/v1/regions/BRA?component=net_flux_to_atmosphere&from=2023-06&to=2023-06", &bra)
	if region != "BRA" || len(bra) != 1 || !closeTo(value, bra[0].ValueGtC) || !closeTo(sigma, bra[0].SigmaGtC) {
		t.Errorf("hover over Brazil: region %q value %s ± %s (%q); API %+v", region, value, sigma, hover, bra)
	}
	shoot(t, ctx, shots, "dashboard-map-hover.png", "#panel-map")

	// Term switch: the land map draws other colours and says so.
	var before, after, note string
	chromedp.Run(ctx, chromedp.Evaluate(`document.getElementById("mapcanvas").toDataURL()`, &before))
	if err := chromedp.Run(ctx, chromedp.SetValue("#mapterm", "land", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById("mapterm").dispatchEvent(new Event("change"))`, nil),
		chromedp.Poll(`document.getElementById("mapnote").textContent.startsWith("land")`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Evaluate(`document.getElementById("mapcanvas").toDataURL()`, &after),
		chromedp.Text("#mapnote", &note, chromedp.ByID)); err != nil {
		t.Fatalf("term switch: %v", err)
	}
	if before == after {
		t.Error("switching the map from net to land changed no pixel")
	}
	// Keyboard: focus the map and walk east; the hover follows.
	var cellBefore, cellAfter string
	chromedp.Run(ctx, chromedp.Evaluate(`document.getElementById("maphover").dataset.cell`, &cellBefore),
		chromedp.Focus("#mapcanvas", chromedp.ByID), chromedp.KeyEvent(kb.ArrowRight),
		chromedp.Evaluate(`document.getElementById("maphover").dataset.cell`, &cellAfter))
	if cellAfter == cellBefore {
		t.Errorf("ArrowRight on the focused map left the hover on cell %s", cellBefore)
	}

	// Region compare: Brazil and Europe on one chart, numbers as the API's.
	var bandsN, ptsBRA int
	var drawn []string
	if err := chromedp.Run(ctx,
		chromedp.SetValue("#cmp0", "BRA", chromedp.ByID), chromedp.SetValue("#cmp1", "reccap2-land/europe", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById("cmp1").dispatchEvent(new Event("change"))`, nil),
		chromedp.Poll(`document.querySelectorAll("#comparechart path.series").length === 2`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Evaluate(`document.querySelectorAll("#comparechart polygon.band").length`, &bandsN),
		chromedp.Evaluate(`[...document.querySelectorAll('#comparechart circle.pt[data-key="BRA"]')].map(c => c.dataset.value)`, &drawn)); err != nil {
		t.Fatalf("compare: %v", err)
	}
	var braAll []struct {
		ValueGtC float64 `json:"value_gtc"`
	}
	apiJSON(t, base+"/api/v1/regions/BRA?component=net_flux_to_atmosphere", &braAll)
	ptsBRA = len(drawn)
	if ptsBRA != len(braAll) || bandsN != 2 {
		t.Fatalf("compare chart: %d Brazil points (API %d), %d bands (want 2)", ptsBRA, len(braAll), bandsN)
	}
	for i, v := range drawn {
		if !closeTo(v, braAll[i].ValueGtC) {
			t.Errorf("compare, Brazil, month %d: drawn %s, API %g", i, v, braAll[i].ValueGtC)
		}
	}
	shoot(t, ctx, shots, "dashboard-compare.png", "#panel-compare")
	// Per person: the API's value × 1e9 / population.
	var pop struct {
		Population float64 `json:"population"`
	}
	var countries []struct {
		ISO3       string  `json:"iso3"`
		Population float64 `json:"population"`
	}
	apiJSON(t, base+"/api/v1/countries", &countries)
	for _, c := range countries {
		if c.ISO3 == "BRA" {
			pop.Population = c.Population
		}
	}
	var perCapita []string
	if err := chromedp.Run(ctx, chromedp.SetValue("#cmpview", "capita", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById("cmpview").dispatchEvent(new Event("change"))`, nil),
		chromedp.Poll(`document.getElementById("cmpnote").textContent.includes("Europe")`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Evaluate(`[...document.querySelectorAll('#comparechart circle.pt[data-key="BRA"]')].map(c => c.dataset.value)`, &perCapita)); err != nil {
		t.Fatalf("per capita: %v", err)
	}
	if len(perCapita) == 0 || pop.Population == 0 || !closeTo(perCapita[0], braAll[0].ValueGtC*1e9/pop.Population) {
		t.Errorf("Brazil per person: drawn %v, want %g (population %g)", perCapita, braAll[0].ValueGtC*1e9/pop.Population, pop.Population)
	}

	// Time range: the last 12 months, then 2023-01..2023-03 by hand.
	var n12, n3 int
	if err := chromedp.Run(ctx, chromedp.Click(`button[data-range="12"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('#monthly circle.pt[data-key="e_fos"]').length`, &n12),
		chromedp.SetValue("#from", "2023-01", chromedp.ByID), chromedp.SetValue("#to", "2023-03", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById("to").dispatchEvent(new Event("change"))`, nil),
		chromedp.Evaluate(`document.querySelectorAll('#monthly circle.pt[data-key="e_fos"]').length`, &n3)); err != nil {
		t.Fatalf("time range: %v", err)
	}
	if n12 != 12 || n3 != 3 {
		t.Errorf("monthly chart shows %d months for 'last 12 months' and %d for 2023-01..2023-03; want 12 and 3", n12, n3)
	}
	// Every chart's legend is outside its plot: above the SVG, not in it.
	var overlaps []string
	chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll(".chart")].filter(c => c.querySelector("ul.legend") && c.querySelector("svg")).filter(c => {
		const l = c.querySelector("ul.legend").getBoundingClientRect(), s = c.querySelector("svg").getBoundingClientRect();
		return l.bottom > s.top + 0.5; }).map(c => c.id)`, &overlaps))
	if len(overlaps) > 0 {
		t.Errorf("legends overlapping their charts: %v", overlaps)
	}
	shoot(t, ctx, shots, "dashboard-full.png", "")

	// On a phone: nothing wider than the screen.
	var scrollW int
	if err := chromedp.Run(ctx, emulation.SetDeviceMetricsOverride(390, 844, 2, true),
		chromedp.Evaluate(`document.documentElement.scrollWidth`, &scrollW)); err != nil {
		t.Fatal(err)
	}
	chromedp.Run(ctx, chromedp.ScrollIntoView("#panel-map", chromedp.ByID))
	shoot(t, ctx, shots, "dashboard-phone.png", "viewport")
	if scrollW > 392 {
		var wide []string
		chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 392).slice(0, 8).map(e => e.tagName + "#" + e.id + "." + e.className.baseVal + e.className)`, &wide))
		t.Errorf("on a 390 px phone the page is %d px wide; too wide: %v", scrollW, wide)
	}
	if err := chromedp.Run(ctx, emulation.ClearDeviceMetricsOverride()); err != nil {
		t.Fatal(err)
	}
	// The report link of the map's month opens its report, every figure
	// loaded.
	var loaded, images int
	if err := chromedp.Run(ctx, chromedp.Click("#reportlink", chromedp.ByID),
		chromedp.WaitVisible("main.report h1", chromedp.ByQuery),
		chromedp.Poll(`[...document.images].every(i => i.complete)`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Evaluate(`document.images.length`, &images),
		chromedp.Evaluate(`[...document.images].filter(i => i.naturalWidth > 0).length`, &loaded)); err != nil {
		t.Fatalf("report link: %v", err)
	}
	if images < 3 || loaded != images {
		t.Errorf("the month's report page loaded %d of its %d figures", loaded, images)
	}
	shoot(t, ctx, shots, "report-page.png", "")
}

func closeTo(drawn string, want float64) bool {
	var got float64
	if _, err := fmt.Sscan(drawn, &got); err != nil {
		return false
	}
	// 1e-9 relative: the page keeps the API's float64; the map's JSON
	// keeps 4 significant digits.
	return math.Abs(got-want) <= 1e-9*math.Abs(want)+1e-12 || math.Abs(got-want) <= 5e-4*math.Abs(want)
}

func screenshotDir(t *testing.T) string {
	if dir := os.Getenv("CARBONBUDGET_SCREENSHOT_DIR"); dir != "" {
		return dir
	}
	return t.TempDir()
}

// shoot saves a screenshot of the element sel (the whole page when sel
// is empty, the window when it is "viewport") as PNG, re-encoded and
// scaled down until under 300 KB.
func shoot(t *testing.T, ctx context.Context, dir, name, sel string) {
	t.Helper()
	var b []byte
	var err error
	switch sel {
	case "":
		err = chromedp.Run(ctx, chromedp.FullScreenshot(&b, 100))
	case "viewport":
		err = chromedp.Run(ctx, chromedp.CaptureScreenshot(&b))
	default:
		err = chromedp.Run(ctx, chromedp.Screenshot(sel, &b, chromedp.ByQuery))
	}
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	for {
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if buf.Len() < 300_000 || img.Bounds().Dx() < 400 {
			if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot %s: %v, %d bytes", filepath.Join(dir, name), img.Bounds().Size(), buf.Len())
			return
		}
		img = shrink(img)
	}
}

// shrink scales img to 3/4 of its size by averaging (box filter).
func shrink(img image.Image) image.Image {
	b := img.Bounds()
	w, h := b.Dx()*3/4, b.Dy()*3/4
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var r, g, bl, n uint32
			for dy := 0; dy < 2; dy++ {
				for dx := 0; dx < 2; dx++ {
					sx, sy := b.Min.X+(x*4+dx*2)/3, b.Min.Y+(y*4+dy*2)/3
					cr, cg, cb, _ := img.At(min(sx, b.Max.X-1), min(sy, b.Max.Y-1)).RGBA()
					r, g, bl, n = r+cr>>8, g+cg>>8, bl+cb>>8, n+1
				}
			}
			i := out.PixOffset(x, y)
			out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = uint8(r/n), uint8(g/n), uint8(bl/n), 255
		}
	}
	return out
}
