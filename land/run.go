package land

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Inputs are what Run reads for a month.
type Inputs struct {
	// Cubes are the cubes of months m−3, m−2, m−1 and m, in that order
	// (the lagged features read the three months before m), all on the
	// models' grid. fire_c of month m may be absent (a late source); the
	// late sources month m's cube lacks (its Missing) make the result
	// provisional.
	Cubes  []*cube.Cube
	Models *Models // the trained members
	// Climatology is the baseline the models were trained against (same
	// years and grid); nil: Models.Climatology (the one Train used or Load
	// read from <models>/land/climatology.bin). The anomaly features, the
	// fire anomaly and the extreme-heat test read it.
	Climatology *Climatology
}

// Options tunes Run. The zero value is the production setting.
type Options struct {
	Logger *slog.Logger // nil: no logging
	// HeatSigmas is the temperature anomaly, in baseline standard
	// deviations, above which a cell is under extreme heat; 0: 2.
	HeatSigmas float64
	// NoFireAnomaly leaves the observed fire out of the net flux (net =
	// NBP), to compare with the DGVMs alone.
	NoFireAnomaly bool
	// DGVMs restricts the ensemble to these models; nil: every member.
	DGVMs []string
	// NoAttribution skips splitting NBP into driver groups (Drivers).
	NoAttribution bool
}

// Sources named in Result.Missing.
const (
	SourceFire = "fire" // fire_c absent from the cube
)

// Member is one ensemble member's result for the month.
type Member struct {
	Name, DGVM string
	GtC        float64     // NBP into land, GtC in the month
	NBP        *grid.Field // g C m-2 month-1 per m² of land, into land
	// Drivers split NBP by driver group (DriverGroups): per cell they add
	// up to NBP. nil with Options.NoAttribution.
	Drivers map[string]*grid.Field
}

// Result is the land sink of one month. Fields per cell are g C m⁻²
// month⁻¹ per m² of land (NaN without land); totals are GtC in the month.
type Result struct {
	Month grid.Month
	// NBPMean and NBPSD are the ensemble mean and the member spread (sample
	// standard deviation, 0 with one member) per cell, into land.
	NBPMean, NBPSD *grid.Field
	// Fire is the cube's fire_c on land and FireAnomaly that minus the
	// baseline climatology of the calendar month, both to the atmosphere;
	// nil when fire_c is missing.
	Fire, FireAnomaly *grid.Field
	// Net is the net land flux NBPMean − FireAnomaly (see NetFlux).
	Net *grid.Field
	// Drivers and DriversSD are the ensemble mean and member spread of
	// each driver group's contribution to NBP (nil with NoAttribution);
	// the drivers' means add up to NBPMean.
	Drivers, DriversSD map[string]*grid.Field
	// HeatCells is 1 on land cells under extreme heat, 0 on other land.
	HeatCells *grid.Field
	Members   []Member
	// SLandGtC is S_LAND (mean of the member totals) and SigmaGtC the
	// sample standard deviation of the member totals.
	SLandGtC, SigmaGtC float64
	FireGtC            float64
	FireAnomalyGtC     float64
	// NetGtC is SLandGtC − FireAnomalyGtC: the net land flux into land.
	NetGtC float64
	// FireGapCells counts land cells with no fire value or climatology
	// (anomaly taken as 0).
	FireGapCells int
	// HeatNetGtC is the net flux of the cells under extreme heat (negative:
	// a net loss), HeatCellCount their number and HeatAreaM2 their land
	// area.
	HeatNetGtC    float64
	HeatCellCount int
	HeatAreaM2    float64
	// Provisional is set when a source was missing (fire or a late source
	// of month m's cube); Missing names them.
	Provisional bool
	Missing     []string
}

// Run estimates the land sink of month m: every member predicts NBP on
// its land cells, the ensemble combines them, the observed fire anomaly
// turns NBP into the net land flux, and the cells under extreme heat are
// marked (see the package documentation).
func Run(ctx context.Context, m grid.Month, in Inputs, opt Options) (*Result, error) {
	p, err := newPredictor(ctx, m, in, opt)
	if err != nil {
		return nil, err
	}
	r := &Result{Month: m}
	for _, mm := range p.members {
		mr, err := p.member(mm, !opt.NoAttribution)
		if err != nil {
			return nil, err
		}
		r.Members = append(r.Members, mr)
	}
	r.ensemble(p.g)
	r.Drivers, r.DriversSD = driverEnsemble(r.Members)
	if err := r.fire(p, opt); err != nil {
		return nil, err
	}
	if err := r.heat(p, opt); err != nil {
		return nil, err
	}
	for _, s := range in.Cubes[len(in.Cubes)-1].Missing {
		r.Missing = emulator.AppendMissing(r.Missing, s)
	}
	r.Provisional = len(r.Missing) > 0
	return r, nil
}

// predictor holds one month's feature matrix for every member.
type predictor struct {
	in       Inputs
	d        drivers
	m        grid.Month
	g        grid.Grid
	landFrac []float32
	cells    []int
	basis    *trendBasis
	members  []*Model
	x        []float32
	nrow     int
	xco2PPM  float64
}

func newPredictor(ctx context.Context, m grid.Month, in Inputs, opt Options) (*predictor, error) {
	if in.Climatology == nil && in.Models != nil {
		in.Climatology = in.Models.Climatology
	}
	if err := checkInputs(in); err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	cs, err := handed(m, in.Models.Grid, in.Cubes)
	if err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	p := &predictor{in: in, d: drivers{cs, in.Climatology}, m: m, g: in.Models.Grid}
	lf, err := landFraction(cs, m, p.g)
	if err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	p.landFrac = lf.Values
	if p.members, err = selectMembers(in.Models.Members, opt.DGVMs); err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	if p.cells, err = predictedCells(lf.Values, p.members); err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	b, err := emulator.NewBuilder(p.g, Features(), p.d)
	if err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	if p.x, p.nrow, _, err = b.Rows(m, p.cells); err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	if p.xco2PPM, err = xco2PPM(cs, m); err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	if p.basis, err = newTrendBasis(in.Climatology); err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	return p, nil
}

func checkInputs(in Inputs) error {
	switch {
	case in.Models == nil || len(in.Models.Members) == 0:
		return errors.New("no trained members")
	case in.Climatology == nil:
		return errors.New("no climatology (the anomaly features need the baseline the models were trained with)")
	}
	ms, cl := in.Models, in.Climatology
	if first, last := cl.Years(); first != ms.ClimFirstYear || last != ms.ClimLastYear {
		return fmt.Errorf("climatology of %d-%d, models trained against %d-%d", first, last, ms.ClimFirstYear, ms.ClimLastYear)
	}
	if cl.Grid() != ms.Grid {
		return fmt.Errorf("climatology on %v, models on %v", cl.Grid(), ms.Grid)
	}
	return nil
}

// predictedCells are the land cells some member covers: prediction costs
// a row per cell, and a DGVM without output on a cell (Antarctica, for
// most) gets none there.
func predictedCells(landFrac []float32, members []*Model) ([]int, error) {
	for _, mm := range members {
		if mm.Mask != nil && len(mm.Mask) != len(landFrac) {
			return nil, fmt.Errorf("member %s: mask of %d cells, grid of %d", mm.Name, len(mm.Mask), len(landFrac))
		}
	}
	var cells []int
	for c, lf := range landFrac {
		if !(lf > 0) {
			continue
		}
		for _, mm := range members {
			if mm.Mask == nil || mm.Mask[c] {
				cells = append(cells, c)
				break
			}
		}
	}
	return cells, nil
}

func selectMembers(all []*Model, dgvms []string) ([]*Model, error) {
	if dgvms == nil {
		return all, nil
	}
	out, err := emulator.SelectMembers(all, func(mm *Model) bool { return slices.Contains(dgvms, mm.DGVM) })
	if err != nil {
		return nil, fmt.Errorf("no trained member among DGVMs %v: %w", dgvms, err)
	}
	return out, nil
}

// member predicts one member's NBP on its land cells.
func (p *predictor) member(mm *Model, attribute bool) (Member, error) {
	pred, err := mm.Emulator.PredictRows(p.x, p.nrow, Features().Names())
	if err != nil {
		return Member{}, fmt.Errorf("land %s: member %s: %w", p.m, mm.Name, err)
	}
	off, err := mm.offsets(p.basis, p.m, p.xco2PPM)
	if err != nil {
		return Member{}, fmt.Errorf("land %s: %w", p.m, err)
	}
	out := Member{Name: mm.Name, DGVM: mm.DGVM, NBP: grid.NewField(p.g, "nbp/"+mm.DGVM, emulator.FluxUnits)}
	for k, c := range p.cells {
		if mm.Mask == nil || mm.Mask[c] {
			out.NBP.Values[c] = pred[k] + off[c]
		}
	}
	out.GtC = sumGtC(p.g, out.NBP.Values, p.landFrac)
	if attribute {
		trend, err := p.basis.offsets(mm.Trend, p.m, p.xco2PPM)
		if err != nil {
			return Member{}, fmt.Errorf("land %s: member %s: %w", p.m, mm.Name, err)
		}
		if out.Drivers, err = p.attribute(mm, off, trend); err != nil {
			return Member{}, err
		}
	}
	return out, nil
}

// ensemble combines the members into the per-cell mean and spread and the
// totals. A cell's mean is over the members that cover it.
func (r *Result) ensemble(g grid.Grid) {
	totals := make([]float64, len(r.Members))
	fields := make([][]float32, len(r.Members))
	for j, mr := range r.Members {
		totals[j], fields[j] = mr.GtC, mr.NBP.Values
	}
	r.SLandGtC, r.SigmaGtC = emulator.MeanSD(totals, nil)
	mean, sd := emulator.CellMeanSD(fields, nil)
	r.NBPMean = &grid.Field{Name: "nbp_mean", Units: emulator.FluxUnits, Grid: g, Values: mean}
	r.NBPSD = &grid.Field{Name: "nbp_sd", Units: emulator.FluxUnits, Grid: g, Values: sd}
}

// fire reads the month's fire emissions, takes their anomaly and makes
// the net flux; without fire_c the net flux is NBP and the result
// provisional.
func (r *Result) fire(p *predictor, opt Options) error {
	r.Net = r.NBPMean.Clone()
	r.Net.Name = "land_net"
	r.NetGtC = r.SLandGtC
	f, err := emulator.CheckedField(p.d.c, p.m, fieldFire, emulator.FluxUnits, p.g)
	if err != nil {
		r.Missing = emulator.AppendMissing(r.Missing, SourceFire)
		return nil
	}
	clim, err := p.in.Climatology.Mean(fieldFire, int(p.m.Month))
	if err != nil {
		return fmt.Errorf("land %s: fire climatology: %w", p.m, err)
	}
	ff := fireAnomaly(f.Values, clim, p.landFrac)
	r.Fire = &grid.Field{Name: "fire", Units: emulator.FluxUnits, Grid: p.g, Values: ff.fire}
	r.FireAnomaly = &grid.Field{Name: "fire_anomaly", Units: emulator.FluxUnits, Grid: p.g, Values: ff.anomaly}
	r.FireGapCells = ff.gapCells
	r.FireGtC = sumGtC(p.g, ff.fire, p.landFrac)
	r.FireAnomalyGtC = sumGtC(p.g, ff.anomaly, p.landFrac)
	if opt.NoFireAnomaly {
		return nil
	}
	for i, v := range r.Net.Values {
		r.Net.Values[i] = NetFlux(v, ff.anomaly[i])
	}
	r.NetGtC = r.SLandGtC - r.FireAnomalyGtC
	return nil
}

// heat marks the cells under extreme heat and sums their net flux.
func (r *Result) heat(p *predictor, opt Options) error {
	sigmas := opt.HeatSigmas
	if sigmas == 0 {
		sigmas = 2
	}
	t2m, err := emulator.CheckedField(p.d.c, p.m, fieldT2m, driverUnits[fieldT2m], p.g)
	if err != nil {
		return fmt.Errorf("land %s: %w", p.m, err)
	}
	mean, err := p.in.Climatology.Mean(fieldT2m, int(p.m.Month))
	if err != nil {
		return fmt.Errorf("land %s: %w", p.m, err)
	}
	sd, err := p.in.Climatology.SD(fieldT2m, int(p.m.Month))
	if err != nil {
		return fmt.Errorf("land %s: %w", p.m, err)
	}
	cells, n := heatFields(t2m.Values, mean, sd, p.landFrac, sigmas)
	r.HeatCells = &grid.Field{Name: "heat_cells", Units: "1", Grid: p.g, Values: cells}
	r.HeatCellCount = n
	hn := heatNet(r.Net.Values, cells)
	r.HeatNetGtC = sumGtC(p.g, hn, p.landFrac)
	r.HeatAreaM2 = p.g.TotalAreaM2(heatArea(cells, p.landFrac))
	return nil
}

// heatArea is the land fraction of the heat cells, 0 elsewhere.
func heatArea(heat, landFrac []float32) []float32 {
	w := make([]float32, len(heat))
	for i, h := range heat {
		if h == 1 {
			w[i] = landFrac[i]
		}
	}
	return w
}
