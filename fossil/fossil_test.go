package fossil

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// boxMasks gives every country its own block of whole cells, so that the
// mass in each country's cells can be checked exactly.
type boxMasks struct {
	g     grid.Grid
	ids   []string
	cells map[string][]int
}

func newBoxMasks(g grid.Grid, ids []string) *boxMasks {
	b := &boxMasks{g: g, ids: ids, cells: map[string][]int{}}
	for k, id := range ids {
		for j := 0; j < 40; j++ {
			b.cells[id] = append(b.cells[id], k*50+j+2000)
		}
	}
	return b
}

func (b *boxMasks) CountryIDs() []string { return b.ids }

func (b *boxMasks) Weights(id string) ([]float32, error) {
	cells, ok := b.cells[id]
	if !ok {
		return nil, fmt.Errorf("no country %q", id)
	}
	w := make([]float32, b.g.Cells())
	for _, c := range cells {
		w[c] = 0.5 // fractional cover: half land
	}
	return w, nil
}

func (b *boxMasks) SparseWeights(id string) ([]int32, []float32, error) {
	cells, ok := b.cells[id]
	if !ok {
		return nil, nil, fmt.Errorf("no country %q", id)
	}
	c32, w := make([]int32, len(cells)), make([]float32, len(cells))
	for i, c := range cells {
		c32[i], w[i] = int32(c), 0.5 // fractional cover: half land
	}
	return c32, w, nil
}

var sectors = []string{"Power", "Industry", "Ground Transport", "Residential", "Domestic Aviation", InternationalAviation}

// monthRecords makes one value per partition row, single country and
// sector for each day of m, and a WORLD row equal to the partition's sum.
func monthRecords(m grid.Month, skipDay int) []ingest.FossilRecord {
	var recs []ingest.FossilRecord
	rows := append(append([]string{}, partition...), "France", "Germany", "Italy", "Spain", "United Kingdom")
	for d := 1; d <= m.Days(); d++ {
		if d == skipDay {
			continue
		}
		date := time.Date(m.Year, m.Month, d, 0, 0, 0, 0, time.UTC)
		for si, s := range sectors {
			var world float64
			for ri, c := range rows {
				v := float64(ri+1) * (1 + 0.1*float64(si)) * (1 + 0.01*float64(d))
				if c == EUAndUK {
					v = 100 * (1 + 0.1*float64(si)) // more than its five listed members
				}
				recs = append(recs, ingest.FossilRecord{Country: c, Date: date, Sector: s, MtCO2PerDay: v})
				if isPartition(c) {
					world += v
				}
			}
			recs = append(recs, ingest.FossilRecord{Country: World, Date: date, Sector: s, MtCO2PerDay: world})
		}
	}
	return recs
}

func allIDs() []string {
	ids := append([]string{}, euMembers...)
	for _, c := range []string{"BRA", "CHN", "IND", "JPN", "RUS", "USA", "AUS", "CAN", "ZAF"} {
		ids = append(ids, c)
	}
	return ids
}

func TestRunTotalsAndMassConservation(t *testing.T) {
	g := grid.MustNew(2)
	m := grid.Month{Year: 2023, Month: 2}
	masks := newBoxMasks(g, allIDs())
	recs := monthRecords(m, 0)
	res, err := Run(context.Background(), m, Inputs{Records: recs, Grid: g, Countries: masks}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var world, intl float64
	for _, r := range recs {
		if r.Country == World {
			world += r.MtCO2PerDay / GtCO2PerGtC / 1000
			if r.Sector == InternationalAviation {
				intl += r.MtCO2PerDay / GtCO2PerGtC / 1000
			}
		}
	}
	// 1e-9 relative: float64 sums of ~1000 terms.
	if math.Abs(res.GtC-world)/world > 1e-9 {
		t.Errorf("global = %.9f GtC, WORLD rows sum to %.9f: aggregate rows double counted or lost", res.GtC, world)
	}
	if math.Abs(res.BunkersGtC-intl)/intl > 1e-9 {
		t.Errorf("bunkers = %g, want %g", res.BunkersGtC, intl)
	}
	if res.Provisional {
		t.Error("complete month flagged provisional")
	}
	if res.SigmaGtC <= 0 || res.SigmaGtC > 0.05*res.GtC {
		t.Errorf("σ = %g for %g GtC: want within (0, 5%%]", res.SigmaGtC, res.GtC)
	}
	areas := g.AreasM2()
	lf := landFraction(masks)
	gridded := g.Sum(res.Grid.Values, lf) / 1e15
	if want := world - intl; math.Abs(gridded-want)/want > 1e-6 {
		t.Errorf("gridded total %.9f GtC, want %.9f (all but international aviation)", gridded, want)
	}
	// Each single country's cells hold exactly its national total (1e-6 relative).
	for _, row := range res.National {
		if row.ISO3 == "" || row.Sector != "Power" {
			continue
		}
		var national, inCells float64
		for _, r := range res.National {
			if r.Country == row.Country && r.Sector != InternationalAviation {
				national += r.GtC
			}
		}
		for _, c := range masks.cells[row.ISO3] {
			inCells += float64(res.Grid.Values[c]) * areas[c] * float64(lf[c]) / 1e15
		}
		if math.Abs(inCells-national)/national > 1e-6 {
			t.Errorf("%s: %.9f GtC in its cells, national total %.9f", row.Country, inCells, national)
		}
	}
}

func TestIncompleteMonth(t *testing.T) {
	g := grid.MustNew(2)
	m := grid.Month{Year: 2024, Month: 4}
	in := Inputs{Records: monthRecords(m, 17), Grid: g, Countries: newBoxMasks(g, allIDs())}
	_, err := Run(context.Background(), m, in, Options{})
	if err == nil || !strings.Contains(err.Error(), "29 of 30 days") || !strings.Contains(err.Error(), "2024-04") {
		t.Fatalf("err = %v, want one naming the month and the missing day count", err)
	}
	res, err := Run(context.Background(), m, in, Options{AllowIncomplete: true})
	if err != nil {
		t.Fatal(err)
	}
	full, _ := Run(context.Background(), m, Inputs{Records: monthRecords(m, 0), Grid: g, Countries: in.Countries}, Options{})
	if !res.Provisional {
		t.Error("completed month not provisional")
	}
	// Values rise 1 % a day, so completing from the mean is close but not exact.
	if math.Abs(res.GtC-full.GtC)/full.GtC > 0.01 {
		t.Errorf("completed %g GtC vs full %g", res.GtC, full.GtC)
	}
}

func TestBadRecords(t *testing.T) {
	g := grid.MustNew(2)
	m := grid.Month{Year: 2024, Month: 1}
	recs := monthRecords(m, 0)
	recs[5].Country = "Atlantis"
	_, err := Run(context.Background(), m, Inputs{Records: recs, Grid: g, Countries: newBoxMasks(g, allIDs())}, Options{})
	if !errors.Is(err, ErrUnknownCountry) || !strings.Contains(err.Error(), "Atlantis") {
		t.Errorf("err = %v, want ErrUnknownCountry naming Atlantis", err)
	}
	recs = monthRecords(m, 0)
	recs = append(recs, recs[0])
	if _, err := Run(context.Background(), m, Inputs{Records: recs, Grid: g, Countries: newBoxMasks(g, allIDs())}, Options{}); err == nil || !strings.Contains(err.Error(), "two values") {
		t.Errorf("duplicate day: err = %v", err)
	}
	if _, err := Run(context.Background(), grid.Month{Year: 2030, Month: 1}, Inputs{Records: monthRecords(m, 0), Grid: g, Countries: newBoxMasks(g, allIDs())}, Options{}); err == nil {
		t.Error("month without records gave no error")
	}
}

func TestProxyShiftsWithinCountry(t *testing.T) {
	g := grid.MustNew(2)
	m := grid.Month{Year: 2023, Month: 3}
	masks := newBoxMasks(g, allIDs())
	proxy := grid.NewField(g, "population", "1")
	for i := range proxy.Values {
		proxy.Values[i] = 1
	}
	hot := masks.cells["CHN"][0]
	proxy.Values[hot] = 100
	res, err := Run(context.Background(), m, Inputs{Records: monthRecords(m, 0), Grid: g, Countries: masks, Proxy: proxy}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	other := masks.cells["CHN"][1]
	if r := res.Grid.Values[hot] / res.Grid.Values[other]; math.Abs(float64(r)-100) > 1e-3 {
		t.Errorf("proxy ratio %g, want 100", r)
	}
}

func landFraction(b *boxMasks) []float32 {
	lf := make([]float32, b.g.Cells())
	for _, id := range b.ids {
		w, _ := b.Weights(id)
		for i, x := range w {
			lf[i] += x
		}
	}
	return lf
}

func timeMonth(m int) time.Month { return time.Month(m) }

// TestRunIsBitReproducible runs the same month many times: totals, σ,
// national rows and the grid must be the same bits every time, or a
// rerun of a month publishes different files (map iteration order is
// random in Go, and floating-point addition is not associative).
func TestRunIsBitReproducible(t *testing.T) {
	g := grid.MustNew(2)
	m := grid.Month{Year: 2023, Month: 3}
	masks := newBoxMasks(g, allIDs())
	recs := monthRecords(m, 0)
	first, err := Run(context.Background(), m, Inputs{Records: recs, Grid: g, Countries: masks}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		res, err := Run(context.Background(), m, Inputs{Records: recs, Grid: g, Countries: masks}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.GtC != first.GtC || res.SigmaGtC != first.SigmaGtC || res.BunkersGtC != first.BunkersGtC {
			t.Fatalf("run %d: GtC %v σ %v bunkers %v, first run %v %v %v", i, res.GtC, res.SigmaGtC, res.BunkersGtC, first.GtC, first.SigmaGtC, first.BunkersGtC)
		}
		if !slices.Equal(res.National, first.National) {
			t.Fatalf("run %d: national rows in another order or with other values", i)
		}
		for c, v := range res.Grid.Values {
			if math.Float32bits(v) != math.Float32bits(first.Grid.Values[c]) {
				t.Fatalf("run %d: cell %d %v, first run %v", i, c, v, first.Grid.Values[c])
			}
		}
	}
}

// TestIncompleteOrImplausibleRecordsAreRefused: records that would sum to
// a wrong E_FOS never give a result: a value of 1e30, a whole sector or
// partition row left out of the export (an export of aviation alone once
// gave E_FOS = 0.019 GtC for a month), or a partition that does not add up
// to the file's own WORLD rows.
func TestIncompleteOrImplausibleRecordsAreRefused(t *testing.T) {
	g := grid.MustNew(2)
	m := grid.Month{Year: 2024, Month: 2}
	masks := newBoxMasks(g, allIDs())
	drop := func(keep func(r ingest.FossilRecord) bool) []ingest.FossilRecord {
		var out []ingest.FossilRecord
		for _, r := range monthRecords(m, 0) {
			if keep(r) {
				out = append(out, r)
			}
		}
		return out
	}
	huge := monthRecords(m, 0)
	huge[40].MtCO2PerDay = 1e30
	for _, tc := range []struct {
		name string
		recs []ingest.FossilRecord
		want string
	}{
		{"a value of 1e30", huge, "not a plausible emission"},
		{"aviation only", drop(func(r ingest.FossilRecord) bool { return r.Sector == InternationalAviation }), "Brazil / Power"},
		{"one sector missing", drop(func(r ingest.FossilRecord) bool { return r.Sector != "Residential" }), "China / Residential"},
		{"one partition row missing, WORLD kept", drop(func(r ingest.FossilRecord) bool { return r.Country != "India" }), "no rows for India / Power"},
		{"days missing for one row", drop(func(r ingest.FossilRecord) bool {
			return !(r.Country == "Japan" && r.Sector == "Power" && r.Date.Day() > 20)
		}), "Japan Power has 20 of 29 days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(context.Background(), m, Inputs{Records: tc.recs, Grid: g, Countries: masks}, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "2024-02") {
				t.Fatalf("err = %v (E_FOS %v), want an error naming the month and %q", err, res, tc.want)
			}
		})
	}
	// The file's WORLD rows disagree with its partition (a country's rows
	// were scaled by the exporter): refused with both sums.
	scaled := monthRecords(m, 0)
	for i := range scaled {
		if scaled[i].Country == "Russia" && scaled[i].Sector == "Industry" {
			scaled[i].MtCO2PerDay *= 1.5
		}
	}
	_, err := Run(context.Background(), m, Inputs{Records: scaled, Grid: g, Countries: masks}, Options{})
	if !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "Industry: the partition sums to") {
		t.Fatalf("partition off WORLD: err = %v, want ErrIncomplete comparing the sums", err)
	}
}
