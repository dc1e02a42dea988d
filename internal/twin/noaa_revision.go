package twin

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// noaaRevisionPPM is how much each revision raises the record's last
// month (mean and trend): NOAA's preliminary last month moves by about a
// tenth of a ppm when the flask samples of the month are in.
const noaaRevisionPPM = 0.08

// noaaCreationTime is the "File Creation" stamp of the monthly record's
// revision: the first issue's stamp, 30 days later per revision.
func (o Options) noaaCreationTime() time.Time {
	return o.creationTime().AddDate(0, 0, 30*o.NOAARevision)
}

// revised returns the record as revision n issues it: a copy whose last
// month is raised by n·noaaRevisionPPM. Revision 0 is rec itself.
func (rec *noaaRecord) revised(n int) *noaaRecord {
	if n == 0 || len(rec.months) == 0 {
		return rec
	}
	out := *rec
	out.average = append([]float64(nil), rec.average...)
	out.trend = append([]float64(nil), rec.trend...)
	last := len(out.months) - 1
	out.average[last] += float64(n) * noaaRevisionPPM
	out.trend[last] += float64(n) * noaaRevisionPPM
	return &out
}

// ReviseNOAA rewrites the monthly record (noaa/co2_mm_gl.txt) of the
// twin world in dir, written with opt and revision 0, as revision
// opt.NOAARevision: what 'synth --noaa-revision N' writes, without
// simulating the world again. It refuses a file that is not revision 0,
// since revising twice would move the last month twice.
func ReviseNOAA(dir string, opt Options) error {
	path := filepath.Join(dir, "noaa", "co2_mm_gl.txt")
	rec, created, err := readTwinNOAA(path)
	if err != nil {
		return err
	}
	if first := opt.creationTime().Format(asctime); created != first {
		return fmt.Errorf("%s: File Creation %q is not the first issue's %q (revise a world written with revision 0)", path, created, first)
	}
	return rec.revised(opt.NOAARevision).writeMonthly(dir, opt)
}

// readTwinNOAA reads back the monthly record the twin wrote: its months,
// means, trends and File Creation stamp.
func readTwinNOAA(path string) (*noaaRecord, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	rec := &noaaRecord{}
	var created string
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if c, ok := strings.CutPrefix(text, "# File Creation: "); ok {
			created = c
		}
		if strings.HasPrefix(text, "#") || strings.TrimSpace(text) == "" {
			continue
		}
		cols := strings.Fields(text)
		if len(cols) != 7 {
			return nil, "", fmt.Errorf("%s:%d: %d columns, want 7", path, line, len(cols))
		}
		var v [7]float64
		for i, c := range cols {
			if v[i], err = strconv.ParseFloat(c, 64); err != nil {
				return nil, "", fmt.Errorf("%s:%d: column %d: %w", path, line, i+1, err)
			}
		}
		rec.months = append(rec.months, grid.Month{Year: int(v[0]), Month: time.Month(int(v[1]))})
		rec.average = append(rec.average, v[3])
		rec.trend = append(rec.trend, v[5])
	}
	if err := sc.Err(); err != nil {
		return nil, "", fmt.Errorf("read %s: %w", path, err)
	}
	return rec, created, nil
}
