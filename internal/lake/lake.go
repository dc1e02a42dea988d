// Package lake holds what carbonbudget publishes and how it lies in the
// output directory: the published schema (the budget terms, budget.json's
// month record, the rows of the monthly, annual and regional tables), the
// layout, and writing and reading them back. The budget package computes
// these values; the pipeline writes them here; the server and the report
// read them from here. docs/format.md describes every file.
//
// Layout of the output directory:
//
//	grid/year=YYYY/month=MM/part-0.parquet  one row per cell (GeoParquet)
//	months/YYYY-MM/budget.json              the month's budget and regional rows
//	months/YYYY-MM/manifest.json            provenance (written by the pipeline)
//	months/YYYY-MM/report.md, *.png         the month's report
//	budget_monthly.{parquet,csv}            every month, with anomalies
//	budget_annual.{parquet,csv}             calendar years and July–June windows
//	regions.{parquet,csv}                   long regional table, with anomalies
//	fossil_national.{parquet,csv}           national and sectoral fossil emissions per month
package lake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/crashpoint"
	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

const (
	MonthsDir  = "months"
	BudgetJSON = "budget.json"
)

// MonthDir is the directory of month m's files under out.
func MonthDir(out string, m grid.Month) string { return filepath.Join(out, MonthsDir, m.String()) }

// WriteMonth writes the month's budget.json into dir (a staging directory
// that the caller publishes atomically).
func WriteMonth(dir string, rec MonthRecord) error {
	rec.Budget.StateMaturity()
	return durable.WriteFile(filepath.Join(dir, BudgetJSON), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(rec)
	})
}

// MarshalJSON writes an anomaly that does not exist yet (NaN: the
// baseline months are not published) as null, which JSON can hold and a
// reader cannot mistake for "no anomaly".
func (r RegionRow) MarshalJSON() ([]byte, error) {
	type plain RegionRow
	var anomaly *float64
	if !math.IsNaN(r.AnomalyGtC) {
		anomaly = &r.AnomalyGtC
	}
	return json.Marshal(struct {
		plain
		AnomalyGtC *float64 `json:"anomaly_gtc"`
	}{plain(r), anomaly})
}

// UnmarshalJSON reads a null anomaly back as NaN.
func (r *RegionRow) UnmarshalJSON(b []byte) error {
	type plain RegionRow
	var v struct {
		plain
		AnomalyGtC *float64 `json:"anomaly_gtc"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = RegionRow(v.plain)
	r.AnomalyGtC = math.NaN()
	if v.AnomalyGtC != nil {
		r.AnomalyGtC = *v.AnomalyGtC
	}
	return nil
}

// ReadMonths loads every published month's budget.json under out.
func ReadMonths(out string) (map[grid.Month]MonthRecord, error) {
	return (*MonthCache)(nil).ReadMonths(out)
}

// MonthCache keeps the budget.json files ReadMonths has parsed, by path,
// size and modification time, so that a run reading the published months
// once per month it computes parses each file once (at 120 months that
// reread took half the run). The zero value is ready; a nil one caches
// nothing.
type MonthCache struct {
	mu      sync.Mutex
	entries map[string]cachedMonth
}

type cachedMonth struct {
	size  int64
	mtime time.Time
	rec   MonthRecord
}

// ReadMonths is lake.ReadMonths through the cache. The records share their
// slices with the cache: callers must not modify them in place.
func (mc *MonthCache) ReadMonths(out string) (map[grid.Month]MonthRecord, error) {
	entries, err := os.ReadDir(filepath.Join(out, MonthsDir))
	if errors.Is(err, fs.ErrNotExist) {
		return map[grid.Month]MonthRecord{}, nil
	}
	if err != nil {
		return nil, err
	}
	if mc != nil {
		mc.mu.Lock()
		defer mc.mu.Unlock()
	}
	months := map[grid.Month]MonthRecord{}
	for _, e := range entries {
		m, err := grid.ParseMonth(e.Name())
		if err != nil || !e.IsDir() {
			continue // staging directories and strays
		}
		path := filepath.Join(out, MonthsDir, e.Name(), BudgetJSON)
		fi, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if mc != nil {
			if c, ok := mc.entries[path]; ok && c.size == fi.Size() && c.mtime.Equal(fi.ModTime()) {
				months[m] = c.rec
				continue
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var rec MonthRecord
		if err := json.Unmarshal(b, &rec); err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		months[m] = rec
		if mc != nil {
			if mc.entries == nil {
				mc.entries = map[string]cachedMonth{}
			}
			mc.entries[path] = cachedMonth{fi.Size(), fi.ModTime(), rec}
		}
	}
	return months, nil
}

// Tables are the aggregate tables of the published months.
type Tables struct {
	Monthly, Annual []Row
	Regional        []RegionRow
	// Fossil are the national fossil rows of every month (fossil_national).
	Fossil []NationalRow
	// Agreement compares bottom-up and top-down anomalies per region,
	// month and calendar year (agreement); empty without inversions.
	Agreement []AgreementRow
	// Findings are every period's unusual regions and terms
	// (budget.Findings), period by period, most unusual first.
	Findings []Finding
}

// TableFiles are the files WriteTables writes, in its order.
var TableFiles = []string{"budget_monthly.parquet", "budget_monthly.csv", "budget_annual.parquet", "budget_annual.csv",
	"regions.parquet", "regions.csv", "fossil_national.parquet", "fossil_national.csv",
	"agreement.parquet", "agreement.csv", "findings.parquet", "findings.csv"}

// WriteTables writes budget_monthly, budget_annual, regions and
// fossil_national under out, each as Parquet and CSV, each file replaced
// atomically. A crash between two files leaves the later ones older than
// the newest month, which TablesStale detects.
func WriteTables(out string, t Tables) error {
	write := map[string]func(path string) error{
		"budget_monthly.parquet":  func(p string) error { return output.WriteParquet(p, t.Monthly, nil) },
		"budget_monthly.csv":      func(p string) error { return output.WriteCSV(p, rowHeader, rowRecords(t.Monthly)) },
		"budget_annual.parquet":   func(p string) error { return output.WriteParquet(p, t.Annual, nil) },
		"budget_annual.csv":       func(p string) error { return output.WriteCSV(p, rowHeader, rowRecords(t.Annual)) },
		"regions.parquet":         func(p string) error { return output.WriteParquet(p, t.Regional, nil) },
		"regions.csv":             func(p string) error { return output.WriteCSV(p, regionHeader, regionRecords(t.Regional)) },
		"fossil_national.parquet": func(p string) error { return output.WriteParquet(p, t.Fossil, nil) },
		"fossil_national.csv":     func(p string) error { return output.WriteCSV(p, nationalHeader, nationalRecords(t.Fossil)) },
		"agreement.parquet":       func(p string) error { return output.WriteParquet(p, t.Agreement, nil) },
		"agreement.csv":           func(p string) error { return output.WriteCSV(p, agreementHeader, agreementRecords(t.Agreement)) },
		"findings.parquet":        func(p string) error { return output.WriteParquet(p, t.Findings, nil) },
		"findings.csv":            func(p string) error { return output.WriteCSV(p, FindingHeader, FindingRecords(t.Findings)) },
	}
	for _, name := range TableFiles {
		if err := write[name](filepath.Join(out, name)); err != nil {
			return err
		}
		crashpoint.At("tables: wrote " + name)
	}
	return nil
}

var rowHeader = []string{"period", "window", "e_fos_gtc", "e_fos_sigma_gtc", "e_luc_gtc", "e_luc_sigma_gtc",
	"g_atm_gtc", "g_atm_sigma_gtc", "s_ocean_gtc", "s_ocean_sigma_gtc", "s_land_gtc", "s_land_sigma_gtc",
	"s_cement_gtc", "b_im_gtc", "b_im_sigma_gtc", "land_residual_gtc", "net_land_gtc",
	"e_fos_anomaly_gtc", "g_atm_anomaly_gtc", "s_ocean_anomaly_gtc", "s_land_anomaly_gtc", "net_land_anomaly_gtc",
	"net_land_topdown_gtc", "net_land_topdown_sigma_gtc", "s_ocean_topdown_gtc", "s_ocean_topdown_sigma_gtc", "topdown_products",
	"g_atm_noaa_gtc", "g_atm_noaa_sigma_gtc",
	"provisional", "provisional_terms", "months"}

func rowRecords(rows []Row) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		rec := []string{r.Period, r.Window}
		for _, v := range []float64{r.EFos, r.EFosSigma, r.ELUC, r.ELUCSigma, r.GAtm, r.GAtmSigma, r.SOcean, r.SOceanSigma,
			r.SLand, r.SLandSigma, r.SCement, r.BIm, r.BImSigma, r.LandResidual, r.NetLand,
			r.EFosAnomaly, r.GAtmAnomaly, r.SOceanAnomaly, r.SLandAnomaly, r.NetLandAnomaly,
			r.NetLandTopDown, r.NetLandTopDownSigma, r.SOceanTopDown, r.SOceanTopDownSigma} {
			rec = append(rec, num(v))
		}
		out[i] = append(rec, strconv.Itoa(r.TopDownProducts), num(r.GAtmNOAA), num(r.GAtmNOAASigma),
			strconv.FormatBool(r.Provisional), r.ProvisionalTerms, strconv.Itoa(r.Months))
	}
	return out
}

var regionHeader = []string{"month", "region_id", "name", "kind", "component", "value_gtc", "sigma_gtc", "anomaly_gtc", "provisional"}

func regionRecords(rows []RegionRow) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = []string{r.Month, r.RegionID, r.Name, r.Kind, r.Component, num(r.GtC), num(r.SigmaGtC), num(r.AnomalyGtC), strconv.FormatBool(r.Provisional)}
	}
	return out
}

// num formats a value for CSV: shortest round-trip form, empty for NaN.
func num(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

var agreementHeader = []string{"period", "window", "region_id", "name", "kind", "domain", "product",
	"bottom_up_gtc", "bottom_up_anomaly_gtc", "bottom_up_sigma_gtc", "top_down_gtc", "top_down_anomaly_gtc", "top_down_sigma_gtc",
	"difference_gtc", "baseline_rms_gtc", "sigma_gtc", "agree", "text"}

func agreementRecords(rows []AgreementRow) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		rec := []string{r.Period, r.Window, r.RegionID, r.Name, r.Kind, r.Domain, r.Product}
		for _, v := range []float64{r.BottomUpGtC, r.BottomUpAnomalyGtC, r.BottomUpSigmaGtC, r.TopDownGtC, r.TopDownAnomalyGtC,
			r.TopDownSigmaGtC, r.DifferenceGtC, r.BaselineRMSGtC, r.SigmaGtC} {
			rec = append(rec, num(v))
		}
		out[i] = append(rec, strconv.FormatBool(r.Agree), r.Text)
	}
	return out
}

var nationalHeader = []string{"month", "country", "iso3", "sector", "value_gtc", "days"}

func nationalRecords(rows []NationalRow) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = []string{r.Month, r.Country, r.ISO3, r.Sector, num(r.GtC), strconv.Itoa(r.Days)}
	}
	return out
}

// TablesStale reports whether the tables under out may not reflect the
// published months: a table file (Parquet or CSV) is missing while months
// are published, or a month's budget.json is newer than a table file (a
// crash between a month's publish and the end of the tables' rebuild
// leaves exactly that).
func TablesStale(out string) (bool, error) {
	entries, err := os.ReadDir(filepath.Join(out, MonthsDir))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var newest time.Time
	for _, e := range entries {
		if _, err := grid.ParseMonth(e.Name()); err != nil || !e.IsDir() {
			continue
		}
		fi, err := os.Stat(filepath.Join(out, MonthsDir, e.Name(), BudgetJSON))
		if err == nil && fi.ModTime().After(newest) {
			newest = fi.ModTime()
		}
	}
	if newest.IsZero() {
		return false, nil
	}
	for _, name := range TableFiles {
		fi, err := os.Stat(filepath.Join(out, name))
		if err != nil || fi.ModTime().Before(newest) {
			return true, nil
		}
	}
	return false, nil
}
