package twin

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// ONIPath is where the twin writes its Oceanic Niño Index, in CPC's
// oni.ascii.txt layout; the projection of the year in progress reads it from
// there (internal/pipeline.ONIPath).
const ONIPath = "enso/oni.ascii.txt"

// oniSeasons names the 3-month season centred on each month.
var oniSeasons = [12]string{"DJF", "JFM", "FMA", "MAM", "AMJ", "MJJ", "JJA", "JAS", "ASO", "SON", "OND", "NDJ"}

// writeCPC writes the ONI the twin's climate followed, from DJF 1979 to the
// season centred on November of the last year (CPC publishes a season once
// its last month is over, so December's NDJ would need January). The TOTAL
// column is the ONI over an approximate Niño-3.4 climatology (27.0 °C with a
// 0.7 °C annual cycle peaking in May, close to CPC's 1991–2020 base); nothing
// reads it but a human.
func (s *oniSeries) writeCPC(dir string, opt Options) error {
	last := grid.Month{Year: opt.ToYear, Month: time.November}
	return durable.WriteFile(filepath.Join(dir, ONIPath), func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		fmt.Fprintln(bw, " SEAS  YR   TOTAL   ANOM")
		for m := s.first; !last.Before(m); m = m.Add(1) {
			anom := s.at(m, 0)
			clim := 27.0 + 0.7*math.Cos(2*math.Pi*float64(m.Month-time.May)/12)
			fmt.Fprintf(bw, "  %s %4d  %5.2f  %5.2f\n", oniSeasons[m.Month-1], m.Year, clim+anom, anom)
		}
		return bw.Flush()
	})
}
