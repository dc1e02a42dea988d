package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// yearsArchive builds the cube of every month up to lastYear; the next
// year fails with after.
type yearsArchive struct {
	lastYear int
	after    error
}

func (a yearsArchive) Cube(_ context.Context, m grid.Month) (*cube.Cube, error) {
	if m.Year > a.lastYear {
		return nil, a.after
	}
	return &cube.Cube{Month: m}, nil
}

func TestLastInputYearTellsMissingFromBroken(t *testing.T) {
	missing := &ingest.SourceError{Path: "era5/era5_monthly_2021.nc", Month: grid.Month{Year: 2021, Month: 12}, Err: fmt.Errorf("source %q: %w", "era5", fs.ErrNotExist)}
	broken := &ingest.SourceError{Path: "era5/era5_monthly_2021.nc", Variable: "t2m", Month: grid.Month{Year: 2021, Month: 12}, Err: errors.New("41% of cells are _FillValue")}
	late := fmt.Errorf("noaa: %w", ingest.ErrMissing)
	for _, tc := range []struct {
		name     string
		a        yearsArchive
		want     int
		errWants string
	}{
		{"missing file ends the years", yearsArchive{2020, missing}, 2020, ""},
		{"a source not published yet ends the years", yearsArchive{2020, late}, 2020, ""},
		{"a broken file is an error naming it", yearsArchive{2020, broken}, 0, "era5_monthly_2021.nc: variable \"t2m\""},
		{"no year at all says why", yearsArchive{1999, missing}, 0, "no complete year of inputs from 2000 on: era5/era5_monthly_2021.nc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LastInputYear(context.Background(), tc.a, 2000)
			if tc.errWants != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errWants) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.errWants)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("LastInputYear = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestTrainRefusesUnknownComponent(t *testing.T) {
	_, err := Train(context.Background(), yearsArchive{2020, fs.ErrNotExist}, TrainSpec{Component: "atmosphere", FirstYear: 2000})
	if !errors.Is(err, ErrUnknownComponent) {
		t.Fatalf("err = %v, want ErrUnknownComponent", err)
	}
}

// TestNeedsTrainingOnAnOldManifest: members saved before the ensemble
// record moved into "extra" are retrained, not an error that stops update.
func TestNeedsTrainingOnAnOldManifest(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []string{"ocean", "land"} {
		os.MkdirAll(filepath.Join(dir, c), 0o755)
		old := `{"grid": {"nlon": 360, "nlat": 180}, "held_out_year": 2023, "transfer_coeff_cm_per_hour_per_m2_s-2": 0.251,
 "members": [{"name": "gobm-TWIN-NEMO", "kind": "gobm", "gobm": "TWIN-NEMO"}]}`
		os.WriteFile(filepath.Join(dir, c, "members.json"), []byte(old), 0o644)
	}
	_, err := LoadMembers(dir)
	if err == nil || !NeedsTraining(err) || !errors.Is(err, emulator.ErrOldManifest) {
		t.Fatalf("old manifest: err = %v, want ErrOldManifest", err)
	}
	_, err = LoadMembers(t.TempDir())
	if !NeedsTraining(err) {
		t.Fatalf("no models: err = %v, want NeedsTraining", err)
	}
	broken := t.TempDir()
	os.MkdirAll(filepath.Join(broken, "ocean"), 0o755)
	os.WriteFile(filepath.Join(broken, "ocean", "members.json"), []byte("{"), 0o644)
	if _, err := LoadMembers(broken); err == nil || NeedsTraining(err) {
		t.Fatalf("corrupt manifest: err = %v, want an error that is not 'needs training'", err)
	}
}

// TestManifestInputsRelativeToInputDir: input paths under the input
// directory are recorded relative to it; others as they are.
func TestManifestInputsRelativeToInputDir(t *testing.T) {
	got := relativeInputs([]cube.Entry{{Path: "/data/in/era5/era5_2023.nc"}, {Path: "/elsewhere/cm.csv"}, {Path: "/data/input/x.nc"}}, "/data/in")
	want := []string{"era5/era5_2023.nc", "/elsewhere/cm.csv", "/data/input/x.nc"}
	for i, e := range got {
		if e.Path != want[i] {
			t.Errorf("entry %d: %q, want %q", i, e.Path, want[i])
		}
	}
}

// countingArchive records the months asked for and how many were being
// built at once; month fail fails (after a pause, so the other worker is
// busy), and months after it wait for cancellation.
type countingArchive struct {
	mu           sync.Mutex
	asked        map[grid.Month]int
	now, most    int
	fail         grid.Month
	failErr      error
	slowAfterErr bool
}

func (a *countingArchive) Cube(ctx context.Context, m grid.Month) (*cube.Cube, error) {
	a.mu.Lock()
	a.asked[m]++
	a.now++
	a.most = max(a.most, a.now)
	a.mu.Unlock()
	defer func() { a.mu.Lock(); a.now--; a.mu.Unlock() }()
	time.Sleep(2 * time.Millisecond)
	if m == a.fail {
		return nil, a.failErr
	}
	if a.slowAfterErr && a.fail.Before(m) {
		<-ctx.Done()
		return nil, fmt.Errorf("cube %s: %w", m, ctx.Err())
	}
	return &cube.Cube{Month: m}, nil
}

type countingBar struct{ begun, steps int }

func (b *countingBar) Begin(string, string) { b.begun++ }
func (b *countingBar) Step()                { b.steps++ }

// TestIngestMonths: every month is built once, two at a time, and the
// progress hears of each; a broken month's error is the one returned (not
// the "context canceled" of the months its failure stopped).
func TestIngestMonths(t *testing.T) {
	months := grid.Range(grid.Month{Year: 2020, Month: 1}, grid.Month{Year: 2021, Month: 12})
	a := &countingArchive{asked: map[grid.Month]int{}}
	bar := &countingBar{}
	if err := ingestMonths(context.Background(), a, months, bar); err != nil {
		t.Fatal(err)
	}
	for _, m := range months {
		if a.asked[m] != 1 {
			t.Errorf("%s built %d times, want once", m, a.asked[m])
		}
	}
	if a.most != ingestWorkers || bar.steps != len(months) || bar.begun != len(months) {
		t.Errorf("%d months at once (want %d), progress %d begun %d steps (want %d)", a.most, ingestWorkers, bar.begun, bar.steps, len(months))
	}

	broken := &ingest.SourceError{Path: "era5/era5_monthly_2020.nc", Variable: "t2m", Month: grid.Month{Year: 2020, Month: 7}, Err: errors.New("41% of cells are _FillValue")}
	a = &countingArchive{asked: map[grid.Month]int{}, fail: grid.Month{Year: 2020, Month: 7}, failErr: broken, slowAfterErr: true}
	err := ingestMonths(context.Background(), a, months, &countingBar{})
	if !errors.Is(err, broken) {
		t.Fatalf("err = %v, want the broken July", err)
	}
	if a.asked[grid.Month{Year: 2021, Month: 12}] != 0 {
		t.Error("months after the failure were still built")
	}
}
