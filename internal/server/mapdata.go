package server

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sync"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/mapimg"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// mapTerm is a term the dashboard's map can show: the grid column, its σ
// column, the sign that turns it into a flux to the atmosphere, what a
// square metre means for it, and the regional component of the same term.
type mapTerm struct {
	column, sigma string
	sign          float64
	per           string
	component     string
}

var mapTerms = map[string]mapTerm{
	"land":   {"nbp_mean", "nbp_sd", -1, "land", lake.CompLand},
	"ocean":  {"ocean_uptake_mean", "ocean_uptake_sd", -1, "ocean", lake.CompOcean},
	"fossil": {"fossil", "", 1, "land", lake.CompFossil},
	"net":    {"net_flux", "", 1, "cell", lake.CompNetToAtmos},
}

// mapData is the dashboard's map of one term and month: the values of
// every cell (as a flux to the atmosphere), their σ where the term has
// one, the region each cell belongs to (its country on land, its RECCAP2
// basin at sea) and that region's published value of the term.
type mapData struct {
	Month     string      `json:"month"`
	Term      string      `json:"term"`
	Anomaly   bool        `json:"anomaly"` // values are anomalies against the baseline mean of the same calendar month
	Units     string      `json:"units"`
	NLat      int         `json:"nlat"`
	NLon      int         `json:"nlon"`
	Limit     float64     `json:"limit"` // the colour scale's saturation, ± (the 98th percentile of |value|)
	Values    []*number   `json:"values"`
	Sigma     []*number   `json:"sigma,omitempty"`
	Region    []int32     `json:"region"` // index into regions, -1 for none
	Regions   []mapRegion `json:"regions"`
	Component string      `json:"component"` // the regional table's component of the term
}

// mapRegion is a region's published value of the term in the month, as
// in GET /api/v1/regions/{id} (GtC in the month, its own sign convention).
type mapRegion struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	ValueGtC   *number `json:"value_gtc"`
	SigmaGtC   *number `json:"sigma_gtc"`
	AnomalyGtC *number `json:"anomaly_gtc"`
}

// number is a float64 that encodes NaN as null and keeps 4 significant
// digits, which is what a hover shows, to keep the map's JSON small.
type number float64

func num(v float64) *number {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	n := number(v)
	return &n
}

func (n number) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf("%.4g", float64(n))), nil
}

// mapDataJSON serves GET /api/v1/mapdata/{month}?term=land|ocean|fossil|net&anomaly=1|0.
func (s *Server) mapDataJSON(w http.ResponseWriter, r *http.Request) error {
	m, snap, err := s.monthParam(r)
	if err != nil {
		return err
	}
	termName := nonEmpty(r.URL.Query().Get("term"), "net")
	term, ok := mapTerms[termName]
	if !ok {
		return errBadRequest("term: one of land, ocean, fossil, net")
	}
	wantAnomaly := r.URL.Query().Get("anomaly") != "0"
	key := reqKey(snap.etag, r.URL.Path, "term="+termName, "anomaly="+map[bool]string{true: "1", false: "0"}[wantAnomaly])
	if notModified(w, r, snap, key) {
		return nil
	}
	body, err := s.maps.getOrMake(key, func() ([]byte, error) {
		release, err := s.acquire(r)
		if err != nil {
			return nil, err
		}
		defer release()
		d, err := s.buildMapData(r, snap, m, termName, term, wantAnomaly)
		if err != nil {
			return nil, err
		}
		return json.Marshal(d)
	})
	if err != nil {
		return err
	}
	return s.send(w, r, "application/json", body, key)
}

func (s *Server) buildMapData(r *http.Request, snap *snapshot, m grid.Month, name string, term mapTerm, wantAnomaly bool) (*mapData, error) {
	ctx := r.Context()
	gf, err := output.ReadGrid(ctx, output.GridPath(s.out, m))
	if err != nil {
		return nil, s.unreadable(m, err)
	}
	values, ok := gf.Columns[term.column]
	if !ok {
		return nil, errNotFound("month %s has no %s column", m, term.column)
	}
	d := &mapData{Month: m.String(), Term: name, Component: term.component,
		Units: fmt.Sprintf("g C per m² of %s per month, + = to the atmosphere", term.per)}
	if wantAnomaly {
		base, err := s.baselineMean(ctx, snap, m, term.column)
		if err != nil {
			return nil, err
		}
		if base != nil {
			values, d.Anomaly = subtract(values, base), true
		}
	}
	g := gridOf(len(values))
	// Finer grids are averaged to 1° for the browser: a 0.25° map would be
	// a million numbers, and a hover reads one cell of a laptop screen.
	k := max(1, g.NLon/360)
	values, g = coarsen(values, g, k), grid.Global(g.DLon*float64(k))
	d.NLat, d.NLon = g.NLat, g.NLon
	signed := make([]float32, len(values))
	for i, v := range values {
		signed[i] = float32(term.sign) * v
	}
	d.Limit = mapimg.Map{Grid: g, Values: signed}.Limit()
	d.Values = make([]*number, len(signed))
	for i, v := range signed {
		d.Values[i] = num(float64(v))
	}
	if sd, ok := gf.Columns[term.sigma]; ok && term.sigma != "" {
		sd = coarsen(sd, gridOf(len(sd)), k) // the blocks' mean σ: the cells' errors are correlated
		d.Sigma = make([]*number, len(sd))
		for i, v := range sd {
			d.Sigma[i] = num(float64(v))
		}
	}
	cr, err := cellRegionsOf(g)
	if err != nil {
		return nil, err
	}
	d.Region = cr.index
	rows := map[string]lake.RegionRow{}
	for _, row := range snap.regional {
		if row.Month == d.Month && row.Component == term.component {
			rows[row.RegionID] = row
		}
	}
	for i, id := range cr.ids {
		mr := mapRegion{ID: id, Name: cr.names[i]}
		if row, ok := rows[id]; ok {
			mr.ValueGtC, mr.SigmaGtC, mr.AnomalyGtC = num(row.GtC), num(row.SigmaGtC), num(row.AnomalyGtC)
		}
		d.Regions = append(d.Regions, mr)
	}
	return d, nil
}

// coarsen averages k×k blocks of cells of g, leaving out NaN cells (a
// block without a value is NaN).
func coarsen(values []float32, g grid.Grid, k int) []float32 {
	if k == 1 {
		return values
	}
	nlat, nlon := g.NLat/k, g.NLon/k
	out := make([]float32, nlat*nlon)
	for r := range nlat {
		for c := range nlon {
			var sum float64
			n := 0
			for dr := range k {
				for dc := range k {
					if v := values[(r*k+dr)*g.NLon+c*k+dc]; v == v {
						sum += float64(v)
						n++
					}
				}
			}
			out[r*nlon+c] = float32(math.NaN())
			if n > 0 {
				out[r*nlon+c] = float32(sum / float64(n))
			}
		}
	}
	return out
}

// gridOf is the global grid of a field of n cells (2·nlat columns).
func gridOf(n int) grid.Grid {
	nlat := int(math.Round(math.Sqrt(float64(n) / 2)))
	return grid.Global(180 / float64(nlat))
}

// cellRegions names the region of every cell for the map's hover: the
// country with the largest cover where the cell is mostly land (the
// outline's), else the RECCAP2 ocean basin with the largest share.
type cellRegions struct {
	index      []int32
	ids, names []string
}

var cellRegionCache sync.Map // grid.Grid → *cellRegions

func cellRegionsOf(g grid.Grid) (*cellRegions, error) {
	if c, ok := cellRegionCache.Load(g); ok {
		return c.(*cellRegions), nil
	}
	o, err := mapimg.OutlineOf(g)
	if err != nil {
		return nil, err
	}
	set, err := regions.Load(g)
	if err != nil {
		return nil, err
	}
	c := &cellRegions{index: append([]int32(nil), o.Country...), ids: append([]string(nil), o.IDs...), names: append([]string(nil), o.Names...)}
	best := make([]float32, g.Cells())
	for _, reg := range set.Regions() {
		if reg.Kind != regions.KindReccapOcean {
			continue
		}
		cells, w, err := set.SparseWeights(reg.ID)
		if err != nil {
			return nil, err
		}
		k := int32(len(c.ids))
		c.ids, c.names = append(c.ids, reg.ID), append(c.names, reg.Name)
		for j, cell := range cells {
			if o.Country[cell] < 0 && w[j] > best[cell] {
				best[cell], c.index[cell] = w[j], k
			}
		}
	}
	cellRegionCache.Store(g, c)
	return c, nil
}

// dashboardRoutes adds the endpoints the dashboard's map, country views
// and report links read.
func (s *Server) dashboardRoutes() {
	s.handle("GET /api/v1/mapdata/{month}", s.mapDataJSON)
	s.handle("GET /api/v1/countries", s.countries)
	s.handle("GET /api/v1/months/{month}/report", s.reportPage)
	s.handle("GET /api/v1/months/{month}/report/{file}", s.reportAsset)
}
