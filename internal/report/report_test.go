package report

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

func TestWrite(t *testing.T) {
	var monthly, annual []lake.Row
	for _, m := range grid.Range(grid.Month{Year: 2015, Month: 1}, grid.Month{Year: 2023, Month: 12}) {
		monthly = append(monthly, lake.Row{Period: m.String(), Window: "month", EFos: 0.8, GAtm: 0.4 + 0.1*math.Sin(float64(m.Month)),
			SOcean: 0.24, SLand: 0.25, BIm: -0.1, Months: 1})
		if m.Month == 12 {
			annual = append(annual, lake.Row{Period: fmt.Sprint(m.Year), Window: "calendar-year", EFos: 9.6, GAtm: 4.9,
				SOcean: 2.9, SLand: 3, BIm: -1.2, SLandAnomaly: math.NaN(), Months: 12})
		}
	}
	bud := lake.Budget{Period: "2023-12", Terms: lake.Terms{EFos: lake.Term{GtC: 0.8, SigmaGtC: 0.04},
		SOcean: lake.Term{GtC: 0.24, SigmaGtC: 0.03, Provisional: true}}}
	g := grid.MustNew(2)
	land := grid.NewField(g, "nbp_mean", "g C m-2 month-1")
	for i := range land.Values {
		lat, _ := g.Centre(i)
		land.Values[i] = float32(lat) / 10
	}
	m := grid.Month{Year: 2023, Month: 12}
	gm := output.GridMonth{Grid: g, Month: m,
		Columns: []output.Column{{Name: "nbp_mean", Values: land.Values}, {Name: "ocean_uptake_mean", Values: land.Values}}}
	dir := t.TempDir()
	if err := Write(dir, Inputs{Month: m, Budget: bud, Grid: gm, Monthly: monthly, Annual: annual}); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Carbon budget, 2023-12", "| 2023 |", "S_OCEAN ocean sink*", "annual_budget.png", "baseline is not yet published"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	for _, f := range []string{"annual_budget.png", "monthly_budget.png", "map_land.png", "map_ocean.png"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		// A chart that drew nothing is one colour; count distinct colours in a sample.
		colours := map[uint32]bool{}
		bd := img.Bounds()
		for y := bd.Min.Y; y < bd.Max.Y; y += 7 {
			for x := bd.Min.X; x < bd.Max.X; x += 7 {
				r, g, b, _ := img.At(x, y).RGBA()
				colours[r>>8<<16|g>>8<<8|b>>8] = true
			}
		}
		if len(colours) < 5 {
			t.Errorf("%s has %d colours in a sample: nothing drawn", f, len(colours))
		}
		if svg, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(f, ".png")+".svg")); err != nil || !bytes.Contains(svg, []byte("<svg")) {
			t.Errorf("%s has no SVG beside it: %v", f, err)
		}
	}
}

// TestTopDownSection: a month with inversions shows both sides of the net
// land flux and the ocean, the products and those still missing, and each
// disagreement in words; without inversions there is no such section.
func TestTopDownSection(t *testing.T) {
	in := Inputs{Month: grid.Month{Year: 2023, Month: 7}, Budget: lake.Budget{NetLand: lake.Term{GtC: 0.11, SigmaGtC: 0.05},
		TopDown: &lake.TopDown{Products: []string{"CAMS", "CT-NRT"}, Missing: []string{"OCO2-MIP"},
			NetLand: lake.Term{GtC: 0.07, SigmaGtC: 0.04}, Ocean: lake.Term{GtC: 0.25, SigmaGtC: 0.03}, RiverAdjustmentGtC: 0.055}},
		Disagreements: []lake.AgreementRow{{Text: "North America, land, 2023-07: CT-NRT sees a 0.130 GtC weaker sink than the land emulators"}}}
	md := reportMarkdown(in, nil)
	for _, want := range []string{"## Top-down", "CAMS, CT-NRT", "not yet available: OCO2-MIP", "| 0.110 ± 0.050 | 0.070 ± 0.040 |",
		"- North America, land, 2023-07: CT-NRT sees a 0.130 GtC weaker sink"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	in.Budget.TopDown = nil
	if md := reportMarkdown(in, nil); strings.Contains(md, "Top-down") {
		t.Error("a month without inversions has a top-down section")
	}
}

// TestMarkdownShowsOnlyWrittenFigures: every image report.md shows was
// written, and a figure that could not be drawn (no ocean column) is not
// shown.
func TestMarkdownShowsOnlyWrittenFigures(t *testing.T) {
	in := figureInputs()
	in.Grid.Columns = in.Grid.Columns[:1] // nbp_mean only
	dir := t.TempDir()
	if err := Write(dir, in); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	shown := regexp.MustCompile(`\]\(([a-z_]+\.png)\)`).FindAllStringSubmatch(string(md), -1)
	if len(shown) < 4 {
		t.Fatalf("report.md shows %d figures:\n%s", len(shown), md)
	}
	for _, m := range shown {
		if _, err := os.Stat(filepath.Join(dir, m[1])); err != nil {
			t.Errorf("report.md shows %s, which was not written", m[1])
		}
	}
	if strings.Contains(string(md), "map_ocean.png") {
		t.Error("report.md shows an ocean map without an ocean column")
	}
}
