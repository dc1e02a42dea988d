package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/lake"

	"github.com/carbonbudget/carbonbudget/internal/durable"

	"github.com/carbonbudget/carbonbudget/budget"
	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// StageResults are the three stages' results of a month, as the budget
// needs them. The pipeline keeps them in the work directory so that the
// budget stage can be rerun on its own (carbonbudget budget --month) and,
// later, so stages can run as separate units of work.
type StageResults struct {
	Ocean  OceanOut
	Land   LandOut
	Fossil FossilOut
}

type stageTerms struct {
	Ocean, Land, Fossil       lake.Term
	OceanMembers, LandMembers map[string]float64
	FossilNational            []lake.NationalRow
	FossilBunkersGtC          float64
}

func stageDir(work string, m grid.Month) string { return filepath.Join(work, "stages", m.String()) }

// saveStages writes the stage results of m: the terms as JSON and the
// fields as one grid file.
func saveStages(work string, m grid.Month, g grid.Grid, s StageResults) error {
	dir := stageDir(work, m)
	gm := output.GridMonth{Grid: g, Month: m}
	add := func(name string, f *grid.Field) {
		if f != nil {
			gm.Columns = append(gm.Columns, output.Column{Name: name, Units: f.Units, Values: f.Values})
		}
	}
	add("ocean_mean", s.Ocean.Flux.Mean)
	add("ocean_sigma", s.Ocean.Flux.Sigma)
	add("pco2_sea", s.Ocean.PCO2Sea)
	add("land_mean", s.Land.Flux.Mean)
	add("land_sigma", s.Land.Flux.Sigma)
	add("fire", s.Land.Fire)
	add("fossil", s.Fossil.Flux.Mean)
	for name, f := range s.Ocean.Flux.MemberFields {
		add("ocean_member:"+name, f)
	}
	for name, f := range s.Land.Flux.MemberFields {
		add("land_member:"+name, f)
	}
	for _, d := range []struct {
		prefix string
		flux   budget.Flux
	}{{"land_driver", s.Land.Flux}, {"ocean_driver", s.Ocean.Flux}} {
		for name, f := range d.flux.Drivers {
			add(d.prefix+":"+name, f)
		}
		for name, f := range d.flux.DriversSigma {
			add(d.prefix+"_sd:"+name, f)
		}
	}
	if err := output.WriteGrid(filepath.Join(dir, "fields.parquet"), gm); err != nil {
		return err
	}
	terms := stageTerms{Ocean: s.Ocean.Flux.Term, Land: s.Land.Flux.Term, Fossil: s.Fossil.Flux.Term, FossilNational: s.Fossil.National, FossilBunkersGtC: s.Fossil.BunkersGtC,
		OceanMembers: s.Ocean.Flux.Members, LandMembers: s.Land.Flux.Members}
	return durable.WriteFile(filepath.Join(dir, "terms.json"), func(w io.Writer) error {
		return json.NewEncoder(w).Encode(terms)
	})
}

// loadStages reads what saveStages wrote.
func loadStages(ctx context.Context, work string, m grid.Month, g grid.Grid) (StageResults, error) {
	dir := stageDir(work, m)
	b, err := os.ReadFile(filepath.Join(dir, "terms.json"))
	if err != nil {
		return StageResults{}, fmt.Errorf("stage results of %s: %w (run 'carbonbudget run --month %s' first)", m, err, m)
	}
	var terms stageTerms
	if err := json.Unmarshal(b, &terms); err != nil {
		return StageResults{}, fmt.Errorf("stage results of %s: %w", m, err)
	}
	gf, err := output.ReadGrid(ctx, filepath.Join(dir, "fields.parquet"))
	if err != nil {
		return StageResults{}, err
	}
	field := func(name string) *grid.Field {
		v, ok := gf.Columns[name]
		if !ok {
			return nil
		}
		return &grid.Field{Name: name, Units: gf.Units[name], Grid: g, Values: v}
	}
	members := func(prefix string) map[string]*grid.Field {
		out := map[string]*grid.Field{}
		for name := range gf.Columns {
			if m, ok := strings.CutPrefix(name, prefix); ok {
				out[m] = field(name)
			}
		}
		return out
	}
	return StageResults{
		Ocean: OceanOut{Flux: budget.Flux{Term: terms.Ocean, Mean: field("ocean_mean"), Sigma: field("ocean_sigma"), Members: terms.OceanMembers,
			MemberFields: members("ocean_member:"), Drivers: nilIfEmpty(members("ocean_driver:")),
			DriversSigma: nilIfEmpty(members("ocean_driver_sd:"))},
			PCO2Sea: field("pco2_sea")},
		Land: LandOut{Flux: budget.Flux{Term: terms.Land, Mean: field("land_mean"), Sigma: field("land_sigma"), Members: terms.LandMembers,
			MemberFields: members("land_member:"), Drivers: nilIfEmpty(members("land_driver:")),
			DriversSigma: nilIfEmpty(members("land_driver_sd:"))},
			Fire: field("fire")},
		Fossil: FossilOut{Flux: budget.Flux{Term: terms.Fossil, Mean: field("fossil")}, National: terms.FossilNational, BunkersGtC: terms.FossilBunkersGtC},
	}, nil
}

// nilIfEmpty keeps "no attribution" (nil) apart from an empty map.
func nilIfEmpty(m map[string]*grid.Field) map[string]*grid.Field {
	if len(m) == 0 {
		return nil
	}
	return m
}
