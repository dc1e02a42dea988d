// Package report writes a month's human-readable report beside its data:
// report.md with the month's budget and the annual table, and its figures
// as PNG and SVG (gonum/plot, laid out by internal/figure so no legend or
// colorbar covers data): the annual budget in the Global Carbon Budget's
// style, the monthly series with ±1σ bands, the month's sink anomalies by
// RECCAP2 region and the land and ocean flux and anomaly maps. It reads
// only published values (internal/lake).
//
// Why gonum/plot: it is already the module's, it is maintained, one
// canvas gives both PNG and SVG, and it has axes, ticks and a colorbar;
// what it lacks (hatching, grouped bars with whiskers, ±1σ bands, a key
// beside the plot rather than on it) is the few plotters in plotters.go
// and internal/figure, less than another library would cost.
package report

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/figure"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// Inputs are what the month's report shows.
type Inputs struct {
	Month  grid.Month
	Budget lake.Budget
	Grid   output.GridMonth // the month's published grid
	// Monthly and Annual are the tables of the months published up to
	// this one.
	Monthly []lake.Row
	Annual  []lake.Row
	// LandAnomaly and OceanAnomaly are per-cell flux anomalies against the
	// baseline mean of the same calendar month (g C m⁻² month⁻¹); nil when
	// the baseline is not published, and the maps then show the flux.
	LandAnomaly, OceanAnomaly *grid.Field
	// Disagreements are the regions where bottom-up and top-down
	// anomalies of the month disagree (budget.Disagreements).
	Disagreements []lake.AgreementRow
	// Findings are what was unusual in the month (budget.Findings).
	Findings []lake.Finding
	// Projection is the month's year as projected from the months up to
	// this one (internal/nowcast); nil in December or without one.
	Projection *lake.ProjectionDoc
	// Regional are the month's regional rows with their anomalies (NaN
	// until the baseline is published); the regional figure shows the
	// RECCAP2 land and ocean sinks. Rows of other months are ignored.
	Regional []lake.RegionRow
}

// Write writes report.md and its figures, each as PNG and SVG, into dir.
func Write(dir string, in Inputs) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	figs, err := figures(in)
	if err != nil {
		return fmt.Errorf("report %s: %w", in.Month, err)
	}
	files, err := encode(figs)
	if err != nil {
		return fmt.Errorf("report %s: %w", in.Month, err)
	}
	for _, f := range files {
		if err := durable.WriteFile(filepath.Join(dir, f.name), func(w io.Writer) error { _, err := w.Write(f.body); return err }); err != nil {
			return err
		}
	}
	drawn := map[string]bool{}
	for _, f := range figs {
		drawn[f.name] = f.fig != nil
	}
	return durable.WriteFile(filepath.Join(dir, "report.md"), func(w io.Writer) error {
		_, err := io.WriteString(w, reportMarkdown(in, drawn))
		return err
	})
}

// encodedFile is a figure drawn in one format, named with its extension.
type encodedFile struct {
	name string
	body []byte
}

// encode draws every figure as PNG and as SVG, as many at once as there
// are CPUs (each on its own canvas): drawing was half a month's compute
// at 1°. The files come back in the figures' order.
func encode(figs []namedFigure) ([]encodedFile, error) {
	type job struct {
		name string
		draw func() ([]byte, figure.Layout, error)
	}
	var jobs []job
	for _, f := range figs {
		if f.fig != nil {
			jobs = append(jobs, job{f.name + ".png", f.fig.PNG}, job{f.name + ".svg", f.fig.SVG})
		}
	}
	files := make([]encodedFile, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int, len(jobs))
	for i := range jobs {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				b, _, err := jobs[i].draw()
				files[i], errs[i] = encodedFile{jobs[i].name, b}, err
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", jobs[i].name, err)
		}
	}
	return files, nil
}

// namedFigure is one figure of the report and its file name without
// extension; fig is nil when the month has nothing to show in it.
type namedFigure struct {
	name string
	fig  *figure.Figure
}

// figures are the report's figures, in the order report.md shows them:
// the anomaly maps only when the baseline is published.
func figures(in Inputs) ([]namedFigure, error) {
	figs := []namedFigure{
		{"annual_budget", annualFigure(in.Annual)},
		{"monthly_budget", monthlyFigure(in.Monthly, 48)},
		{"regional_anomaly", regionalFigure(in.Month.String(), in.Regional)},
	}
	for _, mp := range []struct {
		name, column, term, per string
		anomaly                 *grid.Field
	}{
		{"map_land", "nbp_mean", "Land", "land", nil},
		{"map_ocean", "ocean_uptake_mean", "Ocean", "ocean", nil},
		{"map_land_anomaly", "nbp_mean", "Land", "land", in.LandAnomaly},
		{"map_ocean_anomaly", "ocean_uptake_mean", "Ocean", "ocean", in.OceanAnomaly},
	} {
		if strings.HasSuffix(mp.name, "_anomaly") && mp.anomaly == nil {
			continue
		}
		f, err := mapFigure(in.Month, mp.anomaly, in.Grid, mp.column, mp.term, mp.per)
		if err != nil {
			return nil, err
		}
		figs = append(figs, namedFigure{mp.name, f})
	}
	return figs, nil
}

// reportMarkdown is report.md; it shows the figures drawn[name] says were
// written, and no other.
func reportMarkdown(in Inputs, drawn map[string]bool) string {
	var b strings.Builder
	bud := in.Budget
	fmt.Fprintf(&b, "# Carbon budget, %s\n\n", in.Month)
	writeFindings(&b, in.Findings)
	fmt.Fprintf(&b, "GtC per month; ±1σ; sinks positive as uptake. Provisional terms are marked *.\n\n")
	fmt.Fprintf(&b, "| term | value | ±1σ |\n|---|---|---|\n")
	for _, t := range []struct {
		name string
		t    lake.Term
	}{{"E_FOS fossil", bud.EFos}, {"E_LUC land-use change", bud.ELUC}, {"G_ATM atmospheric growth", bud.GAtm},
		{"S_OCEAN ocean sink", bud.SOcean}, {"S_LAND land sink", bud.SLand}, {"S_CEMENT cement carbonation", bud.SCement},
		{"B_IM budget imbalance", bud.BIm}, {"land sink implied by the atmosphere", bud.LandResidual}} {
		star := ""
		if t.t.Provisional {
			star = "*"
		}
		fmt.Fprintf(&b, "| %s%s | %.3f | %.3f |\n", t.name, star, t.t.GtC, t.t.SigmaGtC)
	}
	writeNowcast(&b, in.Projection)
	if td := bud.TopDown; td != nil {
		fmt.Fprintf(&b, "\n## Top-down: atmospheric inversions\n\n")
		fmt.Fprintf(&b, "Products: %s", strings.Join(td.Products, ", "))
		if len(td.Missing) > 0 {
			fmt.Fprintf(&b, " (not yet available: %s)", strings.Join(td.Missing, ", "))
		}
		fmt.Fprintf(&b, ". River flux %.3f GtC moved from land to ocean, as the Global Carbon Budget compares them.\n\n", td.RiverAdjustmentGtC)
		fmt.Fprintf(&b, "| | bottom-up | top-down |\n|---|---|---|\n")
		fmt.Fprintf(&b, "| net land flux into land (S_LAND − E_LUC) | %.3f ± %.3f | %.3f ± %.3f |\n", bud.NetLand.GtC, bud.NetLand.SigmaGtC, td.NetLand.GtC, td.NetLand.SigmaGtC)
		fmt.Fprintf(&b, "| ocean sink | %.3f ± %.3f | %.3f ± %.3f |\n", bud.SOcean.GtC, bud.SOcean.SigmaGtC, td.Ocean.GtC, td.Ocean.SigmaGtC)
		if len(in.Disagreements) == 0 {
			b.WriteString("\nBottom-up and top-down anomalies agree within their combined 1σ in every region compared (or the baseline is not yet published).\n")
		} else {
			b.WriteString("\nWhere the anomalies disagree (beyond the combined 1σ):\n\n")
			for _, d := range in.Disagreements {
				fmt.Fprintf(&b, "- %s\n", d.Text)
			}
		}
	}
	if n := len(in.Annual); n > 0 {
		fmt.Fprintf(&b, "\n## Annual budgets (GtC/yr)\n\n| period | E_FOS | E_LUC | G_ATM | S_OCEAN | S_LAND | S_CEMENT | B_IM | S_LAND anomaly |\n|---|---|---|---|---|---|---|---|---|\n")
		for _, r := range in.Annual {
			if r.Window != "calendar-year" {
				continue
			}
			fmt.Fprintf(&b, "| %s | %.2f ± %.2f | %.2f ± %.2f | %.2f ± %.2f | %.2f ± %.2f | %.2f ± %.2f | %.2f | %.2f | %s |\n", r.Period,
				r.EFos, r.EFosSigma, r.ELUC, r.ELUCSigma, r.GAtm, r.GAtmSigma, r.SOcean, r.SOceanSigma, r.SLand, r.SLandSigma, r.SCement, r.BIm, fmtNaN(r.SLandAnomaly))
		}
	}
	figuresMarkdown(&b, in, drawn)
	return b.String()
}

// figuresMarkdown shows each drawn figure with its text alternative.
func figuresMarkdown(b *strings.Builder, in Inputs, drawn map[string]bool) {
	show := func(name, alt string) {
		if drawn[name] {
			fmt.Fprintf(b, "![%s](%s.png)\n\n", alt, name)
		}
	}
	bud := in.Budget
	fmt.Fprintf(b, "\n## Figures\n\nEach figure is also an SVG beside its PNG (same name). Whiskers and bands are ±1σ; hatching marks provisional values.\n\n")
	show("annual_budget", annualAlt(in.Annual))
	show("monthly_budget", fmt.Sprintf("Monthly budget terms with ±1σ bands; the last month, %s: E_FOS %.3f, G_ATM %.3f, S_OCEAN %.3f, S_LAND %.3f GtC",
		in.Month, bud.EFos.GtC, bud.GAtm.GtC, bud.SOcean.GtC, bud.SLand.GtC))
	show("regional_anomaly", regionalAlt(in.Month.String(), in.Regional))
	b.WriteString("Maps: g C per m² per month; red = more carbon to the air, blue = more uptake (ColorBrewer RdBu, readable with colour-blindness); coastlines and borders from Natural Earth (data/regions).\n\n")
	show("map_land", fmt.Sprintf("Map of the land's net flux to the atmosphere, %s", in.Month))
	show("map_ocean", fmt.Sprintf("Map of the ocean's net flux to the atmosphere, %s", in.Month))
	if !drawn["map_land_anomaly"] && !drawn["map_ocean_anomaly"] {
		b.WriteString("No anomaly maps: the baseline is not yet published.\n")
		return
	}
	b.WriteString("Anomalies against the baseline mean of the same calendar month:\n\n")
	show("map_land_anomaly", fmt.Sprintf("Map of the land flux anomaly, %s", in.Month))
	show("map_ocean_anomaly", fmt.Sprintf("Map of the ocean flux anomaly, %s", in.Month))
}

func fmtNaN(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%+.2f", v)
}
