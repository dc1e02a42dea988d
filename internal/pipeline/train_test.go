package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/cube"
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
