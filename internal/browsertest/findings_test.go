package browsertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// TestDashboardFindingsAndProjection: the findings panel lists the
// month's findings; clicking one draws its waterfall (baseline, one bar
// per driver, what they leave unexplained, value) whose steps end at the
// finding's value; the annual chart shows the projected year, outlined,
// with the date it was made.
func TestDashboardFindingsAndProjection(t *testing.T) {
	out := publish(t)
	months, err := lake.ReadMonths(out)
	if err != nil {
		t.Fatal(err)
	}
	tabs := budget.Tables(months, budget.Baseline{FromYear: 2015, ToYear: 2022})
	tabs.Findings = []lake.Finding{
		{Period: "2023-05", Rank: 1, Kind: "anomaly", RegionID: "BRA", Name: "Brazil", Component: lake.CompLand, ValueGtC: 0.05,
			BaselineGtC: 0.2, AnomalyGtC: -0.15, Z: -3, Maturity: "emulated", Text: "May in Brazil",
			DriverShares: []lake.DriverShare{{Driver: "water", AnomalyGtC: -0.1, Source: "emulators"}, {Driver: "fire", AnomalyGtC: -0.03, Source: "observed"}}},
		{Period: "2023-06", Rank: 1, Kind: "sign_change", RegionID: "reccap2-land/europe", Name: "Europe", Component: lake.CompLand, ValueGtC: -0.1,
			BaselineGtC: 0.15, AnomalyGtC: -0.25, Z: -4.5, Maturity: "emulated", Text: "June in Europe: turned into a source",
			DriverShares: []lake.DriverShare{{Driver: "heat", AnomalyGtC: -0.2, Source: "emulators"}, {Driver: "water", AnomalyGtC: -0.02, Source: "emulators"}, {Driver: "fire", AnomalyGtC: -0.01, Source: "observed"}}},
	}
	if err := lake.WriteTables(out, tabs); err != nil {
		t.Fatal(err)
	}
	doc := lake.ProjectionDoc{Year: 2023, AsOf: "2023-06", MadeAt: "2023-09-05T00:00:00Z", Maturity: lake.MaturityProjected,
		Terms: map[string]lake.ProjectedTerm{"e_fos": {GtC: 9.6, SigmaGtC: 0.5}, "g_atm": {GtC: 4.8}, "s_ocean": {GtC: 2.9}, "s_land": {GtC: 2.0}, "b_im": {GtC: -0.1, SigmaGtC: 0.9}}}
	if err := lake.WriteProjection(out, nil, []lake.ProjectionDoc{doc}); err != nil {
		t.Fatal(err)
	}
	ctx, base := openDashboard(t, out)
	var buttons, steps int
	var key, note, text string
	var lastTop, lastHeight, valueTop float64
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`body[data-ready]`, chromedp.ByQuery),
		chromedp.Text(`#updated`, &text, chromedp.ByQuery),
	)
	if err != nil || strings.HasPrefix(text, "Error") {
		t.Fatalf("dashboard: %v %s", err, text)
	}
	err = chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelectorAll("#findings button.finding").length`, &buttons),
		// The newest period is listed first: click Brazil's May, the second.
		chromedp.Click(`#findings li:nth-child(2) button`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("waterfall").dataset.finding === "2023-05|BRA|land_sink"`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.AttributeValue(`#waterfall`, "data-finding", &key, nil, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#waterfall rect.step").length`, &steps),
		chromedp.Text(`#findingtext`, &text, chromedp.ByQuery),
		chromedp.Text(`#annualnote`, &note, chromedp.ByQuery),
		// The last driver step (other) ends where the value bar's top is.
		chromedp.Evaluate(`(() => { const r = document.querySelectorAll("#waterfall rect.step"); return +r[r.length-2].getAttribute("y"); })()`, &lastTop),
		chromedp.Evaluate(`(() => { const r = document.querySelectorAll("#waterfall rect.step"); return +r[r.length-2].getAttribute("height"); })()`, &lastHeight),
		chromedp.Evaluate(`(() => { const r = document.querySelectorAll("#waterfall rect.step"); const v = r[r.length-1]; return +v.getAttribute("y"); })()`, &valueTop),
	)
	if err != nil {
		t.Fatalf("findings panel: %v", err)
	}
	if buttons != 2 || key != "2023-05|BRA|land_sink" || text != "May in Brazil" {
		t.Errorf("%d findings listed, waterfall of %q with text %q; want 2, Brazil's May", buttons, key, text)
	}
	// baseline, water, fire, other, value.
	if steps != 5 {
		t.Errorf("waterfall has %d steps, want 5 (baseline, two drivers, other, value)", steps)
	}
	// Brazil's value is positive: its bar's top edge is the value, where
	// the running sum of the steps before it must end.
	if d1, d2 := lastTop-valueTop, lastTop+lastHeight-valueTop; (d1 > 0.5 || d1 < -0.5) && (d2 > 0.5 || d2 < -0.5) {
		t.Errorf("the steps end at y %.1f or %.1f, the value at %.1f: the waterfall does not add up", lastTop, lastTop+lastHeight, valueTop)
	}
	if !strings.Contains(note, "2023 is projected") || !strings.Contains(note, "2023-06") || !strings.Contains(note, "2023-09-05") {
		t.Errorf("annual note %q does not say the projection and when it was made", note)
	}
	var projected int
	var shot []byte
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.querySelectorAll("#annual rect.projected").length`, &projected),
		chromedp.FullScreenshot(&shot, 90)); err != nil {
		t.Fatal(err)
	}
	if projected != 1 {
		t.Errorf("%d projected bars on the annual chart, want 1", projected)
	}
	path := filepath.Join(t.TempDir(), "findings.png")
	if dir := os.Getenv("CARBONBUDGET_SCREENSHOT_DIR"); dir != "" {
		path = filepath.Join(dir, "findings.png")
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
}
