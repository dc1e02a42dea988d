package regions

import (
	"fmt"
	"math"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/realdata"

	"github.com/airbusgeo/godal"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// maskBasin maps the codes of the IRIDL basin mask (its CLIST attribute,
// 1-based) to our RECCAP2 basins; "" for basins we do not compare (the
// Caspian, and basins our rules split by latitude such as Baffin Bay).
var maskBasin = map[int]string{
	1: "atlantic", 2: "pacific", 3: "indian", 4: "atlantic", 5: "atlantic", 6: "atlantic", 7: "indian", 8: "indian",
	9: "arctic", 10: "southern", 11: "arctic", 12: "pacific", 13: "arctic", 14: "pacific", 16: "atlantic",
	17: "atlantic", 18: "pacific", 19: "pacific", 20: "atlantic", 21: "indian", 22: "atlantic", 23: "atlantic",
	24: "arctic", 25: "pacific", 26: "arctic", 27: "pacific", 28: "pacific", 29: "pacific", 30: "atlantic",
	31: "atlantic", 32: "indian", 33: "pacific", 34: "indian", 35: "indian", 36: "atlantic", 37: "atlantic",
	38: "pacific", 39: "pacific", 40: "pacific", 41: "pacific", 42: "pacific", 43: "indian", 44: "pacific",
	45: "indian", 46: "indian", 47: "indian", 48: "atlantic", 49: "atlantic", 50: "atlantic", 51: "pacific",
	54: "pacific", 55: "atlantic", 56: "indian", 57: "pacific",
}

// TestBasinsAgainstRealMask compares our basin rules with the real 1°
// basin mask of ../shared (IRIDL, from the xarray tutorial data) where the
// definitions are comparable: between 35°S and 60°N (so Hudson Bay is
// the only Arctic water compared), by ocean area.
func TestBasinsAgainstRealMask(t *testing.T) {
	path := realdata.Path(t, "gridded", "basin_mask.nc")
	godal.RegisterAll()
	ds, err := godal.Open(fmt.Sprintf("NETCDF:%q:basin", path), godal.RasterOnly(), godal.SkipWarnings)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	st := ds.Structure()
	gt, err := ds.GeoTransform()
	if err != nil {
		t.Fatal(err)
	}
	codes := make([]int16, st.SizeX*st.SizeY)
	if err := ds.Bands()[0].Read(0, 0, codes, st.SizeX, st.SizeY); err != nil { // band 1 = the surface level
		t.Fatal(err)
	}
	s := loadSet(t, 1)
	g := s.Grid()
	land := s.LandFraction()
	var agree, total float64
	confusion := map[string]float64{}
	for y := 0; y < st.SizeY; y++ {
		for x := 0; x < st.SizeX; x++ {
			lat := gt[3] + (float64(y)+0.5)*gt[5]
			lon := math.Mod(gt[0]+(float64(x)+0.5)*gt[1]+540, 360) - 180
			want := maskBasin[int(codes[y*st.SizeX+x])]
			i, ok := g.Locate(lat, lon)
			if !ok || want == "" || want == "southern" || lat < -35 || lat > 60 || land[i] > 0.5 {
				continue
			}
			got := basinOf(lat, lon)
			a := cellArea(g, i)
			total += a
			if got == "reccap2-ocean/"+want {
				agree += a
			} else {
				confusion[want+"->"+got] += a
			}
		}
	}
	if total == 0 {
		t.Fatal("no comparable cells: the mask was not read")
	}
	t.Logf("basin agreement with the real mask: %.1f%% of %.0f million km²; largest disagreements: %v", 100*agree/total, total/1e12, top(confusion))
	if agree/total < 0.95 {
		t.Errorf("basins agree on %.1f%% of the comparable ocean, want ≥ 95%%", 100*agree/total)
	}
}

func cellArea(g grid.Grid, i int) float64 { r, _ := g.RowCol(i); return g.RowAreaM2(r) }

func top(m map[string]float64) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if v > 1e12 {
			out[k] = fmt.Sprintf("%.1f Mkm²", v/1e12)
		}
	}
	return out
}
