package carbonmonitor

import (
	"math"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/realdata"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// The real export (PROVENANCE.md): 14 rows × 6 sectors × 425 days, 1 Jan –
// 31 Jul of 2023 and of 2024. Expected values were computed with grep/awk
// on the file, as quoted next to each.
func TestRealExport(t *testing.T) {
	d, err := ReadFile(realdata.Path(t, "carbon_monitor", "carbon_monitor_global.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// awk -F, 'NR>1 && $2 ~ /\// {n++} END{print n}' → 35700
	if len(d.Records) != 35700 {
		t.Errorf("%d records, want 35,700", len(d.Records))
	}
	if !d.UnitsFromHeader || len(d.Notes) != 2 || d.Notes[0] != "carbonmonitor.org" || d.Notes[1] != "September 17th, 2024" {
		t.Errorf("units from header %v, notes %q", d.UnitsFromHeader, d.Notes)
	}
	if c := d.Countries(); len(c) != 14 {
		t.Errorf("%d countries, want 14: %v", len(c), c)
	}
	dates := d.Dates()
	if len(dates) != 425 || !dates[0].Equal(day(2023, 1, 1)) || !dates[len(dates)-1].Equal(day(2024, 7, 31)) {
		t.Errorf("%d dates %v..%v, want 425 from 2023-01-01 to 2024-07-31", len(dates), dates[0], dates[len(dates)-1])
	}
	// 212 days of 2023 (Jan–Jul), then 213 of 2024 (leap year): no August.
	if !dates[211].Equal(day(2023, 7, 31)) || !dates[212].Equal(day(2024, 1, 1)) {
		t.Errorf("dates[211], dates[212] = %v, %v; want 2023-07-31, 2024-01-01", dates[211], dates[212])
	}
	perSector := map[string]int{}
	for _, r := range d.Records {
		perSector[r.Sector]++
	}
	for _, s := range Sectors {
		if perSector[s] != 5950 {
			t.Errorf("%s: %d rows, want 5,950", s, perSector[s])
		}
	}
	// grep '^WORLD,01/01/2023,Power,' → WORLD,01/01/2023,Power,36.756
	if w := d.Daily("WORLD", "Power"); len(w) != 425 || w[0].MtCO2PerDay != 36.756 {
		t.Errorf("WORLD Power: %d days, 2023-01-01 = %+v, want 425 days and 36.756", len(w), w[0])
	}
	// grep '^WORLD,31/07/2024,Power' → 42.7944
	if w := d.Daily("WORLD", "Power"); w[len(w)-1].MtCO2PerDay != 42.7944 {
		t.Errorf("WORLD Power 2024-07-31 = %v, want 42.7944", w[len(w)-1].MtCO2PerDay)
	}
	// awk -F, '$1=="WORLD" && $3=="Power" && $2 ~ /\/01\/2023/ {s+=$4}' → 1197.433400
	// awk -F, '$1=="China" && $3=="Power" && $2 ~ /\/01\/2024$/ {s+=$4}' → 479.452600 (31 days)
	// awk -F, '$1=="WORLD" && $2 ~ /\/2023$/ {s+=$4}' → 20868.527217; /2024$/ → 21058.285833 (printf %.6f)
	// 1e-9 relative: awk printed six decimals (±5e-7 MtCO2, 2e-11 relative),
	// float64 summation error is smaller still.
	checks := []struct {
		what      string
		country   string
		sector    string
		from, to  grid.Month
		wantMtCO2 float64
	}{
		{"WORLD Power Jan 2023", "WORLD", "Power", grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 1}, 1197.4334},
		{"China Power Jan 2024", "China", "Power", grid.Month{Year: 2024, Month: 1}, grid.Month{Year: 2024, Month: 1}, 479.4526},
		{"WORLD all sectors Jan–Jul 2023", "WORLD", "", grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 7}, 20868.527217},
		{"WORLD all sectors Jan–Jul 2024", "WORLD", "", grid.Month{Year: 2024, Month: 1}, grid.Month{Year: 2024, Month: 7}, 21058.285833},
	}
	for _, c := range checks {
		var sum float64
		for _, m := range grid.Range(c.from, c.to) {
			for _, r := range d.Month(m) {
				if r.Country == c.country && (c.sector == "" || r.Sector == c.sector) {
					sum += r.MtCO2PerDay
				}
			}
		}
		if math.Abs(sum-c.wantMtCO2) > 1e-9*c.wantMtCO2 {
			t.Errorf("%s = %.6f MtCO2, want %.6f", c.what, sum, c.wantMtCO2)
		}
	}
}

// TestRealWorldIsPartition pins which rows make up WORLD in this export:
// Brazil, China, EU27 & UK, India, Japan, Russia, United States and ROW,
// to 1e-5 relative for every day and sector (awk gives a largest
// difference of 5.2e-6, on 26/06/2023 Domestic Aviation: six significant
// digits of rounding). science.md section 6 left this open.
func TestRealWorldIsPartition(t *testing.T) {
	d, err := ReadFile(realdata.Path(t, "carbon_monitor", "carbon_monitor_global.csv"))
	if err != nil {
		t.Fatal(err)
	}
	partition := map[string]bool{"Brazil": true, "China": true, "EU27 & UK": true, "India": true, "Japan": true, "Russia": true, "United States": true, "ROW": true}
	type key struct {
		date   time.Time
		sector string
	}
	world, parts := map[key]float64{}, map[key]float64{}
	for _, r := range d.Records {
		k := key{r.Date, r.Sector}
		switch {
		case r.Country == "WORLD":
			world[k] = r.MtCO2PerDay
		case partition[r.Country]:
			parts[k] += r.MtCO2PerDay
		}
	}
	if len(world) != 425*6 {
		t.Fatalf("%d WORLD values, want %d", len(world), 425*6)
	}
	for k, w := range world {
		if math.Abs(parts[k]-w) > 1e-5*w {
			t.Errorf("%s %s: partition sums to %v, WORLD is %v", k.date.Format(time.DateOnly), k.sector, parts[k], w)
		}
	}
}

// TestRealExportPassesTheJumpCheck: no row of the real export changes by
// more than the default factor from one month to the next (the check must
// refuse unit errors, not the data).
func TestRealExportPassesTheJumpCheck(t *testing.T) {
	d, err := ReadFile(realdata.Path(t, "carbon_monitor", "carbon_monitor_global.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range []int{2023, 2024} {
		for mo := time.February; mo <= time.July; mo++ {
			if err := checkJump(d, grid.Month{Year: y, Month: mo}, DefaultMaxMonthlyJump); err != nil {
				t.Error(err)
			}
		}
	}
}
