// Package carbonmonitor reads Carbon Monitor's daily national fossil CO2
// CSV (carbonmonitor.org; Liu et al. 2020, doi:10.1038/s41597-020-00708-7):
// one row per country (or group), day and sector.
//
// Units: MtCO2 per day. The web export says so in its header
// ("country,date,sector,MtCO2 per day"); the API file's header says only
// "value", which this package takes to be MtCO2 per day too (science.md
// section 6 marks that unverified; Data.UnitsFromHeader records which case
// applied). Dates are days in UTC.
//
// Real exports carry hazards this reader accepts: a UTF-8 byte-order mark,
// CRLF line ends, a trailing empty column ("country,date,sector,value,"),
// "timestamp" instead of "date", or both (the older layout
// country,date,sector,value,timestamp: they must name the same day),
// DD/MM/YYYY and DD-MM-YYYY dates, or month first when the file's values
// show it (dayOrder; ISO YYYY-MM-DD and Unix seconds are accepted too),
// empty ",,," lines, trailer rows with only a first cell
// ("carbonmonitor.org", "\"September 17th, 2024\"": kept in Data.Notes) and
// no final newline. It is strict about values: an unknown sector, a date
// that does not exist, a value that is not a finite non-negative number or
// a country, day and sector given twice is an error naming file, line and
// column.
//
// Rows include aggregates: WORLD is the total and "EU27 & UK" overlaps the
// European countries listed separately, so sums over rows must skip them
// (IsAggregate). ROW, the rest of the world, is not an aggregate.
package carbonmonitor

import (
	"cmp"
	"errors"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Record is one Carbon Monitor value: the record type shared by the
// reader, the month cube and the fossil stage.
type Record = ingest.FossilRecord

// Data is one Carbon Monitor file in file order.
type Data struct {
	Name    string
	Records []Record
	// UnitsFromHeader is true when the header named the units ("MtCO2 per
	// day"), false when the value column was called "value" and MtCO2 per
	// day was assumed.
	UnitsFromHeader bool
	// Notes are the trailer rows' text (the site and the export date).
	Notes []string
}

// Sectors are Carbon Monitor's sectors in the global file. International
// aviation is a bunker fuel, kept out of national gridding downstream.
var Sectors = ingest.FossilSectors

var (
	// ErrNoRecords means the file has a header but no data rows.
	ErrNoRecords = errors.New("no data rows")
	// ErrUnknownSector means a row names a sector not in Sectors.
	ErrUnknownSector = errors.New("unknown sector")
)

// IsAggregate reports whether a row sums other rows of the file: WORLD,
// and "EU27 & UK", which overlaps France, Germany, Italy, Spain and the
// United Kingdom. In the real export WORLD equals Brazil + China + EU27 &
// UK + India + Japan + Russia + United States + ROW to the file's six
// significant digits (see the tests). ROW is not an aggregate.
func IsAggregate(country string) bool {
	return country == "WORLD" || country == "EU27 & UK"
}

// ReadFile reads the Carbon Monitor CSV at path.
func ReadFile(path string) (*Data, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Daily returns the records of one country and sector in date order. It
// scans every record: callers wanting many series should use Index.
func (d *Data) Daily(country, sector string) []Record {
	var out []Record
	for _, r := range d.Records {
		if r.Country == country && r.Sector == sector {
			out = append(out, r)
		}
	}
	sortByDate(out)
	return out
}

// Key names one series: a country (or group) and a sector.
type Key struct{ Country, Sector string }

// Index groups the records by country and sector, each series in date
// order.
func (d *Data) Index() map[Key][]Record {
	idx := map[Key][]Record{}
	for _, r := range d.Records {
		k := Key{r.Country, r.Sector}
		idx[k] = append(idx[k], r)
	}
	for _, s := range idx {
		sortByDate(s)
	}
	return idx
}

// Month returns the records dated within month m, in file order.
func (d *Data) Month(m grid.Month) []Record {
	start, end := m.Start(), m.End()
	var out []Record
	for _, r := range d.Records {
		if !r.Date.Before(start) && r.Date.Before(end) {
			out = append(out, r)
		}
	}
	return out
}

// ByMonth groups the records by month, in file order within each: for a
// caller that asks for many months of one file (the cube builder), where
// Month would scan every record each time.
func (d *Data) ByMonth() map[grid.Month][]Record {
	out := map[grid.Month][]Record{}
	for _, r := range d.Records {
		m := grid.MonthOf(r.Date)
		out[m] = append(out[m], r)
	}
	return out
}

// Dates returns the distinct days of the file in order.
func (d *Data) Dates() []time.Time {
	seen := map[time.Time]bool{}
	var out []time.Time
	for _, r := range d.Records {
		if !seen[r.Date] {
			seen[r.Date] = true
			out = append(out, r.Date)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// Countries returns the distinct country (and group) names, sorted.
func (d *Data) Countries() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range d.Records {
		if !seen[r.Country] {
			seen[r.Country] = true
			out = append(out, r.Country)
		}
	}
	sort.Strings(out)
	return out
}

func sortByDate(s []Record) {
	sort.SliceStable(s, func(i, j int) bool { return s[i].Date.Before(s[j].Date) })
}

// canonicalSector maps a sector as written (any case, outer spaces) to its
// name in Sectors.
func canonicalSector(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, known := range Sectors {
		if strings.EqualFold(s, known) {
			return known, true
		}
	}
	return "", false
}

// DefaultMaxMonthlyJump is the largest factor by which a row's daily mean
// may change from one month to the next. Real shocks stay well inside it
// (aviation in the spring of 2020 fell to about a third), while a value
// in the wrong units (kt for Mt: ×1000) or a corrupt run of values does
// not.
const DefaultMaxMonthlyJump = 10

// jumpFloorMtCO2PerDay ignores rows too small for a ratio to mean
// anything (a small country's domestic aviation).
const jumpFloorMtCO2PerDay = 0.01

// CheckJump compares each country and sector's mean daily emission in
// month m (records cur) with the month before (prev), when the file name
// has both, and reports the first that changed by more than factor (up or
// down), naming the row.
func CheckJump(name string, m grid.Month, cur, prev []Record, factor float64) error {
	mean := func(recs []Record) map[[2]string]float64 {
		sum, n := map[[2]string]float64{}, map[[2]string]float64{}
		for _, r := range recs {
			k := [2]string{r.Country, r.Sector}
			sum[k] += r.MtCO2PerDay
			n[k]++
		}
		for k := range sum {
			sum[k] /= n[k]
		}
		return sum
	}
	curMean, prevMean := mean(cur), mean(prev)
	keys := slices.SortedFunc(maps.Keys(curMean), func(a, b [2]string) int {
		return cmp.Or(strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1]))
	})
	for _, k := range keys {
		p, ok := prevMean[k]
		c := curMean[k]
		if !ok || min(c, p) < jumpFloorMtCO2PerDay {
			continue
		}
		if c > factor*p || p > factor*c {
			return ingest.Errorf(name, "value", m, "%s %s: %.4g MtCO2/day on average, %.4g the month before: a change beyond ×%g is not an emission (wrong units or a corrupt value?)",
				k[0], k[1], c, p, factor)
		}
	}
	return nil
}
