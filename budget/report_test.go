package budget

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

func TestWriteReport(t *testing.T) {
	months := syntheticMonths(grid.Month{Year: 2015, Month: 1}, grid.Month{Year: 2023, Month: 12})
	monthly, annual := Tables(months, Baseline{2015, 2022})
	g := grid.MustNew(2)
	land := grid.NewField(g, "nbp_mean", "g C m-2 month-1")
	for i := range land.Values {
		lat, _ := g.Centre(i)
		land.Values[i] = float32(lat) / 10
	}
	m := grid.Month{Year: 2023, Month: 12}
	res := &Result{Month: m, Budget: months[m].Budget, Grid: output.GridMonth{Grid: g, Month: m,
		Columns: []output.Column{{Name: "nbp_mean", Values: land.Values}, {Name: "ocean_uptake_mean", Values: land.Values}}}}
	dir := t.TempDir()
	if err := WriteReport(dir, ReportInputs{Month: m, Result: res, Monthly: monthly, Annual: annual}); err != nil {
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
	}
}
