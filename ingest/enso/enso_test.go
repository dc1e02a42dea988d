package enso

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/realdata"
)

func TestRead(t *testing.T) {
	tests := []struct {
		file    string
		wantErr error // nil: must parse; ErrNoRows or errAny
		rows    int
	}{
		{"small.txt", nil, 5},
		{"gap.txt", errAny, 0},
		{"badseason.txt", errAny, 0},
		{"swapped.txt", errAny, 0},
		{"empty.txt", ErrNoRows, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			x, err := ReadFile(filepath.Join("testdata", tt.file))
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("ReadFile(%s): %v", tt.file, err)
			case tt.wantErr == errAny && err == nil, tt.wantErr == ErrNoRows && !errors.Is(err, ErrNoRows):
				t.Fatalf("ReadFile(%s) error = %v, want %v", tt.file, err, tt.wantErr)
			}
			if err != nil {
				var se *ingest.SourceError
				if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.file) {
					t.Errorf("error %q is not a SourceError naming the file", err)
				}
				return
			}
			if len(x.Rows) != tt.rows {
				t.Errorf("%d rows, want %d", len(x.Rows), tt.rows)
			}
		})
	}
}

var errAny = errors.New("any error")

// The season is dated by its centre month: NDJ belongs to December of its
// year, DJF to January. Getting this wrong shifts every lag by a month.
func TestCentreMonths(t *testing.T) {
	x, err := ReadFile(filepath.Join("testdata", "small.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		m    grid.Month
		want float64
	}{
		{grid.Month{Year: 1996, Month: 12}, -0.41},
		{grid.Month{Year: 1997, Month: 2}, -0.26},
		{grid.Month{Year: 1997, Month: 4}, 0.30},
	} {
		if got, ok := x.At(c.m); !ok || got != c.want {
			t.Errorf("At(%s) = %v, %v; want %v", c.m, got, ok, c.want)
		}
	}
	if _, ok := x.At(grid.Month{Year: 1997, Month: 5}); ok {
		t.Error("At(1997-05) found a value past the end of the file")
	}
	if _, ok := x.At(grid.Month{Year: 1996, Month: 11}); ok {
		t.Error("At(1996-11) found a value before the start of the file")
	}
	if x.Last() != (grid.Month{Year: 1997, Month: 4}) {
		t.Errorf("Last() = %s, want 1997-04", x.Last())
	}
}

// Values read off oni.ascii.txt with grep (PROVENANCE.md).
func TestReadReal(t *testing.T) {
	x, err := ReadFile(realdata.Path(t, "enso", "oni.ascii.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// DJF 1979 … JJA 2026: 47 years × 12 + 7.
	if len(x.Rows) != 47*12+7 {
		t.Errorf("%d rows, want %d", len(x.Rows), 47*12+7)
	}
	first := x.Rows[0]
	if first.Month != (grid.Month{Year: 1979, Month: 1}) || first.TotalC != 26.67 || first.AnomC != 0.19 {
		t.Errorf("first row %+v, want DJF 1979 26.67 0.19", first)
	}
	// "  NDJ 1997  28.96   2.37": the 1997/98 El Niño peak.
	if v, _ := x.At(grid.Month{Year: 1997, Month: 12}); v != 2.37 {
		t.Errorf("NDJ 1997 = %v, want 2.37", v)
	}
	if x.Last() != (grid.Month{Year: 2026, Month: 7}) {
		t.Errorf("last season centred on %s, want 2026-07 (JJA 2026)", x.Last())
	}
}

func FuzzRead(f *testing.F) {
	f.Add(" SEAS  YR   TOTAL   ANOM\n  DJF 1997  25.74  -0.41\n  JFM 1997  26.07  -0.26\n")
	f.Add("DJF 1997 1 2 3\n")
	f.Fuzz(func(t *testing.T, s string) {
		x, err := Read(strings.NewReader(s), "fuzz")
		if err != nil {
			return
		}
		for i, r := range x.Rows {
			if r.Month != x.Rows[0].Month.Add(i) {
				t.Fatalf("row %d at %s breaks the month order", i, r.Month)
			}
			if v, ok := x.At(r.Month); !ok || v != r.AnomC {
				t.Fatalf("At(%s) = %v, %v; want %v", r.Month, v, ok, r.AnomC)
			}
		}
	})
}
