package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func TestParseYears(t *testing.T) {
	for _, tc := range []struct {
		in       string
		from, to int
		ok       bool
	}{
		{"2000-2024", 2000, 2024, true}, {"2023", 2023, 2023, true}, {" 2001 - 2002 ", 2001, 2002, true},
		{"2024-2000", 0, 0, false}, {"20x0-2024", 0, 0, false}, {"2000-", 0, 0, false}, {"", 0, 0, false},
	} {
		from, to, err := parseYears(tc.in)
		if (err == nil) != tc.ok || (tc.ok && (from != tc.from || to != tc.to)) {
			t.Errorf("parseYears(%q) = %d, %d, %v", tc.in, from, to, err)
		}
	}
}

func TestSynthUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"synth"},
		{"synth", "--out", t.TempDir(), "--years", "2024-2000"},
		{"synth", "--out", t.TempDir(), "--res", "3"},
		{"synth", "--out", t.TempDir(), "--years", "1950-1960"},
	} {
		var out, errb bytes.Buffer
		if err := Run(context.Background(), args, &out, &errb); !errors.Is(err, ErrUsage) {
			t.Errorf("%v: error %v, want a usage error", args, err)
		}
	}
}

// TestSynthWritesALoadableConfig writes a one-year 2° world and loads the
// configuration it leaves, whose sources must point at existing files.
func TestSynthWritesALoadableConfig(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "twin")
	var out, errb bytes.Buffer
	err := Run(context.Background(), []string{"synth", "--out", dir, "--years", "2023", "--res", "2", "--no-truth-grid", "--log-level", "warn"}, &out, &errb)
	if err != nil {
		t.Fatalf("synth: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "written to "+dir) {
		t.Errorf("stdout %q", out.String())
	}
	cfg, err := config.Load(filepath.Join(dir, "carbonbudget.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.InputDir != dir || cfg.ResolutionDeg != 2 || cfg.Start != "2023-01" {
		t.Errorf("config: input %s, resolution %g, start %s", cfg.InputDir, cfg.ResolutionDeg, cfg.Start)
	}
	june := grid.Month{Year: 2023, Month: time.June}
	for _, name := range []string{"era5", "ocean_reanalysis", "chlorophyll", "ndvi", "fire", "socat", "co2_monthly", "fossil"} {
		p, err := cfg.SourcePath(name, june, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(p); err != nil {
			t.Errorf("source %s: %v", name, err)
		}
	}
}
