package server

import (
	"math"
	"net/http"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/mapimg"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// mapPNG renders one variable of a month as a PNG map, as the anomaly
// against the mean of the same calendar month over the baseline years
// when all of them are published (anomaly=1, the default), else as is.
func (s *Server) mapPNG(w http.ResponseWriter, r *http.Request) error {
	m, snap, err := s.monthParam(r)
	if err != nil {
		return err
	}
	v := nonEmpty(r.URL.Query().Get("var"), "net_flux")
	wantAnomaly := r.URL.Query().Get("anomaly") != "0"
	key := snap.etag + m.String() + v + map[bool]string{true: "a", false: "v"}[wantAnomaly]
	if b, ok := s.maps.get(key); ok {
		return writePNG(w, b, false)
	}
	release, err := s.acquire(r)
	if err != nil {
		return err
	}
	defer release()
	gf, err := output.ReadGrid(output.GridPath(s.out, m))
	if err != nil {
		return err
	}
	values, ok := gf.Columns[v]
	if !ok {
		return errBadRequest("unknown variable %q", v)
	}
	isAnomaly := false
	if wantAnomaly {
		if base := s.baselineMean(snap, m, v); base != nil {
			values = subtract(values, base)
			isAnomaly = true
		}
	}
	nlat := int(math.Round(math.Sqrt(float64(len(values)) / 2))) // global grids have 2·nlat columns
	b, _, err := mapimg.Render(values, 2*nlat, mapimg.Options{})
	if err != nil {
		return err
	}
	s.maps.put(key, b)
	return writePNG(w, b, isAnomaly)
}

func writePNG(w http.ResponseWriter, b []byte, _ bool) error {
	w.Header().Set("Content-Type", "image/png")
	_, err := w.Write(b)
	return err
}

// baselineMean averages variable v over the baseline years' files of m's
// calendar month; nil when any is missing.
func (s *Server) baselineMean(snap *snapshot, m grid.Month, v string) []float32 {
	var sum []float64
	var n int
	for y := s.opt.baseline().FromYear; y <= s.opt.baseline().ToYear; y++ {
		bm := grid.Month{Year: y, Month: m.Month}
		if !snap.months[bm] {
			return nil
		}
		gf, err := output.ReadGrid(output.GridPath(s.out, bm))
		if err != nil || gf.Columns[v] == nil {
			return nil
		}
		if sum == nil {
			sum = make([]float64, len(gf.Columns[v]))
		}
		for i, x := range gf.Columns[v] {
			sum[i] += float64(x)
		}
		n++
	}
	out := make([]float32, len(sum))
	for i := range sum {
		out[i] = float32(sum[i] / float64(n))
	}
	return out
}

func subtract(a, b []float32) []float32 {
	out := make([]float32, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}
