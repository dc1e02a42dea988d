package ledger

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestArrivals: a vintage is recorded once; a revised file of the same
// month is a second vintage that keeps the month's first arrival; the
// newest month of each source is what LatestArrivals reports.
func TestArrivals(t *testing.T) {
	ctx := context.Background()
	l := openTemp(t)
	clock := time.Date(2024, 12, 3, 6, 0, 0, 0, time.UTC)
	l.now = func() time.Time { clock = clock.Add(24 * time.Hour); return clock }
	oct, nov := grid.Month{Year: 2024, Month: 10}, grid.Month{Year: 2024, Month: 11}
	steps := []struct {
		a    Arrival
		want bool
	}{
		{Arrival{Source: "co2_monthly", Month: oct, SHA256: "aa", URL: "https://gml.noaa.gov/x.txt", ETag: `"1"`}, true},
		{Arrival{Source: "co2_monthly", Month: nov, SHA256: "bb", ETag: `"2"`}, true}, // Dec 5
		{Arrival{Source: "co2_monthly", Month: nov, SHA256: "bb"}, false},             // unchanged: not again
		{Arrival{Source: "co2_monthly", Month: nov, SHA256: "cc"}, true},              // NOAA revised it
		{Arrival{Source: "fossil", Month: oct, SHA256: "dd"}, true},
	}
	for i, s := range steps {
		got, err := l.RecordArrival(ctx, s.a)
		if err != nil || got != s.want {
			t.Fatalf("step %d: new %v, %v; want %v", i, got, err, s.want)
		}
	}
	latest, err := l.LatestArrivals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []SourceLatest{
		{Source: "co2_monthly", Month: nov, Arrived: time.Date(2024, 12, 5, 6, 0, 0, 0, time.UTC), Vintages: 2},
		{Source: "fossil", Month: oct, Arrived: time.Date(2024, 12, 8, 6, 0, 0, 0, time.UTC), Vintages: 1},
	}
	if fmt.Sprint(latest) != fmt.Sprint(want) {
		t.Errorf("latest arrivals %v, want %v", latest, want)
	}
	if d := LatencyDays(nov, want[0].Arrived); d != 4.25 {
		t.Errorf("latency of November arriving Dec 5 06:00: %v days, want 4.25", d)
	}
	if _, err := l.RecordArrival(ctx, Arrival{Source: "fossil", Month: oct}); err == nil {
		t.Error("an arrival without a checksum was recorded")
	}
}

// TestSchema1LedgerMigrates: a ledger written before arrivals gains the
// table when opened for writing, and reads as having none when opened
// read-only.
func TestSchema1LedgerMigrates(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	l.db.Exec("DROP TABLE arrivals")
	l.db.Exec("PRAGMA user_version = 1")
	l.Close()
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ro.LatestArrivals(context.Background()); err != nil || got != nil {
		t.Errorf("read-only schema-1 ledger: arrivals %v, %v; want none", got, err)
	}
	ro.Close()
	l, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var v int
	l.db.QueryRow("PRAGMA user_version").Scan(&v)
	if _, err := l.RecordArrival(context.Background(), Arrival{Source: "socat", Month: grid.Month{Year: 2024, Month: 1}, SHA256: "ee"}); err != nil || v != 2 {
		t.Errorf("after migration: version %d, record: %v", v, err)
	}
}
