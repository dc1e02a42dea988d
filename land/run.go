package land

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Inputs are what Run reads for a month.
type Inputs struct {
	// Cubes serves month m and the three months before it (lagged
	// features); fire_c of month m may be absent (a late source).
	Cubes  Cubes
	Models *Models // the trained members
	// Climatology is the baseline the models were trained against (same
	// years and grid); nil: Models.Climatology (the one Train used or Load
	// read from <models>/land/climatology.gob). The anomaly features, the
	// fire anomaly and the extreme-heat test read it.
	Climatology *Climatology
	// Regions, when set, gives the regional totals; its grid must be the
	// models'.
	Regions Regions
	// Baseline, when set, gives the anomalies of the global and regional
	// totals (see NewBaseline).
	Baseline *Baseline
	// ELUC is the bookkeeping E_LUC series; without it the result has no
	// E_LUC and is provisional.
	ELUC *ELUCSeries
	// Missing lists the late sources absent from the month's cube
	// (cube.Cube.Missing); any of them makes the result provisional.
	Missing []string
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
}

// Sources named in Result.Missing.
const (
	SourceFire    = "fire"     // fire_c absent from the cube
	SourceLandUse = "land_use" // no E_LUC series
)

// Member is one ensemble member's result for the month.
type Member struct {
	Name, DGVM string
	GtC        float64     // NBP into land, GtC in the month
	NBP        *grid.Field // g C m-2 month-1 per m² of land, into land
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
	// E_LUC of the month, to the atmosphere; ELUCProjected when carried
	// forward beyond the series.
	ELUCGtC, ELUCSigmaGtC float64
	ELUCProjected         bool
	// HeatNetGtC is the net flux of the cells under extreme heat (negative:
	// a net loss), HeatCellCount their number and HeatAreaM2 their land
	// area.
	HeatNetGtC    float64
	HeatCellCount int
	HeatAreaM2    float64
	Regions       []RegionTotal // nil without Inputs.Regions
	// Anomaly is the global Totals minus the baseline mean of the calendar
	// month; HasAnomaly is false without a baseline.
	Anomaly    Totals
	HasAnomaly bool
	// Provisional is set when a source was missing (fire, E_LUC or a late
	// source of the cube); Missing names them.
	Provisional bool
	Missing     []string

	fireInNet bool // the fire anomaly was subtracted from the net flux
}

// Run estimates the land sink of month m: every member predicts NBP on
// its land cells, the ensemble combines them, the observed fire anomaly
// turns NBP into the net land flux, and E_LUC comes from the bookkeeping
// series (see the package documentation).
func Run(ctx context.Context, m grid.Month, in Inputs, opt Options) (*Result, error) {
	p, err := newPredictor(ctx, m, in, opt)
	if err != nil {
		return nil, err
	}
	r := &Result{Month: m}
	for _, mm := range p.members {
		mr, err := p.member(mm)
		if err != nil {
			return nil, err
		}
		r.Members = append(r.Members, mr)
	}
	r.ensemble(p.g, p.landFrac)
	if err := r.fire(p, opt); err != nil {
		return nil, err
	}
	if err := r.heat(p, opt); err != nil {
		return nil, err
	}
	if err := r.eluc(in.ELUC); err != nil {
		return nil, err
	}
	if in.Regions != nil {
		r.regions(in.Regions)
	}
	r.applyBaseline(in.Baseline)
	for _, s := range in.Missing {
		r.Missing = appendMissing(r.Missing, s)
	}
	r.Provisional = len(r.Missing) > 0
	return r, nil
}

// predictor holds one month's feature matrix for every member.
type predictor struct {
	in       Inputs
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
	p := &predictor{in: in, m: m, g: in.Models.Grid}
	lf, err := landFraction(in.Cubes, m, p.g)
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
	b, err := emulator.NewBuilder(p.g, Features(), drivers{in.Cubes, in.Climatology})
	if err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	if p.x, p.nrow, _, err = b.Rows(m, p.cells); err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	if p.xco2PPM, err = xco2PPM(in.Cubes, m); err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	if p.basis, err = newTrendBasis(in.Climatology); err != nil {
		return nil, fmt.Errorf("land %s: %w", m, err)
	}
	return p, nil
}

func checkInputs(in Inputs) error {
	switch {
	case in.Cubes == nil || in.Models == nil || len(in.Models.Members) == 0:
		return errors.New("no cubes or no trained members")
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
	if in.Regions != nil && in.Regions.Grid() != ms.Grid {
		return fmt.Errorf("regions on %v, models on %v", in.Regions.Grid(), ms.Grid)
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
	var out []*Model
	for _, mm := range all {
		if slices.Contains(dgvms, mm.DGVM) {
			out = append(out, mm)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no trained member among DGVMs %v", dgvms)
	}
	return out, nil
}

// member predicts one member's NBP on its land cells.
func (p *predictor) member(mm *Model) (Member, error) {
	pred, err := mm.Emulator.PredictRows(p.x, p.nrow, Features().Names())
	if err != nil {
		return Member{}, fmt.Errorf("land %s: member %s: %w", p.m, mm.Name, err)
	}
	off, err := mm.offsets(p.basis, p.m, p.xco2PPM)
	if err != nil {
		return Member{}, fmt.Errorf("land %s: %w", p.m, err)
	}
	out := Member{Name: mm.Name, DGVM: mm.DGVM, NBP: grid.NewField(p.g, "nbp/"+mm.DGVM, fluxUnits)}
	for k, c := range p.cells {
		if mm.Mask == nil || mm.Mask[c] {
			out.NBP.Values[c] = pred[k] + off[c]
		}
	}
	out.GtC = sumGtC(p.g, out.NBP.Values, p.landFrac)
	return out, nil
}

// ensemble combines the members into the per-cell mean and spread and the
// totals. A cell's mean is over the members that cover it.
func (r *Result) ensemble(g grid.Grid, landFrac []float32) {
	r.NBPMean = grid.NewField(g, "nbp_mean", fluxUnits)
	r.NBPSD = grid.NewField(g, "nbp_sd", fluxUnits)
	totals := make([]float64, len(r.Members))
	for j, mr := range r.Members {
		totals[j] = mr.GtC
	}
	r.SLandGtC, r.SigmaGtC = meanSD(totals)
	x := make([]float64, 0, len(r.Members))
	for i, lf := range landFrac {
		if !(lf > 0) {
			continue
		}
		x = x[:0]
		for _, mr := range r.Members {
			if v := mr.NBP.Values[i]; v == v {
				x = append(x, float64(v))
			}
		}
		if len(x) > 0 {
			mean, sd := meanSD(x)
			r.NBPMean.Values[i], r.NBPSD.Values[i] = float32(mean), float32(sd)
		}
	}
}

// fire reads the month's fire emissions, takes their anomaly and makes
// the net flux; without fire_c the net flux is NBP and the result
// provisional.
func (r *Result) fire(p *predictor, opt Options) error {
	r.Net = r.NBPMean.Clone()
	r.Net.Name = "land_net"
	r.NetGtC = r.SLandGtC
	f, err := checkedField(p.in.Cubes, p.m, fieldFire, fluxUnits, p.g)
	if err != nil {
		r.Missing = appendMissing(r.Missing, SourceFire)
		return nil
	}
	clim, err := p.in.Climatology.Mean(fieldFire, int(p.m.Month))
	if err != nil {
		return fmt.Errorf("land %s: fire climatology: %w", p.m, err)
	}
	ff := fireAnomaly(f.Values, clim, p.landFrac)
	r.Fire = &grid.Field{Name: "fire", Units: fluxUnits, Grid: p.g, Values: ff.fire}
	r.FireAnomaly = &grid.Field{Name: "fire_anomaly", Units: fluxUnits, Grid: p.g, Values: ff.anomaly}
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
	r.fireInNet = true
	return nil
}

// heat marks the cells under extreme heat and sums their net flux.
func (r *Result) heat(p *predictor, opt Options) error {
	sigmas := opt.HeatSigmas
	if sigmas == 0 {
		sigmas = 2
	}
	t2m, err := checkedField(p.in.Cubes, p.m, fieldT2m, driverUnits[fieldT2m], p.g)
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

// eluc sets E_LUC from the series.
func (r *Result) eluc(s *ELUCSeries) error {
	if s == nil {
		r.Missing = appendMissing(r.Missing, SourceLandUse)
		return nil
	}
	em, err := s.Month(r.Month)
	if err != nil {
		return fmt.Errorf("land %s: %w", r.Month, err)
	}
	r.ELUCGtC, r.ELUCSigmaGtC, r.ELUCProjected = em.GtC, em.SigmaGtC, em.Projected
	return nil
}

// regions sums the members, fire and heat cells over the regions.
func (r *Result) regions(rs Regions) {
	fields := make([][]float32, len(r.Members))
	for j, mr := range r.Members {
		fields[j] = mr.NBP.Values
	}
	var fire, anom []float32
	if r.Fire != nil {
		fire, anom = r.Fire.Values, r.FireAnomaly.Values
	}
	r.Regions = regionTotals(rs, fields, fire, anom, heatNet(r.Net.Values, r.HeatCells.Values), r.fireInNet)
}

// Totals returns the month's totals by region (and GlobalID), for
// baselines.
func (r *Result) Totals() MonthTotals {
	t := MonthTotals{Month: r.Month, Totals: map[string]Totals{}}
	for _, rt := range r.Regions {
		t.Totals[rt.ID] = rt.Totals
	}
	t.Totals[GlobalID] = r.globalTotals() // the stage's own global sums
	return t
}

func (r *Result) globalTotals() Totals {
	return Totals{NBPGtC: r.SLandGtC, FireGtC: r.FireGtC, FireAnomalyGtC: r.FireAnomalyGtC, NetGtC: r.NetGtC}
}

// applyBaseline sets the anomalies of the global totals and the regions.
func (r *Result) applyBaseline(b *Baseline) {
	if b == nil {
		return
	}
	if v, ok := b.Mean(GlobalID, r.Month); ok {
		r.Anomaly, r.HasAnomaly = r.globalTotals().minus(v), true
	}
	for i := range r.Regions {
		rt := &r.Regions[i]
		if v, ok := b.Mean(rt.ID, r.Month); ok {
			rt.Anomaly, rt.HasAnomaly = rt.Totals.minus(v), true
		}
	}
}

func appendMissing(list []string, src string) []string {
	if slices.Contains(list, src) {
		return list
	}
	return append(list, src)
}
