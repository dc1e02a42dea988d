package ocean

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"

	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Inputs are what Run reads for a month.
type Inputs struct {
	// Cube is month m's cube, on the models' grid: Features read no
	// earlier month. Its Missing lists the late sources absent from it;
	// "socat" among them makes the result provisional.
	Cube   *cube.Cube
	Models *Models // the trained members
}

// Options tunes Run. The zero value is the production setting.
type Options struct {
	Logger *slog.Logger // nil: no logging
	// EqualWeights makes every member weigh the same in the ensemble mean,
	// instead of GCB's half GOBMs, half data products.
	EqualWeights bool
	// NoRiverAdjustment leaves the river-flux adjustment out of the
	// reconstruction (to compare it with a truth that has no river carbon).
	NoRiverAdjustment bool
	// NoRecon and NoGOBMs leave those members out.
	NoRecon, NoGOBMs bool
	// TransferCoeff overrides the models' transfer coefficient (cm/hr per
	// m² s⁻²) when positive.
	TransferCoeff float64
	// NoShipCorrection leaves the month's ship data out of the
	// reconstruction (they are still scored); CorrectionLengthKm is the
	// kernel's length (0: DefaultCorrectionLengthKm) and CorrectionPrior
	// the weight, in ship cells, of the prior of no correction (0: 10).
	// See correction.go.
	NoShipCorrection   bool
	CorrectionLengthKm float64
	CorrectionPrior    float64
	// NoAttribution skips splitting the uptake into driver groups
	// (Result.Drivers).
	NoAttribution bool
}

// Member is one ensemble member's result for the month.
type Member struct {
	Name   string
	Kind   string
	Weight float64 // in the ensemble mean
	GtC    float64 // into the ocean, GtC per month, river adjustment included
	// RiverGtC is the river adjustment in GtC (reconstruction only).
	RiverGtC float64
	Uptake   *grid.Field // g C m-2 month-1 per m² of ocean, into the ocean
}

// Result is the ocean sink of one month.
type Result struct {
	Month grid.Month
	// UptakeMean and UptakeSD are the ensemble mean and the member spread
	// (sample standard deviation) per cell, g C m⁻² month⁻¹ per m² of
	// ocean, positive into the ocean, NaN without ocean.
	UptakeMean, UptakeSD *grid.Field
	// PCO2Sea is the reconstruction's surface pCO2 (µatm); nil without it.
	PCO2Sea *grid.Field
	Members []Member
	// GtC is S_OCEAN for the month (ensemble mean, river adjustment
	// included) and SigmaGtC the sample standard deviation of the member
	// totals, both GtC per month.
	GtC, SigmaGtC float64
	// RiverAdjustmentGtC is the river adjustment inside GtC: the
	// reconstruction's adjustment times its weight.
	RiverAdjustmentGtC float64
	// Provisional is set when the month's ship data is missing: the
	// reconstruction then predicts from the drivers alone.
	Provisional bool
	Missing     []string
	// ShipCells is the number of cells with ship pCO2 this month, and
	// ShipRMSEUatm the RMS misfit of the trees' prediction to them before
	// the ship-data correction (NaN without ship data).
	ShipCells    int
	ShipRMSEUatm float64
	// FilledCells counts ocean cells whose reconstruction flux came from
	// their neighbours (drivers missing there).
	FilledCells int
	// Drivers split UptakeMean by driver group (DriverGroups; the GOBMs'
	// attribution and the reconstruction's share, adding up to UptakeMean
	// per cell) and DriversSD is each group's spread over the GOBMs; nil
	// with Options.NoAttribution or without a GOBM.
	Drivers, DriversSD map[string]*grid.Field
}

// SourceSOCAT is the name of the ship-data source in Missing.
const SourceSOCAT = "socat"

// Run estimates the ocean sink of month m: every member predicts the flux
// into the ocean on every ocean cell, and the ensemble combines them (see
// the package documentation for weights, river adjustment and σ).
func Run(ctx context.Context, m grid.Month, in Inputs, opt Options) (*Result, error) {
	if in.Cube == nil || in.Models == nil || len(in.Models.Members) == 0 {
		return nil, fmt.Errorf("ocean %s: no cube or no trained members", m)
	}
	ms := in.Models
	if err := ms.check(); err != nil {
		return nil, fmt.Errorf("ocean %s: %w", m, err)
	}
	if in.Cube.Month != m || in.Cube.Grid != ms.Grid {
		return nil, fmt.Errorf("ocean %s: handed the cube of %s on %v, models on %v", m, in.Cube.Month, in.Cube.Grid, ms.Grid)
	}
	d := drivers{handed(in.Cube)}
	lf, err := emulator.CheckedField(d, m, fieldLandFrac, "1", ms.Grid)
	if err != nil {
		return nil, fmt.Errorf("ocean %s: %w", m, err)
	}
	oceanFrac := oceanFraction(lf.Values)
	r := &Result{Month: m, ShipRMSEUatm: math.NaN()}
	members, err := selectMembers(ms.Members, opt)
	if err != nil {
		return nil, fmt.Errorf("ocean %s: %w", m, err)
	}
	p := predictor{d: d, ms: ms, opt: opt, m: m, g: ms.Grid, oceanFrac: oceanFrac, cells: oceanCells(oceanFrac)}
	if err := p.features(ctx); err != nil {
		return nil, err
	}
	groups := make([]map[string][]float32, len(members))
	for j, mm := range members {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("ocean %s: %w", m, err)
		}
		mr, err := p.member(mm, r)
		if err != nil {
			return nil, err
		}
		r.Members = append(r.Members, mr)
		if mm.Kind == KindGOBM && !opt.NoAttribution {
			if groups[j], err = p.attribute(mm); err != nil {
				return nil, err
			}
		}
	}
	r.ensemble(ms.Grid, opt)
	r.Drivers, r.DriversSD = r.driverEnsemble(ms.Grid, groups)
	r.provisional(in.Cube.Missing)
	return r, nil
}

func selectMembers(all []*Model, opt Options) ([]*Model, error) {
	return emulator.SelectMembers(all, func(mm *Model) bool {
		return !(mm.Kind == KindGOBM && opt.NoGOBMs) && !(mm.Kind == KindReconstruction && opt.NoRecon)
	})
}

// predictor holds one month's feature matrix for every member.
type predictor struct {
	d         drivers
	ms        *Models
	opt       Options
	m         grid.Month
	g         grid.Grid
	oceanFrac []float32
	cells     []int
	x         []float32
	nrow      int
}

// features builds the month's feature matrix once: all members share
// Features (Load checks it).
func (p *predictor) features(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ocean %s: %w", p.m, err)
	}
	b, err := emulator.NewBuilder(p.g, Features(), p.d)
	if err != nil {
		return fmt.Errorf("ocean %s: %w", p.m, err)
	}
	p.x, p.nrow, _, err = b.Rows(p.m, p.cells)
	if err != nil {
		return fmt.Errorf("ocean %s: %w", p.m, err)
	}
	return nil
}

// member predicts one member's flux field into the ocean.
func (p *predictor) member(mm *Model, r *Result) (Member, error) {
	pred, err := mm.Emulator.PredictRows(p.x, p.nrow, Features().Names())
	if err != nil {
		return Member{}, fmt.Errorf("ocean %s: member %s: %w", p.m, mm.Name, err)
	}
	out := Member{Name: mm.Name, Kind: mm.Kind, Uptake: grid.NewField(p.g, "ocean_uptake/"+mm.Name, emulator.FluxUnits)}
	switch mm.Kind {
	case KindGOBM:
		for k, c := range p.cells {
			out.Uptake.Values[c] = pred[k]
		}
	case KindReconstruction:
		if err := p.recon(pred, out.Uptake, r); err != nil {
			return Member{}, err
		}
		if !p.opt.NoRiverAdjustment {
			river, gtc := riverField(p.g, p.oceanFrac, p.m)
			for i, v := range river {
				out.Uptake.Values[i] += v
			}
			out.RiverGtC = gtc
		}
	default:
		return Member{}, fmt.Errorf("ocean %s: member %s: unknown kind %q", p.m, mm.Name, mm.Kind)
	}
	fillOcean(p.g, out.Uptake.Values, p.oceanFrac)
	out.GtC = p.g.Sum(out.Uptake.Values, p.oceanFrac) / emulator.GramsPerGt
	return out, nil
}

// recon corrects the predicted ΔpCO2 with the month's ship data when
// there is any (see correction.go), and turns it into pCO2 and the flux.
func (p *predictor) recon(delta []float32, uptake *grid.Field, r *Result) error {
	s, err := p.d.surface(p.m, p.g, true)
	if err != nil {
		return fmt.Errorf("ocean %s: reconstruction flux: %w", p.m, err)
	}
	ship, err := p.d.Field(p.m, FieldDeltaPCO2Ship)
	switch {
	case errors.Is(err, errNoShip):
		// The month's ship data has not arrived: provisional (see
		// Result.provisional); the reconstruction stands on the drivers.
		r.Missing = emulator.AppendMissing(r.Missing, SourceSOCAT)
	case err != nil:
		return fmt.Errorf("ocean %s: ship data: %w", p.m, err)
	default:
		p.useShip(ship.Values, delta, r)
	}
	coeff := p.ms.TransferCoeff
	if p.opt.TransferCoeff > 0 {
		coeff = p.opt.TransferCoeff
	}
	r.PCO2Sea = grid.NewField(p.g, "pco2_sea", pco2Units)
	reconFlux(s, delta, p.cells, coeff, p.m.Days(), r.PCO2Sea.Values, uptake.Values)
	r.FilledCells = fillOcean(p.g, uptake.Values, p.oceanFrac)
	return nil
}

// useShip scores the prediction against the month's ship ΔpCO2 and, unless
// the options say not to, corrects it by the spread residuals.
func (p *predictor) useShip(ship, delta []float32, r *Result) {
	residual := make([]float32, len(ship))
	for i := range residual {
		residual[i] = float32(math.NaN())
	}
	var ss float64
	for k, c := range p.cells {
		if v := ship[c]; v == v {
			residual[c] = v - delta[k]
			ss += float64(residual[c]) * float64(residual[c])
			r.ShipCells++
		}
	}
	if r.ShipCells == 0 {
		return
	}
	r.ShipRMSEUatm = math.Sqrt(ss / float64(r.ShipCells))
	if p.opt.NoShipCorrection {
		return
	}
	lengthKm := p.opt.CorrectionLengthKm
	if lengthKm <= 0 {
		lengthKm = DefaultCorrectionLengthKm
	}
	prior := p.opt.CorrectionPrior
	if prior <= 0 {
		prior = correctionPrior
	}
	for k, v := range shipCorrection(p.g, residual, p.cells, lengthKm, prior) {
		delta[k] += v
	}
}

// ensemble combines the members into the mean, spread and totals.
func (r *Result) ensemble(g grid.Grid, opt Options) {
	kinds := make([]string, len(r.Members))
	fields := make([][]float32, len(r.Members))
	totals := make([]float64, len(r.Members))
	for j := range r.Members {
		kinds[j], fields[j], totals[j] = r.Members[j].Kind, r.Members[j].Uptake.Values, r.Members[j].GtC
	}
	w := memberWeights(kinds, opt.EqualWeights)
	for j := range r.Members {
		r.Members[j].Weight = w[j]
		r.RiverAdjustmentGtC += w[j] * r.Members[j].RiverGtC
	}
	mean, sd := emulator.CellMeanSD(fields, w)
	r.UptakeMean = &grid.Field{Name: "ocean_uptake_mean", Units: emulator.FluxUnits, Grid: g, Values: mean}
	r.UptakeSD = &grid.Field{Name: "ocean_uptake_sd", Units: emulator.FluxUnits, Grid: g, Values: sd}
	r.GtC, r.SigmaGtC = emulator.MeanSD(totals, w)
}

// provisional marks the result provisional when the ship data of the month
// is missing, and records every late source the cube lacked.
func (r *Result) provisional(missing []string) {
	for _, s := range missing {
		r.Missing = emulator.AppendMissing(r.Missing, s)
	}
	r.Provisional = slices.Contains(r.Missing, SourceSOCAT)
}
