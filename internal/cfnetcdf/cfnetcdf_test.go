package cfnetcdf

import (
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhs/go-netcdf/netcdf"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/nclock"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

func TestWrite(t *testing.T) {
	g := grid.MustNew(2)
	v := make([]float32, g.Cells())
	for i := range v {
		lat, _ := g.Centre(i)
		v[i] = float32(lat)
	}
	v[0] = float32(math.NaN())
	gm := output.GridMonth{Grid: g, Month: grid.Month{Year: 2023, Month: 2},
		Columns: []output.Column{{Name: "nbp_mean", Units: "g C m-2 month-1", Description: "net land flux into land, per m2 of land", Values: v}}}
	path := filepath.Join(t.TempDir(), "grid.nc")
	if err := Write(path, gm, "test"); err != nil {
		t.Fatal(err)
	}
	nclock.Lock()
	ds, err := netcdf.OpenFile(path, netcdf.NOWRITE)
	if err != nil {
		nclock.Unlock()
		t.Fatal(err)
	}
	nv, _ := ds.Var("nbp_mean")
	back := make([]float32, g.Cells())
	err = nv.ReadFloat32s(back)
	tv, _ := ds.Var("time")
	var tm [1]float64
	tv.ReadFloat64s(tm[:])
	ds.Close()
	nclock.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if back[0] != ncFill || back[g.Cells()-1] != v[g.Cells()-1] {
		t.Errorf("values: first %g (want the fill), last %g (want %g)", back[0], back[g.Cells()-1], v[g.Cells()-1])
	}
	// Mid-February 2023: 1 February is day 19389 after 1970-01-01 (2023-01-01 is 19358), plus 14 days.
	if tm[0] != 19389+14 {
		t.Errorf("time = %g days, want %d", tm[0], 19389+14)
	}
	ncdump, err := exec.LookPath("ncdump")
	if err != nil {
		t.Skip("ncdump not installed (apt-get install netcdf-bin): header not checked")
	}
	out, err := exec.Command(ncdump, "-h", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ncdump -h: %v\n%s", err, out)
	}
	for _, want := range []string{`:Conventions = "CF-1.8"`, `lat:standard_name = "latitude"`, `time:units = "days since 1970-01-01 00:00:00"`,
		`nbp_mean:units = "g m-2 month-1"`, `nbp_mean:_FillValue`, `float nbp_mean(time, lat, lon)`, `lat:bounds = "lat_bnds"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("ncdump -h lacks %s:\n%s", want, out)
		}
	}
}

// TestWriteSeries: three months in one file land at their own time index
// with their own time stamps; months on different grids or with other
// columns are refused.
func TestWriteSeries(t *testing.T) {
	g := grid.MustNew(2)
	var months []output.GridMonth
	for k := 0; k < 3; k++ {
		v := make([]float32, g.Cells())
		for i := range v {
			v[i] = float32(100*k + i)
		}
		months = append(months, output.GridMonth{Grid: g, Month: grid.Month{Year: 2024, Month: 11}.Add(k),
			Columns: []output.Column{{Name: "t2m", Units: "K", Values: v}}})
	}
	path := filepath.Join(t.TempDir(), "series.nc")
	if err := WriteSeries(path, months, "test"); err != nil {
		t.Fatal(err)
	}
	nclock.Lock()
	ds, err := netcdf.OpenFile(path, netcdf.NOWRITE)
	if err != nil {
		nclock.Unlock()
		t.Fatal(err)
	}
	nv, _ := ds.Var("t2m")
	back := make([]float32, 3*g.Cells())
	err = nv.ReadFloat32s(back)
	tv, _ := ds.Var("time")
	tm := make([]float64, 3)
	tv.ReadFloat64s(tm)
	ds.Close()
	nclock.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 3; k++ {
		if got := back[k*g.Cells()+7]; got != float32(100*k+7) {
			t.Errorf("month %d, cell 7: %g, want %d", k, got, 100*k+7)
		}
		want := float64(months[k].Month.Start().Unix()+months[k].Month.End().Unix()) / 2 / 86400
		if tm[k] != want {
			t.Errorf("time[%d] = %g days, want %g (mid-%s)", k, tm[k], want, months[k].Month)
		}
	}
	other := months[1]
	other.Grid = grid.MustNew(1)
	if err := WriteSeries(path, []output.GridMonth{months[0], other}, "test"); err == nil || !strings.Contains(err.Error(), "2024-12") {
		t.Errorf("months on two grids: %v, want an error naming the odd month", err)
	}
	renamed := months[1]
	renamed.Columns = []output.Column{{Name: "sst", Units: "K", Values: months[1].Columns[0].Values}}
	if err := WriteSeries(path, []output.GridMonth{months[0], renamed}, "test"); err == nil || !strings.Contains(err.Error(), `"sst"`) {
		t.Errorf("months with other columns: %v, want an error naming the column", err)
	}
}
