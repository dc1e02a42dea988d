package browsertest

import (
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestScreenshots takes the README's pictures of the dashboard from a
// published output directory (CARBONBUDGET_SCREENSHOT_OUT, e.g. a demo
// run's) into CARBONBUDGET_SCREENSHOT_DIR: `make screenshots` runs it.
// Without the variable it skips: the other tests cover the behaviour.
func TestScreenshots(t *testing.T) {
	out := os.Getenv("CARBONBUDGET_SCREENSHOT_OUT")
	if out == "" {
		t.Skip("CARBONBUDGET_SCREENSHOT_OUT not set: run `make screenshots` to regenerate docs/img")
	}
	ctx, _ := dashboard(t, out, 1280, 1000, 90*time.Second)
	dir := screenshotDir(t)
	// Compare the land sinks of three RECCAP2 regions over the last three
	// years, and hover the map over the Amazon.
	if err := chromedp.Run(ctx,
		chromedp.Click(`button[data-range="36"]`, chromedp.ByQuery),
		chromedp.SetValue("#cmpcomp", "land_sink", chromedp.ByID),
		chromedp.SetValue("#cmp0", "reccap2-land/south-america", chromedp.ByID),
		chromedp.SetValue("#cmp1", "reccap2-land/africa", chromedp.ByID),
		chromedp.SetValue("#cmp2", "reccap2-land/europe", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById("cmp2").dispatchEvent(new Event("change"))`, nil),
		chromedp.Poll(`document.querySelectorAll("#comparechart path.series").length === 3`, nil, chromedp.WithPollingTimeout(20*time.Second)),
	); err != nil {
		t.Fatalf("compare: %v", err)
	}
	if err := hoverAt(ctx, -5, -62); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx, chromedp.Poll(`document.getElementById("maphover").dataset.region === "BRA"`, nil, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("hover: %v", err)
	}
	shoot(t, ctx, dir, "dashboard-map.png", "#panel-map")
	shoot(t, ctx, dir, "dashboard-compare.png", "#panel-compare")
	chromedp.Run(ctx, chromedp.Evaluate(`window.scrollTo(0, 0)`, nil))
	shoot(t, ctx, dir, "dashboard.png", "viewport")
}
