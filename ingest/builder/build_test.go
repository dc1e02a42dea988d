package builder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/socat"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// inputs writes a small input tree: a NOAA monthly file, a Carbon Monitor
// CSV and SOCAT files for the months given.
func inputs(t *testing.T, socatMonths ...grid.Month) (dir string) {
	dir = t.TempDir()
	var noaaTxt strings.Builder
	noaaTxt.WriteString("# File Creation: Fri Dec  5 11:34:08 2025\n# year month decimal average average_unc trend trend_unc\n")
	for i, m := range grid.Range(grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 12}) {
		fmt.Fprintf(&noaaTxt, "%d %d %.3f %.2f 0.10 %.2f 0.06\n", m.Year, int(m.Month), float64(m.Year)+float64(i)/12, 418+0.2*float64(i), 418.1+0.2*float64(i))
	}
	write(t, filepath.Join(dir, "noaa", "co2_mm_gl.txt"), noaaTxt.String())
	var cm strings.Builder
	cm.WriteString("country,date,sector,value\n")
	for d := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == 2023; d = d.AddDate(0, 0, 1) {
		fmt.Fprintf(&cm, "China,%s,Power,14.1\nWORLD,%s,Power,40.2\n", d.Format("02/01/2006"), d.Format("02/01/2006"))
	}
	write(t, filepath.Join(dir, "cm", "cm.csv"), cm.String())
	for _, m := range socatMonths {
		var buf bytes.Buffer
		var obs []socat.Obs
		for k := 0; k < 50; k++ {
			obs = append(obs, socat.Obs{Expocode: fmt.Sprintf("AAAA%04d", k%3), Time: m.Start().Add(time.Duration(k) * time.Hour),
				LatDeg: 40 + float64(k%5), LonDeg: -30, SSTDegC: 15, Salinity: 35, FCO2RecUatm: 380 + float64(k%7), FCO2Flag: 2, QC: "B"})
		}
		if err := socat.Write(&buf, obs); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, "socat", fmt.Sprintf("SOCAT_%s.tsv", m)), buf.String())
	}
	return dir
}

func write(t *testing.T, path, s string) {
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func testConfig(t *testing.T, in string) *config.Config {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.InputDir, cfg.WorkDir, cfg.ResolutionDeg = in, t.TempDir(), 2
	cfg.Sources = map[string]config.Source{
		"co2_monthly": {Path: "noaa/co2_mm_gl.txt"},
		"fossil":      {Path: "cm/cm.csv"},
		"socat":       {Path: "socat/SOCAT_{yyyy}-{mm}.tsv", Late: true},
	}
	return cfg
}

func TestBuildTextSources(t *testing.T) {
	may := grid.Month{Year: 2023, Month: 5}
	in := inputs(t, may)
	cfg := testConfig(t, in)
	b := New(cfg, nil, slog.New(slog.DiscardHandler))
	c, err := b.Cube(context.Background(), may)
	if err != nil {
		t.Fatal(err)
	}
	if c.XCO2PPM != 418.8 || c.Provisional() {
		t.Errorf("May: xco2 %g provisional %v, want 418.8 and final", c.XCO2PPM, c.Provisional())
	}
	if x, _ := c.Field("xco2"); x.Values[0] != float32(418.8) {
		t.Error("xco2 is not served as a constant field")
	}
	if len(c.Fossil) != 2*31 {
		t.Errorf("%d fossil records for May, want 62", len(c.Fossil))
	}
	ship, err := c.Field("fco2_ship")
	if err != nil {
		t.Fatal(err)
	}
	i, _ := c.Grid.Locate(41, -30)
	if v := ship.Values[i]; v < 380 || v > 386 {
		t.Errorf("fco2_ship at the cruise = %g, want the cruise mean", v)
	}
	// Within a run (one builder) the month's inputs are a snapshot: the
	// same cube comes back. The next run (a new builder) sees the changed
	// file, whose content changes the cache key, so it is read again.
	os.Remove(filepath.Join(in, "cm", "cm.csv"))
	write(t, filepath.Join(in, "cm", "cm.csv"), "corrupt")
	os.Chtimes(filepath.Join(in, "cm", "cm.csv"), time.Unix(0, 0), time.Unix(0, 0))
	if again, err := b.Cube(context.Background(), may); err != nil || again != c {
		t.Errorf("the same run built May again: %v", err)
	}
	if _, err := New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), may); err == nil {
		t.Error("a changed input was not re-read by the next run (the cache key must follow the file's content)")
	}
}

func TestLateSourceMakesMonthProvisional(t *testing.T) {
	june := grid.Month{Year: 2023, Month: 6}
	in := inputs(t)
	cfg := testConfig(t, in)
	b := New(cfg, nil, slog.New(slog.DiscardHandler))
	c, err := b.Cube(context.Background(), june)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Provisional() || c.Missing[0] != "socat" {
		t.Fatalf("without ship data: missing %v, want [socat]", c.Missing)
	}
	key := c.Key
	// The ship file arrives: the key changes and the month becomes final.
	in2 := inputs(t, june)
	os.Rename(filepath.Join(in2, "socat"), filepath.Join(in, "socat"))
	c2, err := New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), june) // the next run
	if err != nil {
		t.Fatal(err)
	}
	if c2.Provisional() || c2.Key == key {
		t.Errorf("after the ship file arrived: provisional %v, key changed %v", c2.Provisional(), c2.Key != key)
	}
}

func TestMissingSourceIsASourceError(t *testing.T) {
	in := inputs(t)
	cfg := testConfig(t, in)
	os.Remove(filepath.Join(in, "noaa", "co2_mm_gl.txt"))
	_, err := New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), grid.Month{Year: 2023, Month: 2})
	var se *ingest.SourceError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "co2_mm_gl.txt") || !strings.Contains(err.Error(), "2023-02") {
		t.Errorf("err = %v, want a SourceError naming the file and the month", err)
	}
	in = inputs(t)
	cfg = testConfig(t, in)
	_, err = New(cfg, nil, slog.New(slog.DiscardHandler)).Cube(context.Background(), grid.Month{Year: 2024, Month: 2})
	if !errors.Is(err, ingest.ErrMissing) || !strings.Contains(err.Error(), "2024-02") {
		t.Errorf("month beyond the records: err = %v, want ErrMissing naming the month", err)
	}
}

// TestHasFieldReadsOnlyTheSidecar: a stored cube answers HasField from its
// sidecar (Stale asks it every update, and loading a 0.25° cube to look
// for one field took a second); a month not stored yet is built.
func TestHasFieldReadsOnlyTheSidecar(t *testing.T) {
	may := grid.Month{Year: 2023, Month: 5}
	cfg := testConfig(t, inputs(t, may))
	ctx := context.Background()
	if ok, err := New(cfg, nil, slog.New(slog.DiscardHandler)).HasField(ctx, may, "fco2_ship"); err != nil || !ok {
		t.Fatalf("HasField(fco2_ship) on a month not yet built = %v, %v; want true", ok, err)
	}
	// A new run's builder finds the stored cube. With its field file gone
	// a load would fail, so answering proves the fields were not read.
	files, _ := filepath.Glob(filepath.Join(cfg.WorkDir, "cubes", may.String(), "*", "fields.bin"))
	if len(files) != 1 {
		t.Fatalf("stored field files: %v, want one", files)
	}
	os.Remove(files[0])
	b := New(cfg, nil, slog.New(slog.DiscardHandler))
	for name, want := range map[string]bool{"fco2_ship": true, "nbp/NOPE": false} {
		if ok, err := b.HasField(ctx, may, name); err != nil || ok != want {
			t.Errorf("HasField(%s) = %v, %v; want %v", name, ok, err, want)
		}
	}
	if _, err := b.Cube(ctx, may); err == nil {
		t.Error("loading the cube without its field file succeeded: the test above proves nothing")
	}
}
