package twin

import (
	"bufio"
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/realdata"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestONITableMatchesCPCFile checks every embedded ONI value against the
// real file, season by season.
func TestONITableMatchesCPCFile(t *testing.T) {
	f, err := os.Open(realdata.Path(t, "enso", "oni.ascii.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	i := 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 4 {
			t.Fatalf("line %d: %q", i+2, sc.Text())
		}
		want, _ := strconv.ParseFloat(fields[3], 64)
		if i >= len(oniAnomC) || oniAnomC[i] != want {
			t.Fatalf("season %s %s (index %d): embedded %v, file %v", fields[0], fields[1], i, oniAnomC[min(i, len(oniAnomC)-1)], want)
		}
		i++
	}
	if i != len(oniAnomC) {
		t.Errorf("file has %d seasons, table %d", i, len(oniAnomC))
	}
}

// TestGCBTablesMatchSheet checks the embedded GCB 2025 columns against the
// extracted sheet (rounded to 1e-4 in the table).
func TestGCBTablesMatchSheet(t *testing.T) {
	f, err := os.Open(realdata.Path(t, "gcb", "gcb2025v1.0_global_carbon_budget.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	tables := map[int][]float64{1: gcbFossilGtC[:], 2: gcbLUCGtC[:], 4: gcbOceanSinkGtC[:], 5: gcbLandSinkGtC[:], 6: gcbCementCarbonationGtC[:]}
	checked := 0
	for _, r := range rows[1:] {
		y, err := strconv.Atoi(r[0])
		if err != nil || y < gcbFirstYear || y >= gcbFirstYear+len(gcbFossilGtC) {
			continue
		}
		for col, table := range tables {
			want, _ := strconv.ParseFloat(r[col], 64)
			if got := table[y-gcbFirstYear]; math.Abs(got-want) > 0.5e-4 {
				t.Errorf("%d column %q: embedded %v, sheet %v", y, rows[0][col], got, want)
			}
			checked++
		}
	}
	if checked != 5*len(gcbFossilGtC) {
		t.Errorf("checked %d values, want %d", checked, 5*len(gcbFossilGtC))
	}
}

func TestSeriesValues(t *testing.T) {
	s := newONISeries(42, 2030)
	// Values from the CPC file: NDJ 2015 +2.59 (centred on December).
	if got := s.at(grid.Month{Year: 2015, Month: time.December}, 0); got != 2.59 {
		t.Errorf("ONI Dec 2015 = %v, want 2.59", got)
	}
	if got := s.at(grid.Month{Year: 2016, Month: time.February}, 2); got != 2.59 {
		t.Errorf("ONI Feb 2016 lagged 2 = %v, want 2.59", got)
	}
	// The AR(1) extension continues from the last real value and depends
	// on the seed.
	last := grid.Month{Year: 2026, Month: time.July}
	if got := s.at(last, 0); got != 1.80 {
		t.Errorf("ONI Jul 2026 = %v, want 1.80", got)
	}
	other := newONISeries(43, 2030)
	next := last.Add(6)
	if s.at(next, 0) == other.at(next, 0) {
		t.Errorf("ONI after the record is the same for seeds 42 and 43")
	}
	if d := s.at(last.Add(1), 0) - oniARCoefficient*1.80; math.Abs(d) > 5*oniARInnovationC {
		t.Errorf("first extended ONI jumps by %v from the AR(1) mean", d)
	}
	// The published dips are in the fossil series.
	for _, y := range []int{2009, 2020} {
		if !(fossilGtCPerYear(y) < fossilGtCPerYear(y-1) && fossilGtCPerYear(y) < fossilGtCPerYear(y+1)) {
			t.Errorf("no fossil dip in %d: %v %v %v", y, fossilGtCPerYear(y-1), fossilGtCPerYear(y), fossilGtCPerYear(y+1))
		}
	}
	// 2025 is the projection including carbonation plus the carbonation
	// sink; later years grow by 0.5 %/yr.
	if got, want := fossilGtCPerYear(2025), gcbFossil2025ProjectionGtC+cementCarbonationGtCPerYear(2025); got != want {
		t.Errorf("fossil 2025 = %v, want %v", got, want)
	}
	if r := fossilGtCPerYear(2030) / fossilGtCPerYear(2029); math.Abs(r-1.005) > 1e-12 {
		t.Errorf("fossil growth after 2025 = %v, want 1.005", r)
	}
	if got := januaryCO2PPM(2000); got != 369.39 {
		t.Errorf("January 2000 CO2 = %v, want 369.39 (NOAA co2_mm_gl)", got)
	}
}
