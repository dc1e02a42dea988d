package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/regions"
	"github.com/carbonbudget/carbonbudget/internal/report"
	"github.com/carbonbudget/carbonbudget/internal/server"
)

func chromiumPath(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Skip("chromium not installed (apt-get install chromium): skipping the dashboard test")
	return ""
}

// openDashboard serves out and opens a headless Chromium on it at
// 1280×1800; both stop with the test.
func openDashboard(t *testing.T, out string) (context.Context, string) {
	return openBrowser(t, out, 1280, 1800, 60*time.Second)
}

// openBrowser serves out and opens a headless Chromium at width×height;
// it returns the browser context and the server's URL.
func openBrowser(t *testing.T, out string, width, height int, timeout time.Duration) (context.Context, string) {
	exe := chromiumPath(t)
	srv, err := server.New(out, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	go srv.Serve(sctx, ln)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(width, height))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelA)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancelT)
	return ctx, "http://" + ln.Addr().String()
}

// publish writes a small output directory the way the pipeline does.
func publish(t *testing.T) string {
	out := t.TempDir()
	g := grid.MustNew(2)
	regions := []regions.Region{{ID: "BRA", Name: "Brazil", Kind: "country"}, {ID: "reccap2-land/europe", Name: "Europe", Kind: "reccap2-land"}}
	for _, m := range grid.Range(grid.Month{Year: 2022, Month: 1}, grid.Month{Year: 2023, Month: 6}) {
		tm := lake.Terms{EFos: lake.Term{GtC: 0.8, SigmaGtC: 0.04}, GAtm: lake.Term{GtC: 0.4}, SOcean: lake.Term{GtC: 0.24},
			SLand: lake.Term{GtC: 0.2 + 0.05*float64(m.Month%4), Provisional: m.Year == 2023 && m.Month == 6}}
		res := &budget.Result{Month: m, Budget: budget.Close(m.String(), tm), GAtmDeseasonalisedGtC: 0.4}
		for k, r := range regions {
			res.Regional = append(res.Regional, lake.RegionRow{Month: m.String(), RegionID: r.ID, Name: r.Name, Kind: r.Kind,
				Component: lake.CompNetToAtmos, GtC: float64(k+1) * 0.01 * float64(m.Month), SigmaGtC: 0.002 * float64(k+1)})
		}
		// Europe's land sink, bottom-up and top-down, each with its σ.
		for _, c := range []struct {
			comp       string
			gtc, sigma float64
		}{{lake.CompLand, 0.02, 0.005}, {lake.CompLandTopDown, 0.03, 0.01}} {
			res.Regional = append(res.Regional, lake.RegionRow{Month: m.String(), RegionID: "reccap2-land/europe", Name: "Europe",
				Kind: "reccap2-land", Component: c.comp, GtC: c.gtc * float64(m.Month%6), SigmaGtC: c.sigma})
		}
		if err := lake.WriteMonth(lake.MonthDir(out, m), res.Record()); err != nil {
			t.Fatal(err)
		}
		v := make([]float32, g.Cells())
		for i := range v {
			lat, lon := g.Centre(i)
			v[i] = float32(lat*0.01 + lon*0.001)
		}
		land, sd := make([]float32, g.Cells()), make([]float32, g.Cells())
		for i := range land {
			_, lon := g.Centre(i)
			land[i] = float32(lon*0.002) + float32(m.Month)*0.01
			sd[i] = 0.05
		}
		if err := output.WriteGrid(output.GridPath(out, m), output.GridMonth{Grid: g, Month: m,
			Columns: []output.Column{{Name: "net_flux", Units: "g C m-2 month-1", Values: v},
				{Name: "nbp_mean", Units: "g C m-2 month-1", Values: land}, {Name: "nbp_sd", Units: "g C m-2 month-1", Values: sd}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := func() error {
		months, err := lake.ReadMonths(out)
		if err != nil {
			return err
		}
		tables := budget.Tables(months, budget.Baseline{FromYear: 2015, ToYear: 2022})
		if err := lake.WriteTables(out, tables); err != nil {
			return err
		}
		// The last month's report, as the pipeline writes it.
		last := grid.Month{Year: 2023, Month: 6}
		gf, err := output.ReadGrid(context.Background(), output.GridPath(out, last))
		if err != nil {
			return err
		}
		gm := output.GridMonth{Grid: g, Month: last, Columns: []output.Column{{Name: "nbp_mean", Values: gf.Columns["nbp_mean"]}}}
		return report.Write(lake.MonthDir(out, last), report.Inputs{Month: last, Budget: months[last].Budget, Grid: gm,
			Monthly: tables.Monthly, Annual: tables.Annual, Regional: tables.Regional})
	}(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDashboard loads the dashboard, picks a region, downloads its CSV
// through the page's download button and compares it byte for byte with
// the API's, and saves a screenshot.
func TestDashboard(t *testing.T) {
	out := publish(t)
	ctx, base := openDashboard(t, out)

	dl := t.TempDir()
	done := make(chan string, 1)
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			done <- e.GUID
		}
	})
	var ready, href string
	var shot []byte
	err := chromedp.Run(ctx,
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).WithDownloadPath(dl).WithEventsEnabled(true),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`body[data-ready]`, chromedp.ByQuery),
		chromedp.AttributeValue(`body`, "data-ready", &ready, nil, chromedp.ByQuery),
		chromedp.Evaluate(`(() => { const s = document.getElementById("region"); s.value = "reccap2-land/europe"; s.dispatchEvent(new Event("change")); })()`, nil),
		chromedp.Poll(`document.getElementById("dl-csv").href.includes("europe")`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.AttributeValue(`#dl-csv`, "href", &href, nil, chromedp.ByQuery),
		chromedp.Click(`#dl-csv`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	if ready != "1" {
		t.Fatalf("dashboard did not load: data-ready = %q", ready)
	}
	var guid string
	select {
	case guid = <-done:
	case <-ctx.Done():
		t.Fatal("CSV download did not complete")
	}
	got, err := os.ReadFile(filepath.Join(dl, guid))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(base + "/api/v1/regions/reccap2-land%2Feurope?component=net_flux_to_atmosphere&format=csv")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, want) || !bytes.HasPrefix(got, []byte("month,region_id")) || bytes.Count(got, []byte("\n")) != 19 {
		t.Errorf("downloaded CSV (%d bytes, href %s) differs from the API's (%d bytes):\n%s", len(got), href, len(want), got)
	}
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&shot, 100)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dashboard.png")
	if dir := os.Getenv("CARBONBUDGET_SCREENSHOT_DIR"); dir != "" {
		path = filepath.Join(dir, "dashboard.png")
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if len(shot) < 20_000 || !strings.HasPrefix(string(shot[1:4]), "PNG") {
		t.Errorf("screenshot %s is %d bytes: not a rendered page", path, len(shot))
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(shot))
	// The region view shows the top-down series beside the bottom-up one,
	// each with its 1σ band.
	var bands int
	var legendText string
	if err := chromedp.Run(ctx,
		chromedp.Poll(`document.querySelectorAll("#topdownchart polygon.band").length === 2`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Evaluate(`document.querySelectorAll("#topdownchart polygon.band").length`, &bands),
		chromedp.Evaluate(`document.getElementById("topdownchart").textContent`, &legendText),
	); err != nil {
		t.Fatalf("top-down chart: %v (%d bands)", err, bands)
	}
	if !strings.Contains(legendText, "top-down") || !strings.Contains(legendText, "bottom-up") {
		t.Errorf("top-down chart's legend %q names neither side", legendText)
	}
	var svgs int
	chromedp.Run(ctx, chromedp.Evaluate(`document.querySelectorAll("svg rect, svg path").length`, &svgs))
	if svgs < 20 {
		t.Errorf("charts drew %d shapes, want a populated dashboard", svgs)
	}
	fmt.Fprint(io.Discard, svgs)
}
