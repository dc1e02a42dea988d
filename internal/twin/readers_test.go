package twin

import (
	"context"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest/builder"

	"github.com/carbonbudget/carbonbudget/ingest/carbonmonitor"
	"github.com/carbonbudget/carbonbudget/ingest/gcb"
	"github.com/carbonbudget/carbonbudget/ingest/noaa"
	"github.com/carbonbudget/carbonbudget/ingest/raster"
	"github.com/carbonbudget/carbonbudget/ingest/socat"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// TestFilesOpenWithTools runs ncdump -h on every netCDF file and gdalinfo
// on an NDVI GeoTIFF, when the tools are installed.
func TestFilesOpenWithTools(t *testing.T) {
	dir := smallWorld(t)
	if _, err := exec.LookPath("ncdump"); err != nil {
		t.Log("ncdump not installed: netCDF files not checked with it")
	} else {
		files, _ := filepath.Glob(filepath.Join(dir, "*", "*.nc"))
		if len(files) != 14 {
			t.Errorf("%d netCDF files, want 14", len(files))
		}
		for _, f := range files {
			out, err := exec.Command("ncdump", "-h", f).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "time = ") {
				t.Errorf("ncdump -h %s: %v\n%s", f, err, out)
			}
		}
	}
	if _, err := exec.LookPath("gdalinfo"); err != nil {
		t.Skip("gdalinfo not installed")
	}
	out, err := exec.Command("gdalinfo", filepath.Join(dir, "ndvi", "ndvi_202307.tif")).CombinedOutput()
	if err != nil {
		t.Fatalf("gdalinfo: %v\n%s", err, out)
	}
	for _, want := range []string{`ID["EPSG",4326]`, "NoData Value=-32768", "Scale:0.0001", "Type=Int16", "Size is 180, 90"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("gdalinfo output lacks %q:\n%s", want, out)
		}
	}
}

// tolerances of the round trip through the readers, per cube variable, in
// canonical units: half the packing step of the twin's files (ERA5 packs
// each variable over its yearly range in 65532 steps), or float32
// precision for unpacked variables.
var roundTripTol = map[string]float64{
	"t2m": 3e-3, "tp": 0.02, "ssrd": 0.01, "swvl1": 1e-5, "si10": 1e-3, "sst": 1e-3, "siconc": 2e-5, "msl": 2e-3,
	"mlotst": 0.051, "so": 5.1e-4, "chl": 1e-5, "fire_c": 1e-4, "ndvi": 5.1e-5,
}

// truthInCubeUnits is the twin's value of a cube variable in its
// canonical units.
func truthInCubeUnits(f *MonthFields, name string) []float32 {
	days := float32(f.Month.Days())
	scale := func(v []float32, k float32) []float32 {
		out := make([]float32, len(v))
		for i, x := range v {
			out[i] = x * k
		}
		return out
	}
	switch name {
	case "t2m":
		return f.T2mC
	case "tp":
		return scale(f.PrecipMmPerDay, days)
	case "ssrd":
		return f.SsrdWPerM2
	case "swvl1":
		return f.Swvl1
	case "si10":
		return f.Si10MPerS
	case "sst":
		return f.SstC
	case "siconc":
		return f.Siconc
	case "msl":
		return f.MslHPa
	case "mlotst":
		return f.MldM
	case "so":
		return f.SalinityPSU
	case "chl":
		return f.ChlMgPerM3
	case "fire_c":
		out := scale(f.Fire, 1)
		for i, v := range out {
			if v != v {
				out[i] = 0 // GFED writes 0 over the ocean
			}
		}
		return out
	case "ndvi":
		return f.NDVI
	}
	for j, n := range DGVMNames {
		if name == "nbp/"+n {
			return f.NBPModel[j]
		}
	}
	for j, n := range GOBMNames {
		if name == "fgco2/"+n {
			return f.FgCO2Model[j]
		}
	}
	return nil
}

// TestCubeReadsTheTruth ingests a month of the small world with the
// project's cube builder and readers and compares every gridded field with
// the twin's values.
func TestCubeReadsTheTruth(t *testing.T) {
	dir := smallWorld(t)
	cfg, err := config.Load(filepath.Join(dir, ConfigName))
	if err != nil {
		t.Fatal(err)
	}
	cfg.WorkDir = t.TempDir()
	m := grid.Month{Year: 2022, Month: time.July} // a month the models have run
	f := smallMonth(t, m)
	c, err := builder.New(cfg, landOf(t, f), quietLog()).Cube(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Missing) != 0 {
		t.Errorf("missing sources %v", c.Missing)
	}
	names := []string{}
	for n := range roundTripTol {
		names = append(names, n)
	}
	for _, n := range DGVMNames {
		names = append(names, "nbp/"+n)
	}
	for _, n := range GOBMNames {
		names = append(names, "fgco2/"+n)
	}
	for _, name := range names {
		got, ok := c.Fields[name]
		if !ok {
			if name == "ndvi" {
				t.Logf("the cube has no ndvi (no GeoTIFF reader wired in yet); TestNDVIReadsBack covers it")
				continue
			}
			t.Errorf("cube lacks %s (has %v)", name, c.FieldNames())
			continue
		}
		compareField(t, name, got.Values, truthInCubeUnits(f, name))
	}
	if ship, ok := c.Fields["fco2_ship"]; !ok || ship.Coverage(nil) == 0 {
		t.Errorf("no ship fCO2 in the cube")
	}
	if math.Abs(c.XCO2PPM-(f.Budget.CO2StartPPM+f.Budget.CO2EndPPM)/2) > 5*networkNoisePPM {
		t.Errorf("cube CO2 %.2f ppm, twin %.2f", c.XCO2PPM, (f.Budget.CO2StartPPM+f.Budget.CO2EndPPM)/2)
	}
}

// landOf is the land fraction the small world was built on.
func landOf(t *testing.T, f *MonthFields) []float32 {
	set, err := regions.Load(f.Grid)
	if err != nil {
		t.Fatal(err)
	}
	return set.LandFraction()
}

func compareField(t *testing.T, name string, got, want []float32) {
	t.Helper()
	tol := roundTripTol[name]
	worst, worstAt, mismatched := 0.0, -1, 0
	for i := range want {
		w, g := float64(want[i]), float64(got[i])
		if (w != w) != (g != g) {
			mismatched++
			continue
		}
		if w != w {
			continue
		}
		lim := tol
		if lim == 0 {
			lim = 1e-6*math.Abs(w) + 1e-9 // float32 model output
		}
		if d := math.Abs(g - w); d > lim && d-lim > worst {
			worst, worstAt = d-lim, i
		}
	}
	if mismatched > 0 {
		t.Errorf("%s: %d cells defined in one and missing in the other", name, mismatched)
	}
	if worstAt >= 0 {
		t.Errorf("%s: cell %d reads %v, twin %v (beyond tolerance by %g)", name, worstAt, got[worstAt], want[worstAt], worst)
	}
}

func TestNDVIReadsBack(t *testing.T) {
	dir := smallWorld(t)
	m := grid.Month{Year: 2023, Month: time.January}
	f := smallMonth(t, m)
	got, err := raster.ReadGeoTIFF(ndviPath(dir, m), 1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Grid != f.Grid {
		t.Fatalf("GeoTIFF grid %v, twin %v", got.Grid, f.Grid)
	}
	compareField(t, "ndvi", got.Values, f.NDVI)
}

func TestTextFilesReadBack(t *testing.T) {
	dir := smallWorld(t)
	opt := smallOptions()
	mm, err := noaa.ReadMonthlyFile(filepath.Join(dir, "noaa", "co2_mm_gl.txt"))
	if err != nil {
		t.Fatal(err)
	}
	budgets := readTruthBudgets(t, dir)
	if len(mm.Rows) != len(budgets) || !mm.Created.Equal(opt.creationTime()) {
		t.Errorf("co2_mm_gl: %d rows created %v; want %d, %v", len(mm.Rows), mm.Created, len(budgets), opt.creationTime())
	}
	for i, r := range mm.Rows {
		if d := math.Abs(r.AveragePPM - budgets[i].CO2MeanPPM); r.Month.Year != int(budgets[i].Year) || d > 5*networkNoisePPM {
			t.Errorf("%s: NOAA average %.2f, truth %.2f", r.Month, r.AveragePPM, budgets[i].CO2MeanPPM)
		}
	}
	gr, err := noaa.ReadAnnualFile(filepath.Join(dir, "noaa", "co2_gr_gl.txt"))
	if err != nil {
		t.Fatal(err)
	}
	annual := readTruthAnnual(t, dir)
	if gr.Kind != noaa.Growth || gr.Layout != "text" || !gr.HasUnc || !gr.Created.Equal(opt.creationTime()) ||
		len(gr.Rows) != len(annual)-1 || gr.Rows[0].Year != opt.FromYear+1 {
		t.Errorf("co2_gr_gl: kind %s layout %s unc %v created %v, %d rows from %d; want growth, text, unc, %v, one per year from %d",
			gr.Kind, gr.Layout, gr.HasUnc, gr.Created, len(gr.Rows), gr.Rows[0].Year, opt.creationTime(), opt.FromYear+1)
	}
	for _, r := range gr.Rows {
		// The trend's growth differs from the box's by the network noise
		// and the smoothing: 0.3 ppm/yr.
		if truth := annual[r.Year-opt.FromYear].GAtm / gtcPerPPM; math.Abs(r.GrowthPPMPerYear-truth) > 0.3 {
			t.Errorf("%d: NOAA growth %.2f ppm/yr, truth %.2f", r.Year, r.GrowthPPMPerYear, truth)
		}
	}
	checkCarbonMonitor(t, dir, annual)
	lu, err := gcb.ReadFile(filepath.Join(dir, "gcb", "land_use_change_emissions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if last := lu.Years[len(lu.Years)-1]; last != opt.ModelLastYear() {
		t.Errorf("land-use table ends in %d, want %d (a year late)", last, opt.ModelLastYear())
	}
	if v, ok, err := lu.Value("GCB | Net", 2022); err != nil || !ok || math.Abs(v-lucGtCPerYear(2022)) > 0.3 {
		t.Errorf("GCB | Net 2022 = %v (%v, %v), truth %v", v, ok, err, lucGtCPerYear(2022))
	}
	cem, err := gcb.ReadCementFile(filepath.Join(dir, "gcb", "cement_carbonation_sink.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if cem.FirstYear != gcbFirstYear || cem.LastYear() != opt.ModelLastYear() {
		t.Errorf("cement sheet %d-%d, want %d-%d (a year late)", cem.FirstYear, cem.LastYear(), gcbFirstYear, opt.ModelLastYear())
	}
	for i, v := range cem.GtCPerYear {
		if y := cem.FirstYear + i; math.Abs(v-cementCarbonationGtCPerYear(y)) > 5e-6 {
			t.Errorf("S_CEMENT %d = %g in the sheet, truth %g", y, v, cementCarbonationGtCPerYear(y))
		}
	}
}

func checkCarbonMonitor(t *testing.T, dir string, annual []budgetRow) {
	d, err := carbonmonitor.ReadFile(filepath.Join(dir, "carbon_monitor", "carbonmonitor-global_datas.csv"))
	if err != nil {
		t.Fatal(err)
	}
	world := map[int]float64{}
	parts := map[int]float64{}
	for _, r := range d.Records {
		switch {
		case r.Country == "WORLD":
			world[r.Date.Year()] += r.MtCO2PerDay
		case partitionRow(r.Country):
			parts[r.Date.Year()] += r.MtCO2PerDay
		}
	}
	for _, a := range annual {
		y := int(a.Year)
		// 1e-5 relative: six significant digits in the file.
		if gtc := world[y] / mtCO2PerGtC; math.Abs(gtc-a.EFos) > 1e-5*a.EFos {
			t.Errorf("%d: WORLD sums to %.5f GtC, truth E_FOS %.5f", y, gtc, a.EFos)
		}
		if math.Abs(parts[y]-world[y]) > 1e-5*world[y] {
			t.Errorf("%d: the partition rows sum to %.1f MtCO2, WORLD %.1f", y, parts[y], world[y])
		}
	}
}

// partitionRow: the rows that cover the world once (EU27 & UK contains
// the European rows listed on their own).
func partitionRow(country string) bool {
	switch country {
	case "Brazil", "China", "EU27 & UK", "India", "Japan", "Russia", "United States", "ROW":
		return true
	}
	return false
}

func TestSOCATReadsBack(t *testing.T) {
	dir := smallWorld(t)
	m := grid.Month{Year: 2023, Month: time.March}
	res, err := socat.ReadFile(socatPath(dir, m), socat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := smallMonth(t, m)
	if res.Rows < 1000 || len(res.Obs) < res.Rows*8/10 {
		t.Errorf("%d rows, %d kept", res.Rows, len(res.Obs))
	}
	if res.Dropped["QC_Flag E"] == 0 || res.Dropped["fCO2rec_flag 3"] == 0 {
		t.Errorf("dropped %v: want some QC E and flag 3 rows", res.Dropped)
	}
	var bias, n float64
	for _, o := range res.Obs {
		i, ok := f.Grid.Locate(o.LatDeg, o.LonDeg)
		if !ok || o.QC < "A" || o.QC > "D" {
			t.Fatalf("observation %+v", o)
		}
		bias += o.FCO2RecUatm - float64(f.FCO2SeaUatm[i])
		n++
	}
	// Sub-grid variability and noise average out: within 1 µatm.
	if bias /= n; math.Abs(bias) > 1 {
		t.Errorf("ship fCO2 minus the truth averages %.2f µatm", bias)
	}
}

func readTruthBudgets(t *testing.T, dir string) []budgetRow {
	rows, err := output.ReadParquet[budgetRow](filepath.Join(dir, "truth", "budget_monthly.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func readTruthAnnual(t *testing.T, dir string) []budgetRow {
	rows, err := output.ReadParquet[budgetRow](filepath.Join(dir, "truth", "budget_annual.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestTruthGridReadsBack reads a month of the gridded truth and compares
// it with the world's fields.
func TestTruthGridReadsBack(t *testing.T) {
	dir := smallWorld(t)
	m := grid.Month{Year: 2023, Month: time.September}
	f := smallMonth(t, m)
	gf, err := output.ReadGrid(context.Background(), output.GridPath(filepath.Join(dir, "truth"), m))
	if err != nil {
		t.Fatal(err)
	}
	cols := truthColumns(f)
	if len(gf.Columns) != len(cols) {
		t.Errorf("%d truth columns, want %d", len(gf.Columns), len(cols))
	}
	for _, c := range cols {
		got, ok := gf.Columns[c.Name]
		if !ok || gf.Units[c.Name] != c.Units {
			t.Errorf("column %s: present %v, units %q", c.Name, ok, gf.Units[c.Name])
			continue
		}
		for i, id := range gf.CellIDs {
			w, g := c.Values[id], got[i]
			if (w != w) != (g != g) || (w == w && w != g) {
				t.Fatalf("%s cell %d: file %v, world %v", c.Name, id, g, w)
			}
		}
	}
	if gf.Meta["twin:seed"] != "42" {
		t.Errorf("metadata %v", gf.Meta)
	}
}
