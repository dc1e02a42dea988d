// Package report writes a month's human-readable report beside its data:
// report.md with the month's budget and the annual table, the GCB-style
// annual chart, the monthly series and the land and ocean flux (or
// anomaly) maps as PNG. It reads only published values (internal/lake).
package report

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/lake"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/mapimg"
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
	// Projection is the month's year as projected from the months up to
	// this one (internal/nowcast); nil in December or without one.
	Projection *lake.ProjectionDoc
}

var termColors = map[string]color.RGBA{
	"E_FOS": {107, 107, 107, 255}, "E_LUC": {181, 101, 29, 255}, "G_ATM": {74, 144, 217, 255},
	"S_OCEAN": {31, 78, 156, 255}, "S_LAND": {46, 139, 87, 255}, "S_CEMENT": {153, 153, 102, 255},
}

// Write writes report.md and its PNG charts into dir.
func Write(dir string, in Inputs) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	charts := []struct {
		file string
		draw func() ([]byte, error)
	}{
		{"annual_budget.png", func() ([]byte, error) { return annualChart(in.Annual) }},
		{"monthly_budget.png", func() ([]byte, error) { return monthlyChart(in.Monthly, 48) }},
		{"map_land.png", func() ([]byte, error) { return fluxMap(in.LandAnomaly, in.Grid, "nbp_mean") }},
		{"map_ocean.png", func() ([]byte, error) { return fluxMap(in.OceanAnomaly, in.Grid, "ocean_uptake_mean") }},
	}
	for _, c := range charts {
		b, err := c.draw()
		if err != nil {
			return fmt.Errorf("report %s: %s: %w", in.Month, c.file, err)
		}
		if b == nil {
			continue
		}
		if err := durable.WriteFile(filepath.Join(dir, c.file), func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
			return err
		}
	}
	return durable.WriteFile(filepath.Join(dir, "report.md"), func(w io.Writer) error {
		_, err := io.WriteString(w, reportMarkdown(in))
		return err
	})
}

func reportMarkdown(in Inputs) string {
	var b strings.Builder
	bud := in.Budget
	fmt.Fprintf(&b, "# Carbon budget, %s\n\n", in.Month)
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
	b.WriteString("\n![Annual sources and sinks](annual_budget.png)\n\n![Monthly budget](monthly_budget.png)\n\n")
	what := "anomaly against the baseline mean of the same calendar month"
	if in.LandAnomaly == nil {
		what = "flux (the baseline is not yet published, so no anomaly)"
	}
	fmt.Fprintf(&b, "Maps: %s, g C m⁻² month⁻¹; red = more carbon to the air, blue = more uptake.\n\n![Land](map_land.png)\n\n![Ocean](map_ocean.png)\n", what)
	return b.String()
}

func fmtNaN(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%+.2f", v)
}

// annualChart draws sources above and sinks below zero for each calendar
// year, as the Global Carbon Budget's figure does.
func annualChart(rows []lake.Row) ([]byte, error) {
	var years []string
	var series = map[string]plotter.Values{}
	for _, r := range rows {
		if r.Window != "calendar-year" {
			continue
		}
		years = append(years, r.Period)
		series["E_FOS"] = append(series["E_FOS"], r.EFos)
		series["E_LUC"] = append(series["E_LUC"], r.ELUC)
		series["G_ATM"] = append(series["G_ATM"], -r.GAtm)
		series["S_OCEAN"] = append(series["S_OCEAN"], -r.SOcean)
		series["S_LAND"] = append(series["S_LAND"], -r.SLand)
		series["S_CEMENT"] = append(series["S_CEMENT"], -r.SCement)
	}
	if len(years) == 0 {
		return nil, nil
	}
	p := plot.New()
	p.Title.Text = "Global carbon budget: sources (+) and sinks (-)"
	p.Y.Label.Text = "GtC/yr"
	w := vg.Points(math.Max(4, 360/float64(len(years))))
	var prevUp, prevDown *plotter.BarChart
	for _, name := range []string{"E_FOS", "E_LUC", "G_ATM", "S_OCEAN", "S_LAND", "S_CEMENT"} {
		bc, err := plotter.NewBarChart(series[name], w)
		if err != nil {
			return nil, err
		}
		bc.Color, bc.LineStyle.Width = termColors[name], 0
		if strings.HasPrefix(name, "E_") {
			if prevUp != nil {
				bc.StackOn(prevUp)
			}
			prevUp = bc
		} else {
			if prevDown != nil {
				bc.StackOn(prevDown)
			}
			prevDown = bc
		}
		p.Add(bc)
		p.Legend.Add(name, bc)
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.NominalX(thin(years, 10)...)
	p.Add(plotter.NewGrid())
	return render(p, 24*vg.Centimeter, 12*vg.Centimeter)
}

// thin blanks all but every k-th label so long axes stay legible.
func thin(labels []string, max int) []string {
	k := (len(labels) + max - 1) / max
	out := make([]string, len(labels))
	for i := range labels {
		if i%k == 0 {
			out[i] = labels[i]
		}
	}
	return out
}

// monthlyChart draws the last n months of the main terms.
func monthlyChart(rows []lake.Row, n int) ([]byte, error) {
	if len(rows) > n {
		rows = rows[len(rows)-n:]
	}
	if len(rows) == 0 {
		return nil, nil
	}
	p := plot.New()
	p.Title.Text = "Monthly budget terms"
	p.Y.Label.Text = "GtC per month"
	labels := make([]string, len(rows))
	for i, r := range rows {
		labels[i] = r.Period
	}
	for _, t := range []struct {
		name string
		get  func(lake.Row) float64
	}{{"E_FOS", func(r lake.Row) float64 { return r.EFos }}, {"G_ATM", func(r lake.Row) float64 { return r.GAtm }},
		{"S_OCEAN", func(r lake.Row) float64 { return r.SOcean }}, {"S_LAND", func(r lake.Row) float64 { return r.SLand }},
		{"B_IM", func(r lake.Row) float64 { return r.BIm }}} {
		pts := make(plotter.XYs, len(rows))
		for i, r := range rows {
			pts[i] = plotter.XY{X: float64(i), Y: t.get(r)}
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		if c, ok := termColors[t.name]; ok {
			l.Color = c
		} else {
			l.Color = color.RGBA{200, 0, 0, 255}
		}
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(t.name, l)
	}
	p.NominalX(thin(labels, 8)...)
	p.Add(plotter.NewGrid())
	return render(p, 24*vg.Centimeter, 10*vg.Centimeter)
}

func render(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	wt, err := p.WriterTo(w, h, "png")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fluxMap maps the anomaly field, or the month's flux column when there is
// no anomaly.
func fluxMap(anomaly *grid.Field, gm output.GridMonth, column string) ([]byte, error) {
	var values []float32
	nlon := gm.Grid.NLon
	if anomaly != nil {
		values, nlon = anomaly.Values, anomaly.Grid.NLon
	} else {
		for _, c := range gm.Columns {
			if c.Name == column {
				values = c.Values
			}
		}
	}
	if values == nil {
		return nil, nil
	}
	// Uptake columns are positive into the surface; flip them so red is
	// always carbon to the air.
	flipped := make([]float32, len(values))
	for i, v := range values {
		flipped[i] = -v
	}
	b, _, err := mapimg.Render(flipped, nlon, mapimg.Options{})
	return b, err
}
