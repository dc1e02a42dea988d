package browsertest

import (
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/release"
)

// publishReleasable publishes months that pass the release checks (the
// regional rows partition the globe, the fossil rows add up to WORLD).
func publishReleasable(t *testing.T, out string, gAtmGtC float64) {
	t.Helper()
	g := grid.MustNew(2)
	for _, m := range grid.Range(grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 3}) {
		tm := lake.Terms{EFos: lake.Term{GtC: 0.8, SigmaGtC: 0.04}, GAtm: lake.Term{GtC: gAtmGtC}, SOcean: lake.Term{GtC: 0.24}, SLand: lake.Term{GtC: 0.2}}
		res := &budget.Result{Month: m, Budget: budget.Close(m.String(), tm), GAtmDeseasonalisedGtC: gAtmGtC}
		row := func(id, kind, comp string, v float64) {
			res.Regional = append(res.Regional, lake.RegionRow{Month: m.String(), RegionID: id, Name: id, Kind: kind, Component: comp, GtC: v})
		}
		for comp, v := range map[string]float64{lake.CompFossil: 0.8, lake.CompLand: 0.2, lake.CompFire: 0.05} {
			row("global", "global", comp, v)
			row("band-land/n", "band-land", comp, 0.5*v)
			row("band-land/s", "band-land", comp, 0.5*v)
			row("BRA", "country", comp, v)
		}
		row("global", "global", lake.CompOcean, 0.24)
		row("band-ocean/n", "band-ocean", lake.CompOcean, 0.24)
		row("BRA", "country", lake.CompNetToAtmos, 0.6)
		if err := lake.WriteMonth(lake.MonthDir(out, m), res.Record()); err != nil {
			t.Fatal(err)
		}
		if err := durable.WriteFile(filepath.Join(lake.MonthDir(out, m), "manifest.json"), func(w io.Writer) error {
			_, err := io.WriteString(w, `{"code_version":"v1"}`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := output.WriteGrid(output.GridPath(out, m), output.GridMonth{Grid: g, Month: m,
			Columns: []output.Column{{Name: "net_flux", Units: "g C m-2 month-1", Values: make([]float32, g.Cells())}}}); err != nil {
			t.Fatal(err)
		}
	}
	months, err := lake.ReadMonths(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := lake.WriteTables(out, budget.Tables(months, budget.Baseline{FromYear: 2015, ToYear: 2022})); err != nil {
		t.Fatal(err)
	}
}

// TestDashboardShowsRelease opens the dashboard on a release and on the
// live output: the page says which is on screen, and every API request
// the page makes for the release carries it (so the charts are the
// release's).
func TestDashboardShowsRelease(t *testing.T) {
	out := t.TempDir()
	publishReleasable(t, out, 0.4)
	rel, _, err := release.Create(out, release.Options{Name: "spring"})
	if err != nil {
		t.Fatal(err)
	}
	publishReleasable(t, out, 0.5) // live moves on
	ctx, base := openDashboard(t, out)

	var mu sync.Mutex
	served := map[string]string{} // API path → X-Carbonbudget-Release
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*network.EventResponseReceived); ok && strings.Contains(e.Response.URL, "/api/v1/budget") {
			mu.Lock()
			served[e.Response.URL], _ = e.Response.Headers["X-Carbonbudget-Release"].(string)
			mu.Unlock()
		}
	})
	var shown, options string
	err = chromedp.Run(ctx, network.Enable(),
		chromedp.Navigate(base+"/?release="+rel.ID[:8]),
		chromedp.WaitVisible(`body[data-ready]`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("release-shown") !== null`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Text(`#release-shown`, &shown, chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("release-select").options.length`, nil),
		chromedp.Evaluate(`Array.from(document.getElementById("release-select").options).map(o => o.value).join(",")`, &options),
	)
	if err != nil {
		t.Fatalf("dashboard on a release: %v", err)
	}
	if !strings.Contains(shown, rel.ID) || !strings.Contains(shown, "spring") {
		t.Errorf("release indicator %q does not name release %s (spring)", shown, rel.ID)
	}
	if options != "live,"+rel.ID {
		t.Errorf("release choices %q, want live and %s", options, rel.ID)
	}
	mu.Lock()
	if len(served) == 0 {
		t.Error("the page requested no budget table")
	}
	for url, h := range served {
		if h != rel.ID {
			t.Errorf("%s answered from %q, want release %s", url, h, rel.ID)
		}
	}
	clear(served)
	mu.Unlock()

	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`body[data-ready]`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("release-shown") !== null`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Text(`#release-shown`, &shown, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("dashboard live: %v", err)
	}
	if !strings.Contains(shown, "live output") || !strings.Contains(shown, "latest release "+rel.ID) {
		t.Errorf("live indicator %q", shown)
	}
	mu.Lock()
	defer mu.Unlock()
	for url, h := range served {
		if h != "live" {
			t.Errorf("%s answered from %q, want live", url, h)
		}
	}
}
