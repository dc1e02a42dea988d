package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func TestDefaultNeedsNoFile(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.ResolutionDeg != 1 || c.LatencyMonths != 3 || c.Baseline != (Baseline{FromYear: 2015, ToYear: 2022}) {
		t.Errorf("defaults = %v° latency %d baseline %+v", c.ResolutionDeg, c.LatencyMonths, c.Baseline)
	}
	if !filepath.IsAbs(c.OutputDir) {
		t.Errorf("output_dir %q not resolved to an absolute path", c.OutputDir)
	}
	for _, name := range []string{"era5", "socat", "co2_monthly", "fossil", "trendy", "gobm"} {
		if _, ok := c.Sources[name]; !ok {
			t.Errorf("default has no source %q", name)
		}
	}
	if !c.Sources["socat"].Late {
		t.Error("socat is not marked late")
	}
	if g, ok := c.Sources["co2_growth"]; !ok || g.Path != "noaa/co2_gr_gl.txt" || !Optional("co2_growth") || Optional("co2_monthly") {
		t.Errorf("co2_growth = %+v (configured %v), optional %v; co2_monthly optional %v: want the growth table optional, the monthly record not",
			g, ok, Optional("co2_growth"), Optional("co2_monthly"))
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		file    string
		wantErr string
	}{
		{"override.yaml", ""},
		{"typo.yaml", `unknown key "latency_month"`},
		{"badres.yaml", "resolution_deg"},
		{"badmodel.yaml", "{model}"},
		{"badtrainfrom.yaml", "train_from_year: 2015"},
		{"absent.yaml", "no such file"},
		{"badsource.yaml", "sources.ocean_reanalyis: unknown source (did you mean ocean_reanalysis?"},
		{"badincomplete.yaml", "sources.era5.allow_incomplete: only the fossil source"},
		{"fetch.yaml", ""},
		{"badfetch.yaml", `sources.co2_monthly.fetch: provider: "ftp", want one of http, cds`},
		{"badfetchcmd.yaml", "sources.chlorophyll.fetch: provider command needs command, with {out}"},
		{"inversions.yaml", ""},
		{"badinversionlayout.yaml", `inversions[0].layout: "ctnrt", want one of carbontracker, cams, cf`},
		{"dupinversion.yaml", `inversions[1].name: "CAMS" is listed twice`},
		{"badinversionname.yaml", `inversions[0].name: "CT/NRT"`},
		{"badinversionfetch.yaml", "inversions[0].fetch: provider cds needs request"},
		{"badoptional.yaml", "sources.co2_growth: an optional source is one file that may be absent"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", tt.file))
			if tt.wantErr == "" && err != nil {
				t.Fatalf("Load(%s): %v", tt.file, err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Load(%s) error = %v, want one containing %q", tt.file, err, tt.wantErr)
			}
		})
	}
}

func TestOverrideReplacesSourceAndResolvesPaths(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "override.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.ResolutionDeg != 0.25 || c.Baseline.FromYear != 2010 {
		t.Errorf("override not applied: %v %+v", c.ResolutionDeg, c.Baseline)
	}
	abs, _ := filepath.Abs("testdata")
	if c.OutputDir != filepath.Join(abs, "out") {
		t.Errorf("output_dir = %s, want it relative to the file's directory", c.OutputDir)
	}
	era5 := c.Sources["era5"]
	if len(era5.Variables) != 1 || era5.Variables["t2m"] != "2t" {
		t.Errorf("era5 variables = %v: a user's source block must replace the default whole", era5.Variables)
	}
	if _, ok := c.Sources["socat"]; !ok {
		t.Error("sources not named in the file must keep their defaults")
	}
	p, err := c.SourcePath("era5", grid.Month{Year: 2023, Month: 4}, "")
	if err != nil || p != "/data/era5/2023/era5_202304.nc" {
		t.Errorf("SourcePath = %q, %v", p, err)
	}
}

func TestSetOutputDirMovesWorkAndModels(t *testing.T) {
	c, _ := Load("")
	c.SetOutputDir("/tmp/x")
	if c.OutputDir != "/tmp/x" || c.WorkDir != "/tmp/x/.work" || c.ModelsDir != "/tmp/x/models" {
		t.Errorf("after --out: %s %s %s", c.OutputDir, c.WorkDir, c.ModelsDir)
	}
}

func TestHashChangesWithContent(t *testing.T) {
	a, _ := Load("")
	b, _ := Load("")
	if a.Hash() != b.Hash() {
		t.Error("same config, different hashes")
	}
	b.SetOutputDir(t.TempDir())
	if a.Hash() != b.Hash() {
		t.Error("the output directory changed the hash; it says where results go, not what they are")
	}
	b.LatencyMonths = 4
	if a.Hash() == b.Hash() {
		t.Error("different configs, same hash")
	}
}

func TestTrainFromYear(t *testing.T) {
	c, _ := Load("")
	if got := c.TrainFromYear(); got != 2000 {
		t.Errorf("default TrainFromYear %d, want 2000", got)
	}
	c.TrainFrom = 0
	if got := c.TrainFromYear(); got != c.StartMonth().Year {
		t.Errorf("train_from_year 0: TrainFromYear %d, want the start year %d", got, c.StartMonth().Year)
	}
}

func TestExpandPath(t *testing.T) {
	got := ExpandPath("/in", "trendy/{model}_{yyyy}{mm}.nc", grid.Month{Year: 2001, Month: 2}, "LPJ")
	if got != "/in/trendy/LPJ_200102.nc" {
		t.Errorf("got %s", got)
	}
}

// TestFetchConfig: a fetch block keeps its request as written and its drop
// directory resolves against the file's directory.
func TestFetchConfig(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "fetch.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	era5 := c.Sources["era5"].Fetch
	if era5 == nil || era5.Provider != "cds" || era5.Request["data_format"] != "netcdf" {
		t.Fatalf("era5 fetch = %+v", era5)
	}
	abs, _ := filepath.Abs("testdata")
	if got := c.Sources["trendy"].Fetch.Dir; got != filepath.Join(abs, "drop", "trendy") {
		t.Errorf("local drop dir = %s, want it relative to the file's directory", got)
	}
	if c.Sources["co2_monthly"].WarnAfterDays != 45 || c.Sources["socat"].Fetch != nil {
		t.Errorf("co2_monthly warn_after_days %d; socat fetch %+v", c.Sources["co2_monthly"].WarnAfterDays, c.Sources["socat"].Fetch)
	}
}

// TestInversions: the default lists the twin's two products; a user's
// list replaces it whole, keeping its fetch block and lateness warning.
func TestInversions(t *testing.T) {
	def, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, inv := range def.Inversions {
		names = append(names, inv.Name+":"+inv.Layout)
	}
	if got := strings.Join(names, ","); got != "CT-NRT:carbontracker,CAMS:cams" {
		t.Errorf("default inversions = %s, want CT-NRT:carbontracker,CAMS:cams", got)
	}
	c, err := Load(filepath.Join("testdata", "inversions.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Inversions) != 1 || c.Inversions[0].Fetch == nil || c.Inversions[0].WarnAfterDays != 200 {
		t.Fatalf("inversions.yaml gives %+v, want only CT-NRT with its fetch block and warn_after_days 200", c.Inversions)
	}
	src, ok := c.Input("inversions/CT-NRT")
	if !ok || src.Path != c.Inversions[0].Path || src.Fetch != c.Inversions[0].Fetch || src.WarnAfterDays != 200 {
		t.Errorf("Input(inversions/CT-NRT) = %+v, %v; want its path, fetch block and warn_after_days", src, ok)
	}
	if _, ok := c.Input("inversions/CAMS"); ok {
		t.Error("Input(inversions/CAMS) found a product the file does not list")
	}
	if names := c.InputNames(); names[len(names)-1] != "inversions/CT-NRT" {
		t.Errorf("InputNames() = %v, want the inversion last", names)
	}
}
