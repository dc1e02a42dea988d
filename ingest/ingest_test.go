package ingest

import (
	"errors"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func TestSourceErrorMessage(t *testing.T) {
	err := Errorf("era5_2023.nc", "sst", grid.Month{Year: 2023, Month: 12}, "41%% of ocean cells are _FillValue")
	want := `era5_2023.nc: variable "sst", 2023-12: 41% of ocean cells are _FillValue`
	if err.Error() != want {
		t.Errorf("got %q, want %q", err.Error(), want)
	}
	wrapped := &SourceError{Path: "socat.tsv", Month: grid.Month{Year: 2024, Month: 1}, Err: ErrMissing}
	if !errors.Is(wrapped, ErrMissing) {
		t.Error("errors.Is(SourceError{ErrMissing}, ErrMissing) = false")
	}
	if got := (&SourceError{Path: "a.csv", Err: errors.New("bad header")}).Error(); got != "a.csv: bad header" {
		t.Errorf("got %q", got)
	}
}
