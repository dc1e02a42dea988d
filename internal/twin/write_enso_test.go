package twin

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest/enso"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// The twin's ONI file reads back through the real reader, season by
// season on the right centre month, and stops at the last season CPC would
// have published at the end of the twin's last year.
func TestWriteONIReadsBack(t *testing.T) {
	dir := t.TempDir()
	opt := Options{Seed: 42, ToYear: 2024}
	s := newONISeries(opt.Seed, opt.ToYear)
	if err := s.writeCPC(dir, opt); err != nil {
		t.Fatal(err)
	}
	x, err := enso.ReadFile(filepath.Join(dir, ONIPath))
	if err != nil {
		t.Fatal(err)
	}
	if first, last := x.Rows[0].Month, x.Last(); first != (grid.Month{Year: 1979, Month: 1}) || last != (grid.Month{Year: 2024, Month: time.November}) {
		t.Errorf("seasons centred on %s … %s, want 1979-01 … 2024-11", first, last)
	}
	// oniAnomC[227] is NDJ 1997, the 1997/98 El Niño's peak (2.37 °C).
	if v, _ := x.At(grid.Month{Year: 1997, Month: 12}); v != oniAnomC[227] || v != 2.37 {
		t.Errorf("NDJ 1997 read back as %v, want %v", v, oniAnomC[227])
	}
}
