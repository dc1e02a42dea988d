package release

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// world describes a small published lake for the tests: months of the
// budget stage on the real 2° masks, with a manifest naming a NOAA file,
// a model, the code version and a configuration. Two worlds that differ
// in one field differ the way two runs would.
type world struct {
	months []grid.Month
	// noaaRevisionPPM raises the CO2 record's month after the last
	// published one (the preliminary month a revision moves), and
	// noaaSHA/noaaVintage say so in the manifest.
	noaaRevisionPPM      float64
	noaaSHA, noaaVintage string
	modelSHA             string
	code                 string
	config               string
	// landBumpGtC changes S_LAND without changing any manifest (what a
	// non-reproducible run looks like).
	landBumpGtC float64
}

func baseWorld(months ...grid.Month) world {
	return world{months: months, noaaSHA: "aa11", noaaVintage: "Wed Feb  5 03:55:17 2023", modelSHA: "bb22",
		code: "v1.0.0", config: "input_dir: /data/a\nlatency_months: 3\nmembers: 1\n"}
}

func months2022(n int) []grid.Month {
	return grid.Range(grid.Month{Year: 2022, Month: time.January}, grid.Month{Year: 2022, Month: time.Month(n)})
}

var masks struct {
	once sync.Once
	g    grid.Grid
	set  *regions.Set
	err  error
}

func loadMasks(t *testing.T) (grid.Grid, *regions.Set) {
	t.Helper()
	masks.once.Do(func() {
		masks.g = grid.MustNew(2)
		masks.set, masks.err = regions.Load(masks.g)
	})
	if masks.err != nil {
		t.Fatal(masks.err)
	}
	return masks.g, masks.set
}

// write publishes w into out the way the pipeline does: grid, budget.json
// (through lake.WriteMonth, which states maturities), manifest.json and
// the tables.
func (w world) write(t *testing.T, out string) {
	t.Helper()
	g, set := loadMasks(t)
	rec := &budget.CO2Record{Vintage: w.noaaVintage}
	first, last := w.months[0].Add(-1), w.months[len(w.months)-1].Add(1)
	for i, m := range grid.Range(first, last) {
		ppm := 415 + 0.2*float64(i) + 2*math.Sin(float64(m.Month))
		if m == last {
			ppm += w.noaaRevisionPPM
		}
		rec.Months = append(rec.Months, budget.CO2Month{Month: m, MeanPPM: ppm, TrendPPM: 415 + 0.2*float64(i)})
	}
	field := func(f func(lat, lon float64) float32) *grid.Field {
		x := grid.NewField(g, "x", "g C m-2 month-1")
		for i := range x.Values {
			x.Values[i] = f(g.Centre(i))
		}
		return x
	}
	for k, m := range w.months {
		in := budget.Inputs{Grid: g, LandFraction: set.LandFraction(), Regions: set, CO2: rec,
			Fossil: budget.Flux{Term: lake.Term{GtC: 0.8, SigmaGtC: 0.04}, Mean: field(func(lat, _ float64) float32 { return float32(1 + math.Abs(lat)/90) })},
			Land:   budget.Flux{Term: lake.Term{GtC: 0.3 + w.landBumpGtC, SigmaGtC: 0.1}, Mean: field(func(lat, lon float64) float32 { return float32(k+1) * float32(math.Cos(lat*math.Pi/180)) })},
			Ocean:  budget.Flux{Term: lake.Term{GtC: 0.25, SigmaGtC: 0.03}, Mean: field(func(lat, _ float64) float32 { return 0.5 + float32(lat)/180 })},
			ELUC:   lake.Term{GtC: 0.1, SigmaGtC: 0.05}, SCement: lake.Term{GtC: 0.02, SigmaGtC: 0.004},
			FossilNational: []lake.NationalRow{
				{Month: m.String(), Country: "China", ISO3: "CHN", Sector: "Power", GtC: 0.3},
				{Month: m.String(), Country: "France", ISO3: "FRA", Sector: "Power", GtC: 0.01},
				{Month: m.String(), Country: "EU27 & UK", Sector: "Power", GtC: 0.07},
				{Month: m.String(), Country: "ROW", Sector: "Power", GtC: 0.4},
				{Month: m.String(), Country: "WORLD", Sector: "Power", GtC: 0.77},
			}}
		res, err := budget.Run(context.Background(), m, in, budget.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := output.WriteGrid(output.GridPath(out, m), res.Grid); err != nil {
			t.Fatal(err)
		}
		if err := lake.WriteMonth(lake.MonthDir(out, m), res.Record()); err != nil {
			t.Fatal(err)
		}
		man := map[string]any{"month": m.String(), "code_version": w.code, "config": w.config,
			"inputs": []map[string]any{
				{"source": "co2_monthly", "path": "noaa/co2_mm_gl.txt", "sha256": w.noaaSHA, "status": "ok"},
				{"source": "fossil", "path": "carbon_monitor/cm.csv", "sha256": "cc33", "status": "ok"},
			},
			"models":   []map[string]any{{"component": "ocean", "name": "gobm-TWIN", "sha256": w.modelSHA, "card": map[string]any{"skill": 0.9}}},
			"vintages": map[string]string{"co2_monthly": w.noaaVintage}}
		b, _ := json.MarshalIndent(man, "", " ")
		// Published files are replaced, never rewritten in place (a release
		// shares their inodes): durable, like the pipeline.
		if err := durable.WriteFile(filepath.Join(lake.MonthDir(out, m), "manifest.json"), func(w io.Writer) error {
			_, err := w.Write(b)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	months, err := lake.ReadMonths(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := lake.WriteTables(out, budget.Tables(months, budget.Baseline{FromYear: 2015, ToYear: 2020})); err != nil {
		t.Fatal(err)
	}
}
