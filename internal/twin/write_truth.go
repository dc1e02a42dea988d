package twin

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"io"
	"path/filepath"
	"strconv"

	"github.com/carbonbudget/carbonbudget/internal/durable"

	"github.com/carbonbudget/carbonbudget/internal/output"
)

// truthColumns are the gridded truth of a month: name, units, description
// and the field. Land columns are per m² of land, ocean columns per m² of
// ocean (the pipeline's convention).
func truthColumns(f *MonthFields) []output.Column {
	const flux = "g C m-2 month-1"
	cols := []output.Column{
		{Name: "fossil", Units: flux, Description: "fossil CO2 emissions without international aviation, per m2 of land, positive to the atmosphere", Values: f.Fossil},
		{Name: "nbp", Units: flux, Description: "natural land flux (S_LAND per cell: NEP minus fire, no land-use change), per m2 of land, positive into land", Values: f.NBP},
		{Name: "gpp", Units: flux, Description: "gross primary production, per m2 of land", Values: f.GPP},
		{Name: "fire", Units: flux, Description: "fire carbon emissions, per m2 of land, positive to the atmosphere", Values: f.Fire},
		{Name: "eluc", Units: flux, Description: "land-use change emissions, per m2 of land, positive to the atmosphere", Values: f.ELUC},
		{Name: "ocean_sink", Units: flux, Description: "S_OCEAN per cell (contemporary flux plus river-carbon outgassing), per m2 of ocean, positive into the ocean", Values: f.OceanSink},
		{Name: "fgco2", Units: flux, Description: "contemporary sea-air CO2 flux, per m2 of ocean, positive into the ocean", Values: f.FgCO2},
		{Name: "pco2_sea", Units: "uatm", Description: "surface-ocean pCO2", Values: f.PCO2SeaUatm},
		{Name: "fco2_sea", Units: "uatm", Description: "surface-ocean fCO2 (what SOCAT reports)", Values: f.FCO2SeaUatm},
		{Name: "pco2_air", Units: "uatm", Description: "pCO2 of air at the sea surface", Values: f.PCO2AirUatm},
	}
	for j, name := range DGVMNames {
		cols = append(cols, output.Column{Name: "nbp_" + name, Units: flux, Description: name + " S2 NBP (what the model would report), per m2 of land, positive into land", Values: f.NBPModel[j]})
	}
	for j, name := range GOBMNames {
		cols = append(cols, output.Column{Name: "fgco2_" + name, Units: flux, Description: name + " sea-air flux, per m2 of ocean, positive into the ocean", Values: f.FgCO2Model[j]})
	}
	return cols
}

func writeTruthGrid(dir string, f *MonthFields, opt Options) error {
	return output.WriteGrid(output.GridPath(filepath.Join(dir, "truth"), f.Month), output.GridMonth{
		Grid: f.Grid, Month: f.Month, Columns: truthColumns(f),
		Meta: map[string]string{"twin:seed": strconv.FormatUint(opt.Seed, 10), "twin:years": fmt.Sprintf("%d-%d", opt.FromYear, opt.ToYear)},
	})
}

// budgetRow is one row of the truth budget tables: GtC per month in the
// monthly table, GtC/yr in the annual one. B_IM is zero: the twin's
// budget closes.
type budgetRow struct {
	Year        int32   `parquet:"year"`
	Month       int32   `parquet:"month"` // 0 in the annual table
	EFos        float64 `parquet:"E_FOS"`
	ELUC        float64 `parquet:"E_LUC"`
	GAtm        float64 `parquet:"G_ATM"`
	SOcean      float64 `parquet:"S_OCEAN"`
	SLand       float64 `parquet:"S_LAND"`
	SCement     float64 `parquet:"S_CEMENT"`
	BIm         float64 `parquet:"B_IM"`
	Fire        float64 `parquet:"FIRE"`
	GPP         float64 `parquet:"GPP"`
	FgCO2       float64 `parquet:"FGCO2"`
	River       float64 `parquet:"RIVER"`
	CO2MeanPPM  float64 `parquet:"co2_mean_ppm"`
	CO2StartPPM float64 `parquet:"co2_start_ppm"`
	CO2EndPPM   float64 `parquet:"co2_end_ppm"`
	DGVM1       float64 `parquet:"S_LAND_TWIN-LPJ"`
	DGVM2       float64 `parquet:"S_LAND_TWIN-ORCH"`
	DGVM3       float64 `parquet:"S_LAND_TWIN-JULES"`
	GOBM1       float64 `parquet:"S_OCEAN_TWIN-NEMO"`
	GOBM2       float64 `parquet:"S_OCEAN_TWIN-MOM"`
	GOBM3       float64 `parquet:"S_OCEAN_TWIN-MPI"`
}

var budgetHeader = []string{"year", "month", "E_FOS", "E_LUC", "G_ATM", "S_OCEAN", "S_LAND", "S_CEMENT", "B_IM",
	"FIRE", "GPP", "FGCO2", "RIVER", "co2_mean_ppm", "co2_start_ppm", "co2_end_ppm",
	"S_LAND_TWIN-LPJ", "S_LAND_TWIN-ORCH", "S_LAND_TWIN-JULES", "S_OCEAN_TWIN-NEMO", "S_OCEAN_TWIN-MOM", "S_OCEAN_TWIN-MPI"}

func (r budgetRow) record() []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }
	return []string{strconv.Itoa(int(r.Year)), strconv.Itoa(int(r.Month)), f(r.EFos), f(r.ELUC), f(r.GAtm), f(r.SOcean),
		f(r.SLand), f(r.SCement), f(r.BIm), f(r.Fire), f(r.GPP), f(r.FgCO2), f(r.River), f(r.CO2MeanPPM),
		f(r.CO2StartPPM), f(r.CO2EndPPM), f(r.DGVM1), f(r.DGVM2), f(r.DGVM3), f(r.GOBM1), f(r.GOBM2), f(r.GOBM3)}
}

func monthRow(b MonthBudget) budgetRow {
	return budgetRow{Year: int32(b.Month.Year), Month: int32(b.Month.Month), EFos: b.EFos, ELUC: b.ELUC, GAtm: b.GAtm,
		SOcean: b.SOcean, SLand: b.SLand, SCement: b.SCement, BIm: b.BIm, Fire: b.Fire, GPP: b.GPP, FgCO2: b.FgCO2,
		River: b.River, CO2MeanPPM: (b.CO2StartPPM + b.CO2EndPPM) / 2, CO2StartPPM: b.CO2StartPPM, CO2EndPPM: b.CO2EndPPM,
		DGVM1: b.DGVM[0], DGVM2: b.DGVM[1], DGVM3: b.DGVM[2], GOBM1: b.GOBM[0], GOBM2: b.GOBM[1], GOBM3: b.GOBM[2]}
}

// AnnualBudget sums monthly budgets into calendar years (GtC/yr); CO2 is
// the annual mean, start and end.
func AnnualBudget(months []MonthBudget) []MonthBudget {
	var out []MonthBudget
	for _, b := range months {
		if len(out) == 0 || out[len(out)-1].Month.Year != b.Month.Year {
			out = append(out, MonthBudget{Month: b.Month, CO2StartPPM: b.CO2StartPPM})
			out[len(out)-1].Month.Month = 0
		}
		a := &out[len(out)-1]
		a.EFos += b.EFos
		a.ELUC += b.ELUC
		a.GAtm += b.GAtm
		a.SOcean += b.SOcean
		a.SLand += b.SLand
		a.SCement += b.SCement
		a.BIm += b.BIm
		a.Fire += b.Fire
		a.GPP += b.GPP
		a.FgCO2 += b.FgCO2
		a.River += b.River
		for j := range a.DGVM {
			a.DGVM[j] += b.DGVM[j]
			a.GOBM[j] += b.GOBM[j]
		}
		a.CO2EndPPM = b.CO2EndPPM
	}
	return out
}

func writeBudgets(dir string, months []MonthBudget) error {
	annual := AnnualBudget(months)
	for _, t := range []struct {
		name   string
		rows   []MonthBudget
		annual bool
	}{{"budget_monthly", months, false}, {"budget_annual", annual, true}} {
		rows := make([]budgetRow, len(t.rows))
		records := make([][]string, len(t.rows))
		for i, b := range t.rows {
			rows[i] = monthRow(b)
			if t.annual {
				rows[i].CO2MeanPPM = annualMeanCO2(months, b.Month.Year)
			}
			records[i] = rows[i].record()
		}
		units := "GtC per month"
		if t.annual {
			units = "GtC per year"
		}
		kv := map[string]string{"units": units + " (co2_* in ppm); sinks positive into the surface; B_IM = 0 in the twin world"}
		base := filepath.Join(dir, "truth", t.name)
		if err := output.WriteParquet(base+".parquet", rows, kv); err != nil {
			return err
		}
		if err := output.WriteCSV(base+".csv", budgetHeader, records); err != nil {
			return err
		}
	}
	return nil
}

func annualMeanCO2(months []MonthBudget, year int) float64 {
	var s float64
	var n int
	for _, b := range months {
		if b.Month.Year == year {
			s += (b.CO2StartPPM + b.CO2EndPPM) / 2
			n++
		}
	}
	return s / float64(n)
}

// writeManifest records what the world is: options, models, the model lag
// and the extremes with their causes (nil: not measured), for whoever
// validates against the truth.
func writeManifest(dir string, opt Options, causes map[string]map[string]float64) error {
	var evs []Extreme
	for _, e := range events {
		if e.to.Year >= opt.FromYear && e.from.Year <= opt.ToYear {
			x := Extreme{Name: e.name, Kind: e.kind, From: e.from.String(), To: e.to.String(), Region: e.region, Ocean: e.ocean}
			if c := causes[e.name]; c != nil {
				x.Effects = map[string]float64{}
				for part, v := range c {
					x.Effects[part] = math.Round(v*1e4) / 1e4
				}
				x.Cause = mainCause(c)
			}
			if e.region == "" {
				x.Box = &[4]float64{e.box[0], e.box[1], e.box[2], e.box[3]}
			}
			evs = append(evs, x)
		}
	}
	evs = append(evs, ensoExtremes(opt)...)
	doc := map[string]any{
		"seed": opt.Seed, "from_year": opt.FromYear, "to_year": opt.ToYear, "resolution_deg": opt.ResDeg,
		"model_last_year": opt.ModelLastYear(), "dgvms": DGVMNames, "gobms": GOBMNames, "extremes": evs,
		"ship_lag_months": opt.ShipLagMonths,
	}
	return durable.WriteFile(filepath.Join(dir, "truth", "world.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	})
}

// Extreme is a planted extreme as truth/world.json records it, for
// scoring the findings (validation): what kind it is, when and where (a
// special region's id, or a box lat0, lat1, lon0, lon1 in degrees).
type Extreme struct {
	Name   string      `json:"name"`
	Kind   string      `json:"kind"`
	From   string      `json:"from"`
	To     string      `json:"to"`
	Region string      `json:"region,omitempty"`
	Box    *[4]float64 `json:"box,omitempty"`
	Ocean  bool        `json:"ocean,omitempty"`
	// Both marks an extreme of land and ocean alike (ENSO).
	Both bool `json:"both,omitempty"`
	// Effects is, for a land event, the change of the truth's NBP over its
	// cells in its months and the three after that each part of its
	// perturbation made (heat, water, fire; GtC, negative: carbon lost),
	// from counterfactual worlds without that part; Cause is the part
	// with the largest effect the way they moved it together (extremeCauses).
	Effects map[string]float64 `json:"effects,omitempty"`
	Cause   string             `json:"cause,omitempty"`
}

// ensoStrongC is the |ONI| from which the twin's ENSO phase counts as a
// planted extreme: strong El Niño and La Niña.
const ensoStrongC = 1.0

// ensoExtremes are the strong ENSO phases of the twin's ONI (at least
// three months with |ONI| ≥ ensoStrongC) in the simulated years: the
// ONI drives the twin's tropical ocean pCO2, winds, temperature and
// rain, so they are extremes of the tropics, land and ocean.
func ensoExtremes(opt Options) []Extreme {
	oni := newONISeries(opt.Seed, opt.ToYear)
	var out []Extreme
	first, last := grid.Month{Year: opt.FromYear, Month: 1}, grid.Month{Year: opt.ToYear, Month: 12}
	var start grid.Month
	run, sign := 0, 0.0
	flush := func(end grid.Month) {
		if run >= 3 {
			name := "El Niño"
			if sign < 0 {
				name = "La Niña"
			}
			out = append(out, Extreme{Name: fmt.Sprintf("%s %s–%s", name, start, end), Kind: "enso", From: start.String(), To: end.String(),
				Box: &[4]float64{-23.5, 23.5, -180, 180}, Both: true})
		}
		run = 0
	}
	for m := first; !last.Before(m); m = m.Add(1) {
		v := oni.at(m, 0)
		if math.Abs(v) >= ensoStrongC && (run == 0 || math.Signbit(v) == math.Signbit(sign)) {
			if run == 0 {
				start, sign = m, v
			}
			run++
			continue
		}
		flush(m.Add(-1))
		if math.Abs(v) >= ensoStrongC {
			start, sign, run = m, v, 1
		}
	}
	flush(last)
	return out
}
