package carbonmonitor

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest"
)

// FuzzRead: no input may panic; an error is a SourceError; a success holds
// only known sectors, UTC midnights and finite non-negative values, with
// no country, sector and day twice.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Read(strings.NewReader(s), "fuzz.csv")
		if err != nil {
			var se *ingest.SourceError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T) is not an ingest.SourceError", err, err)
			}
			return
		}
		if len(d.Records) == 0 {
			t.Fatal("success with no records")
		}
		type key struct {
			c, s string
			day  int64
		}
		seen := map[key]bool{}
		for _, r := range d.Records {
			if _, ok := canonicalSector(r.Sector); !ok || r.Country == "" {
				t.Fatalf("bad record %+v", r)
			}
			if r.Date.Location() != nil && r.Date.Location().String() != "UTC" || r.Date.Hour() != 0 || r.Date.Minute() != 0 {
				t.Fatalf("date %v is not a UTC midnight", r.Date)
			}
			if math.IsNaN(r.MtCO2PerDay) || math.IsInf(r.MtCO2PerDay, 0) || r.MtCO2PerDay < 0 {
				t.Fatalf("value %v accepted", r.MtCO2PerDay)
			}
			k := key{r.Country, r.Sector, r.Date.Unix()}
			if seen[k] {
				t.Fatalf("duplicate %+v accepted", r)
			}
			seen[k] = true
		}
	})
}
