package twin

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/ingest/inversion"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// TestInversionFiles: the small world (2022–2023) writes CT-NRT from
// 2022-01 to four months before its end and CAMS to eight months before,
// in layouts the reader recognises on their native grids.
func TestInversionFiles(t *testing.T) {
	dir := smallWorld(t)
	for _, tt := range []struct {
		name, layout string
		last         grid.Month
		nlat, nlon   int
	}{
		{"CT-NRT", "carbontracker", grid.Month{Year: 2023, Month: time.August}, 180, 360},
		{"CAMS", "cams", grid.Month{Year: 2023, Month: time.April}, 96, 96},
	} {
		for _, m := range smallOptions().Months() {
			_, err := os.Stat(inversionPath(dir, tt.name, m))
			if want := !tt.last.Before(m); (err == nil) != want {
				t.Errorf("%s %s: file present %v, want %v", tt.name, m, err == nil, want)
			}
		}
		p, err := inversion.Read(inversionPath(dir, tt.name, tt.last), tt.last, "")
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if p.Layout != tt.layout || p.Grid.NLat != tt.nlat || p.Grid.NLon != tt.nlon {
			t.Errorf("%s: layout %s on %v, want %s on %d×%d", tt.name, p.Layout, p.Grid, tt.layout, tt.nlat, tt.nlon)
		}
		if (p.Fire != nil) != (tt.name == "CT-NRT") {
			t.Errorf("%s: fire field present %v", tt.name, p.Fire != nil)
		}
	}
}

// TestInversionTruthFile: truth/inversions.json records each product's
// placed error in the last two years and full-year band totals.
func TestInversionTruthFile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(smallWorld(t), InversionTruthFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Truth    map[string]bandSums `json:"truth"`
		Products []struct {
			Name          string              `json:"name"`
			LastMonth     string              `json:"last_month"`
			RegionalError regionalError       `json:"regional_error"`
			Years         map[string]bandSums `json:"years"`
		} `json:"products"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Truth) != 2 || doc.Truth["2022"].Months != 12 || doc.Truth["2022"].Land["global"] == 0 {
		t.Errorf("truth years %v, want 2022 and 2023 with 12 months each and a land total", doc.Truth)
	}
	want := map[string]struct {
		last   string
		months int
		region string
		gtc    float64
	}{"CT-NRT": {"2023-08", 10, "north", -0.4}, "CAMS": {"2023-04", 24, "tropics", 0.5}}
	for _, p := range doc.Products {
		w := want[p.Name]
		e := p.RegionalError
		if p.LastMonth != w.last || len(e.Months) != w.months || e.Region != w.region || e.GtCPerYear != w.gtc || e.Months[0][:4] != "2022" {
			t.Errorf("%s: last %s, error %+v; want last %s, %d months from 2022 in %s, %g GtC/yr", p.Name, p.LastMonth, e, w.last, w.months, w.region, w.gtc)
		}
		if p.Years["2022"].Months != 12 {
			t.Errorf("%s: 2022 has %d months, want 12", p.Name, p.Years["2022"].Months)
		}
	}
	if len(doc.Products) != 2 {
		t.Errorf("%d products, want 2", len(doc.Products))
	}
}

// TestInversionErrorTerms checks the error processes on the small world's
// grid: the placed regional error integrates to its stated GtC in its
// months and is zero outside them, and the correlated noise has no global
// total.
func TestInversionErrorTerms(t *testing.T) {
	w, _ := smallSim(t)
	geo := w.geo
	n := geo.g.Cells()
	wl, wo := make([]float64, n), make([]float64, n)
	for i := range n {
		a := geo.areaM2[i/geo.g.NLon]
		wl[i], wo[i] = a*float64(geo.land[i]), a*(1-float64(geo.land[i]))
	}
	for _, s := range inversionSpecs() {
		st, err := newInvState(w, s)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			m    grid.Month
			want float64
		}{
			{grid.Month{Year: 2023, Month: time.July}, s.regional.GtCPerYear / float64(len(s.regional.of))},
			{grid.Month{Year: 2021, Month: time.July}, 0}, // not an error year
		} {
			reg := st.regionalPerLandM2(geo, tt.m, wl)
			var got float64
			for i := range reg {
				got += reg[i] * wl[i] * 1e-15
			}
			// 1e-9 relative: a float64 sum over the grid.
			if math.Abs(got-tt.want) > 1e-9*math.Max(1, math.Abs(tt.want)) {
				t.Errorf("%s %s: regional error %.6f GtC, want %.6f", s.name, tt.m, got, tt.want)
			}
		}
		nl, no := st.noise(geo, wl, wo)
		var total, spread float64
		for i := range nl {
			total += wl[i]*nl[i] + wo[i]*no[i]
			spread += wl[i] * math.Abs(nl[i])
		}
		if math.Abs(total) > 1e-9*spread || spread == 0 {
			t.Errorf("%s: noise global total %g against a spread of %g: want 0 and a non-zero spread", s.name, total, spread)
		}
	}
}

// TestBoxSmooth: a constant stays constant, and a cell of zero weight
// (ocean, for the land flux) spreads nothing to its neighbours.
func TestBoxSmooth(t *testing.T) {
	g := grid.Global(30) // 6×12
	n := g.Cells()
	v, wt := make([]float64, n), make([]float64, n)
	for i := range v {
		v[i], wt[i] = 3, 1+float64(i%5)
	}
	for i, x := range boxSmooth(g, v, wt, 2) {
		if math.Abs(x-3) > 1e-12 {
			t.Fatalf("smoothed constant [%d] = %g, want 3", i, x)
		}
	}
	v[g.Index(2, 0)], wt[g.Index(2, 0)] = 1e6, 0
	for i, x := range boxSmooth(g, v, wt, 2) {
		if math.Abs(x-3) > 1e-12 {
			t.Fatalf("a zero-weight spike reached [%d] = %g, want 3", i, x)
		}
	}
}
