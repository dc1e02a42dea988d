package server

import (
	"context"
	"fmt"
	"net/http"
	"regexp"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/mapimg"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// varName is the shape of a grid column name; anything else is refused
// before any work (and never echoed at length).
var varName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// mapPNG renders one variable of a month as a PNG map, as the anomaly
// against the mean of the same calendar month over the baseline years
// when all of them are published (anomaly=1, the default), else as is.
// The heavy slot is held while rendering only: the PNG is written after
// it is freed, so a client that does not read locks nobody out.
func (s *Server) mapPNG(w http.ResponseWriter, r *http.Request) error {
	m, snap, err := s.monthParam(r)
	if err != nil {
		return err
	}
	v := nonEmpty(r.URL.Query().Get("var"), "net_flux")
	if !varName.MatchString(v) {
		return errBadRequest("var: not a variable name (GET /api/v1/grid/{month}?format=csv lists them)")
	}
	wantAnomaly := r.URL.Query().Get("anomaly") != "0"
	key := reqKey(snap.etag, r.URL.Path, "var="+v, "anomaly="+map[bool]string{true: "1", false: "0"}[wantAnomaly])
	if notModified(w, r, snap, key) {
		return nil
	}
	b, err := s.maps.getOrMake(key, func() ([]byte, error) {
		return s.renderMap(r, snap, m, v, wantAnomaly)
	})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	_, err = w.Write(b)
	return err
}

// renderMap renders one map figure (title, coastlines and borders,
// colorbar with units; internal/mapimg) under a heavy slot, stopping as
// soon as the client has gone.
func (s *Server) renderMap(r *http.Request, snap *snapshot, m grid.Month, v string, wantAnomaly bool) ([]byte, error) {
	release, err := s.acquire(r)
	if err != nil {
		return nil, err
	}
	defer release()
	ctx := r.Context()
	gf, err := output.ReadGrid(ctx, output.GridPath(s.out, m))
	if err != nil {
		return nil, s.unreadable(m, err)
	}
	values, ok := gf.Columns[v]
	if !ok {
		return nil, errBadRequest("unknown variable %q", v)
	}
	anomaly := false
	if wantAnomaly {
		base, err := s.baselineMean(ctx, snap, m, v)
		if err != nil {
			return nil, err
		}
		if base != nil {
			values, anomaly = subtract(values, base), true
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	g := gridOf(len(values))
	o, err := mapimg.OutlineOf(g)
	if err != nil {
		return nil, err
	}
	what := "value"
	if wantAnomaly && anomaly {
		what = "anomaly against the baseline"
	}
	units := gf.Units[v]
	if units == "" {
		units = "units not recorded"
	}
	b, _, err := mapimg.Map{Grid: g, Values: values, Outline: o, Title: fmt.Sprintf("%s, %s: %s", v, m, what),
		Units: units + " (as published: check the column's sign in docs/format.md)"}.Figure().PNG()
	return b, err
}

// baselineMean averages variable v over the baseline years' files of m's
// calendar month (output.BaselineMean); nil when any is missing.
func (s *Server) baselineMean(ctx context.Context, snap *snapshot, m grid.Month, v string) ([]float32, error) {
	base := s.opt.baseline()
	for y := base.FromYear; y <= base.ToYear; y++ {
		if !snap.months[grid.Month{Year: y, Month: m.Month}] {
			return nil, nil
		}
	}
	mean, err := output.BaselineMean(ctx, s.out, m, base.FromYear, base.ToYear, []string{v}, nil)
	return mean[v], err
}

func subtract(a, b []float32) []float32 {
	out := make([]float32, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}
