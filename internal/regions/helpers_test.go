package regions

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

var (
	setsMu sync.Mutex
	sets   = map[float64]*Set{}
)

// loadSet loads (once per test binary) the default regions at res degrees.
func loadSet(t testing.TB, res float64) *Set {
	t.Helper()
	setsMu.Lock()
	defer setsMu.Unlock()
	if s, ok := sets[res]; ok {
		return s
	}
	s, err := Load(grid.MustNew(res))
	if err != nil {
		t.Fatalf("Load(%g°): %v", res, err)
	}
	sets[res] = s
	return s
}

// readTable reads a CSV table under testdata ('#' lines are comments) as
// maps keyed by the header.
func readTable(t *testing.T, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("testdata/%s: %v (%d records)", name, err, len(recs))
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func ones(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = 1
	}
	return v
}

// sumsByID runs SumAll on values and keys the result by region id.
func sumsByID(s *Set, values []float32, sum func([]float32) []float64) map[string]float64 {
	out := map[string]float64{}
	for i, x := range sum(values) {
		out[s.Regions()[i].ID] = x
	}
	return out
}
