package cli

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestFetchJobsInversions: an inversion product with a fetch block is
// fetched like a source, under the name inversions/NAME (which --source
// accepts), into the path its month expands to.
func TestFetchJobsInversions(t *testing.T) {
	cfg, err := config.Load(filepath.Join("..", "config", "testdata", "inversions.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m := grid.Month{Year: 2024, Month: time.March}
	for _, only := range [][]string{nil, {"inversions/CT-NRT"}} {
		jobs, err := fetchJobs(cfg, []grid.Month{m}, only)
		if err != nil {
			t.Fatalf("fetchJobs(only %v): %v", only, err)
		}
		var found bool
		for _, j := range jobs {
			if j.Spec.Source == "inversions/CT-NRT" {
				found = true
				want := filepath.Join(cfg.InputDir, "ct", "CT-NRT.v2025-1.flux1x1.202403.nc")
				if j.Dest != want || j.Spec.Provider != "http" || j.Spec.Format != "netcdf" {
					t.Errorf("job %+v, want http of netcdf into %s", j, want)
				}
			}
		}
		if !found {
			t.Errorf("fetchJobs(only %v) = %d jobs, none for inversions/CT-NRT", only, len(jobs))
		}
	}
	if _, err := fetchJobs(cfg, []grid.Month{m}, []string{"inversions/CAMS"}); err == nil {
		t.Error("--source inversions/CAMS accepted, but CAMS is not configured")
	}
}
