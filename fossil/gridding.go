package fossil

import (
	"fmt"
	"maps"
	"slices"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Gridder spreads national totals over their countries' cells. Building it
// costs one pass over every country mask; keep one per grid and proxy and
// reuse it for every month.
type Gridder struct {
	grid  grid.Grid
	areas []float64
	// landFraction is the summed cover of every country, per cell.
	landFraction []float64
	// weights[row] is, per cell of the row's countries, the row's share of
	// cover × proxy, already divided by Σ cover·proxy·area, so that
	// density = GtC·1e15·weight. Sparse: at 0.25° a dense slice per row
	// would be 8 MB, and building them cost 3 s a month.
	weights map[string]sparseWeights
}

// sparseWeights are weights on cells, in increasing cell order.
type sparseWeights struct {
	cells []int32
	w     []float64
}

// griddedRows are the Carbon Monitor rows that are spread on the grid: the
// single countries, the rest of EU27 & UK, and ROW.
func griddedRows() []string {
	rows := []string{EUAndUK, ROW}
	for name := range iso3 {
		rows = append(rows, name)
	}
	return rows
}

// NewGridder prepares the spreading weights. proxy may be nil (land area).
func NewGridder(g grid.Grid, countries CountryMasks, proxy *grid.Field) (*Gridder, error) {
	if proxy != nil && proxy.Grid != g {
		return nil, fmt.Errorf("fossil proxy %q is on %v, want %v", proxy.Name, proxy.Grid, g)
	}
	gr := &Gridder{grid: g, areas: g.AreasM2(), weights: map[string]sparseWeights{}, landFraction: make([]float64, g.Cells())}
	all := countries.CountryIDs()
	cover := make([]float64, g.Cells()) // scratch, zero between rows
	for _, row := range griddedRows() {
		codes := memberCodes(row, all)
		w, err := gr.rowWeights(row, codes, countries, proxy, cover)
		if err != nil {
			return nil, err
		}
		gr.weights[row] = w
	}
	return gr, nil
}

func (gr *Gridder) rowWeights(row string, codes []string, countries CountryMasks, proxy *grid.Field, cover []float64) (sparseWeights, error) {
	var touched []int32
	for _, c := range codes {
		cells, ws, err := countries.SparseWeights(c)
		if err != nil {
			if row == ROW || row == EUAndUK {
				continue // a small member absent from the mask at this resolution
			}
			return sparseWeights{}, fmt.Errorf("grid %q: %w", row, err)
		}
		for j, cell := range cells {
			x := float64(ws[j])
			if x == 0 {
				continue
			}
			if cover[cell] == 0 {
				touched = append(touched, cell)
			}
			cover[cell] += x
			gr.landFraction[cell] += x // the rows partition the countries
		}
	}
	defer func() {
		for _, i := range touched {
			cover[i] = 0
		}
	}()
	slices.Sort(touched)
	out := sparseWeights{cells: touched, w: make([]float64, len(touched))}
	var norm float64
	if proxy != nil {
		for j, i := range touched {
			if p := float64(proxy.Values[i]); p > 0 {
				out.w[j] = cover[i] * p
				norm += out.w[j] * gr.areas[i]
			}
		}
	}
	if norm == 0 { // no proxy, or a proxy empty over the whole country: land area
		for j, i := range touched {
			out.w[j] = cover[i]
			norm += cover[i] * gr.areas[i]
		}
	}
	if norm == 0 {
		return sparseWeights{}, fmt.Errorf("grid %q: its countries %v cover no cell of %v", row, codes, gr.grid)
	}
	for j := range out.w {
		out.w[j] /= norm
	}
	return out, nil
}

// Grid returns the month's national rows on the grid, all sectors but
// international aviation, in g C per m² of LAND per month (NaN where a cell
// has no land), the convention of every land-based field: a region's total
// is Σ value·area·cover. The EU27 & UK row is reduced by its
// members that have rows of their own.
func (gr *Gridder) Grid(national []NationalRow) (*grid.Field, error) {
	totals := map[string]float64{}
	for _, r := range national {
		if r.Sector == InternationalAviation || r.Country == World {
			continue
		}
		totals[r.Country] += r.GtC
	}
	eu := totals[EUAndUK]
	// Sorted iterations here and below: the same bits on every run.
	for _, name := range slices.Sorted(maps.Keys(iso3)) {
		if isEUMember(iso3[name]) {
			totals[EUAndUK] -= totals[name]
		}
	}
	if rest := totals[EUAndUK]; rest < 0 {
		if rest < -1e-9*eu { // more than rounding: the rows contradict each other
			return nil, fmt.Errorf("%s total %.6g GtC is less than its separately listed members", EUAndUK, eu)
		}
		totals[EUAndUK] = 0
	}
	dens := make([]float64, gr.grid.Cells())
	for _, row := range slices.Sorted(maps.Keys(totals)) {
		gtc := totals[row]
		w, ok := gr.weights[row]
		if !ok {
			return nil, fmt.Errorf("no gridding weights for row %q", row)
		}
		grams := gtc * 1e15
		for j, i := range w.cells {
			if x := w.w[j]; x != 0 {
				dens[i] += grams * x
			}
		}
	}
	f := grid.NewField(gr.grid, "fossil", "g C m-2 month-1")
	for i, d := range dens {
		if lf := gr.landFraction[i]; lf > 0 {
			f.Values[i] = float32(d / lf)
		}
	}
	return f, nil
}

func isEUMember(code string) bool {
	for _, c := range euMembers {
		if c == code {
			return true
		}
	}
	return false
}

// gridNational uses a fresh Gridder; the pipeline keeps one instead.
func gridNational(m grid.Month, national []NationalRow, in Inputs) (*grid.Field, error) {
	gr := in.Gridder
	if gr == nil {
		if in.Countries == nil {
			return nil, fmt.Errorf("no country masks to grid with")
		}
		var err error
		if gr, err = NewGridder(in.Grid, in.Countries, in.Proxy); err != nil {
			return nil, err
		}
	}
	f, err := gr.Grid(national)
	if err != nil {
		return nil, err
	}
	return f, nil
}
