package lake

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestRegionRowAnomalyJSON: an anomaly that does not exist yet is null in
// budget.json (never 0, which would claim "no anomaly") and reads back as
// NaN; a real one round-trips exactly.
func TestRegionRowAnomalyJSON(t *testing.T) {
	for _, a := range []float64{math.NaN(), 0, -0.125, 1e-9} {
		row := RegionRow{Month: "2023-07", RegionID: "BRA", Component: "land_sink", GtC: 0.5, AnomalyGtC: a}
		b, err := json.Marshal(row)
		if err != nil {
			t.Fatal(err)
		}
		if isNull := bytes.Contains(b, []byte(`"anomaly_gtc":null`)); isNull != math.IsNaN(a) {
			t.Errorf("anomaly %v encoded as %s", a, b)
		}
		if bytes.Count(b, []byte(`"anomaly_gtc"`)) != 1 {
			t.Errorf("anomaly_gtc appears %d times in %s", bytes.Count(b, []byte(`"anomaly_gtc"`)), b)
		}
		var back RegionRow
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back.RegionID != "BRA" || back.GtC != 0.5 || !(back.AnomalyGtC == a || math.IsNaN(a) && math.IsNaN(back.AnomalyGtC)) {
			t.Errorf("round trip of %+v gave %+v", row, back)
		}
	}
}

// TestReadsLegacyBudgetJSON: budget.json written before the keys were
// snake_case (Go field names such as "EFos"; testdata/budget_legacy.json
// is such a file from a twin run, its regional rows cut to three) still
// reads, and is written back in the published schema.
func TestReadsLegacyBudgetJSON(t *testing.T) {
	out := t.TempDir()
	m := grid.Month{Year: 2023, Month: 1}
	old, err := os.ReadFile(filepath.Join("testdata", "budget_legacy.json"))
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(MonthDir(out, m), 0o755)
	os.WriteFile(filepath.Join(MonthDir(out, m), BudgetJSON), old, 0o644)
	months, err := ReadMonths(out)
	if err != nil {
		t.Fatal(err)
	}
	rec := months[m]
	b := rec.Budget
	if b.Period != "2023-01" || b.EFos.GtC < 0.8 || b.EFos.GtC > 1 || b.SOcean.GtC <= 0 || b.BIm.SigmaGtC <= 0 || len(rec.Regional) != 3 {
		t.Fatalf("legacy budget read as %+v (%d regional rows)", b, len(rec.Regional))
	}
	if err := WriteMonth(t.TempDir(), rec); err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(rec)
	for _, key := range []string{`"period":"2023-01"`, `"e_fos":{"gtc":`, `"s_ocean":`, `"b_im":`, `"land_residual":`, `"net_land":`} {
		if !bytes.Contains(js, []byte(key)) {
			t.Errorf("written budget lacks %s: %s", key, js[:200])
		}
	}
	if bytes.Contains(js, []byte(`"EFos"`)) || bytes.Contains(js, []byte(`"Period"`)) {
		t.Errorf("written budget still has Go field names: %s", js[:200])
	}
	// Every legacy key's value is read, and written back under its new key
	// unchanged (compared as decoded JSON values, so float formatting
	// cannot matter).
	var oldDoc, newDoc struct{ Budget map[string]any }
	if err := json.Unmarshal(old, &oldDoc); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &newDoc); err != nil {
		t.Fatal(err)
	}
	for oldKey, newKey := range map[string]string{"Period": "period", "EFos": "e_fos", "ELUC": "e_luc",
		"GAtm": "g_atm", "SOcean": "s_ocean", "SLand": "s_land", "SCement": "s_cement", "BIm": "b_im",
		"LandResidual": "land_residual", "NetLand": "net_land"} {
		if v, ok := oldDoc.Budget[oldKey]; !ok || !reflect.DeepEqual(v, newDoc.Budget[newKey]) {
			t.Errorf("legacy %q = %v (present %v), written back as %q = %v", oldKey, v, ok, newKey, newDoc.Budget[newKey])
		}
	}
	var both Budget
	if err := json.Unmarshal([]byte(`{"period":"2023-01","Period":"2023-02"}`), &both); err == nil {
		t.Error("a budget with both a key and its legacy key was accepted")
	}
}

// TestTablesStale: tables older than a published month, or missing, are
// stale; rebuilt after the month, they are not.
func TestTablesStale(t *testing.T) {
	out := t.TempDir()
	if stale, err := TablesStale(out); stale || err != nil {
		t.Fatalf("empty output: stale %v, %v", stale, err)
	}
	m := grid.Month{Year: 2023, Month: 1}
	rec := MonthRecord{Budget: Budget{Period: m.String()}}
	if err := WriteMonth(MonthDir(out, m), rec); err != nil {
		t.Fatal(err)
	}
	if stale, _ := TablesStale(out); !stale {
		t.Error("a published month without tables is not stale")
	}
	if err := WriteTables(out, Tables{}); err != nil {
		t.Fatal(err)
	}
	if stale, _ := TablesStale(out); stale {
		t.Error("tables written after the month are stale")
	}
	later := time.Now().Add(time.Minute)
	os.Chtimes(filepath.Join(MonthDir(out, m), BudgetJSON), later, later) // published again after the tables
	if stale, _ := TablesStale(out); !stale {
		t.Error("a month newer than the tables is not stale")
	}
	// A crash after the last Parquet table and before its CSV: every
	// Parquet file is new, one CSV is not.
	if err := WriteTables(out, Tables{}); err != nil {
		t.Fatal(err)
	}
	earlier := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(MonthDir(out, m), BudgetJSON), earlier.Add(time.Minute), earlier.Add(time.Minute))
	os.Chtimes(filepath.Join(out, "fossil_national.csv"), earlier, earlier)
	if stale, _ := TablesStale(out); !stale {
		t.Error("a CSV table older than the month is not stale")
	}
}

// TestMonthCacheRereadsOnlyChangedFiles: a cached month comes back without
// being parsed again; a rewritten one (new size or time) is parsed again.
func TestMonthCacheRereadsOnlyChangedFiles(t *testing.T) {
	out := t.TempDir()
	m := grid.Month{Year: 2023, Month: 5}
	write := func(efos float64) {
		if err := WriteMonth(MonthDir(out, m), MonthRecord{Budget: Budget{Period: m.String(), Terms: Terms{EFos: Term{GtC: efos}}}}); err != nil {
			t.Fatal(err)
		}
	}
	write(0.8)
	var mc MonthCache
	if got, err := mc.ReadMonths(out); err != nil || got[m].Budget.EFos.GtC != 0.8 {
		t.Fatalf("first read: %v %v", got, err)
	}
	// Corrupt the file without changing its size or time: the cache must
	// answer, which proves it did not parse again.
	path := filepath.Join(MonthDir(out, m), BudgetJSON)
	fi, _ := os.Stat(path)
	b, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.Repeat([]byte(" "), len(b)), 0o644)
	os.Chtimes(path, fi.ModTime(), fi.ModTime())
	if got, err := mc.ReadMonths(out); err != nil || got[m].Budget.EFos.GtC != 0.8 {
		t.Fatalf("cached read: %v %v", got, err)
	}
	write(0.9)
	os.Chtimes(path, fi.ModTime().Add(time.Second), fi.ModTime().Add(time.Second))
	if got, err := mc.ReadMonths(out); err != nil || got[m].Budget.EFos.GtC != 0.9 {
		t.Fatalf("after a rewrite: %v %v, want 0.9", got, err)
	}
}
